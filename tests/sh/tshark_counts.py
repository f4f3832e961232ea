#!/usr/bin/env python3
"""summary: counts ARP/IPv4/UDP/TCP frames from `tshark -T fields -e frame.protocols` output.

A frame counts as UDP or TCP when that protocol directly follows its first IPv4
header: ICMP errors quoting a UDP header do not count, and neither do IP
fragments that do not complete a datagram (tshark shows those as "data").
"""
import sys

counts = {"arp": 0, "ipv4": 0, "udp": 0, "tcp": 0}
for line in sys.stdin:
    layers = line.strip().split(":")
    if "arp" in layers and "ip" not in layers:
        counts["arp"] += 1
    if "ip" not in layers:
        continue
    counts["ipv4"] += 1
    i = layers.index("ip")
    nxt = layers[i + 1] if i + 1 < len(layers) else ""
    if nxt in ("udp", "tcp"):
        counts[nxt] += 1
for k in ("arp", "ipv4", "udp", "tcp"):
    print(k, counts[k])
