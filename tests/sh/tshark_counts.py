#!/usr/bin/env python3
"""summary: counts ARP/IPv4/UDP/TCP and IPv6 boot frames from tshark's field output.

Input: `tshark -T fields -E occurrence=a -e frame.protocols -e udp.srcport -e udp.dstport
-e dhcpv6.msgtype -e dhcpv6.option.type -e dhcpv6.requested_option_code`.
A frame counts as UDP or TCP when that protocol directly follows its first IPv4
header: ICMP errors quoting a UDP header do not count, and neither do IP
fragments that do not complete a datagram (tshark shows those as "data").
An IPv6 boot frame (ipv6-boot) is an IPv6 one whose first IP header is followed directly by
UDP to port 69 (TFTP), or by a DHCPv6 client/server message (types 1-11) with an RFC 5970
option (59-62) or an option request for 59/60 (a boot file URL or its parameters).
"""
import sys

counts = {"arp": 0, "ipv4": 0, "udp": 0, "tcp": 0, "ipv6-boot": 0}
for line in sys.stdin:
    cols = [c.split(",") for c in (line.rstrip("\n").split("\t") + [""] * 6)[:6]]
    layers = cols[0][0].strip().split(":")
    sport, dport, msgtype = cols[1][0], cols[2][0], cols[3][0]
    boot = (msgtype.isdigit() and 1 <= int(msgtype) <= 11 and
            (set(cols[4]) & {"59", "60", "61", "62"} or set(cols[5]) & {"59", "60"}))
    if "arp" in layers and "ip" not in layers:
        counts["arp"] += 1
    if "ipv6" in layers and ("ip" not in layers or layers.index("ipv6") < layers.index("ip")):
        i = layers.index("ipv6")
        dhcpv6 = sport in ("546", "547") or dport in ("546", "547")
        if layers[i + 1:i + 2] == ["udp"] and (dport == "69" or (dhcpv6 and boot)):
            counts["ipv6-boot"] += 1
    if "ip" not in layers:
        continue
    counts["ipv4"] += 1
    i = layers.index("ip")
    nxt = layers[i + 1] if i + 1 < len(layers) else ""
    if nxt in ("udp", "tcp"):
        counts[nxt] += 1
for k in ("arp", "ipv4", "udp", "tcp", "ipv6-boot"):
    print(k, counts[k])
