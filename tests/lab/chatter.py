#!/usr/bin/env python3
# summary: background LAN traffic for lab captures: mDNS announcements (RFC 6762) and
# gratuitous ARP (RFC 5227 s3) from the server, once a second, until killed.
#
# usage: chatter.py IFACE IP [INTERVAL]   (run inside the server namespace, as root)
# A real capture on a router keeps running after a client gave up, and the LAN carries other
# traffic meanwhile; netboot-trace's timeouts run on packet time (the last packet of the capture
# is "now"), so a capture that ends with the client's last packet never shows its stall as
# final. This is the traffic that lets the capture's time pass: every INTERVAL seconds an mDNS
# response announcing "nbtlab-router.local A IP" to 224.0.0.251:5353, and every third tick a
# gratuitous ARP request for IP (sender IP == target IP) to the broadcast address. Nothing here
# is addressed to a booting client, and none of it leaves the lab's namespaces.
import socket
import struct
import sys
import time

MDNS_GROUP = "224.0.0.251"
MDNS_PORT = 5353
ETH_P_ARP = 0x0806


def mdns_announcement(ip: str) -> bytes:
    # RFC 1035 s4.1 header: id 0, flags QR|AA (RFC 6762 s18), 0 questions, 1 answer.
    hdr = struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0)
    name = b"".join(bytes([len(p)]) + p for p in (b"nbtlab-router", b"local")) + b"\0"
    # type A, class IN with the cache-flush bit (RFC 6762 s10.2), TTL 120 s, 4 bytes of address.
    rr = name + struct.pack("!HHIH", 1, 0x8001, 120, 4) + socket.inet_aton(ip)
    return hdr + rr


def gratuitous_arp(mac: bytes, ip: str) -> bytes:
    eth = b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP)
    # RFC 826: htype Ethernet, ptype IPv4, hlen 6, plen 4, op request; spa == tpa.
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)
    arp += mac + socket.inet_aton(ip) + b"\0" * 6 + socket.inet_aton(ip)
    return eth + arp


def main() -> int:
    if len(sys.argv) < 3:
        print("usage: chatter.py IFACE IP [INTERVAL]", file=sys.stderr)
        return 2
    ifname, ip = sys.argv[1], sys.argv[2]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    with open(f"/sys/class/net/{ifname}/address") as f:
        mac = bytes.fromhex(f.read().strip().replace(":", ""))

    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind((ip, MDNS_PORT))
    # The lab has no default route: name the interface for the multicast datagrams.
    udp.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
    udp.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    udp.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    raw.bind((ifname, ETH_P_ARP))

    mdns, arp = mdns_announcement(ip), gratuitous_arp(mac, ip)
    tick = 0
    while True:
        udp.sendto(mdns, (MDNS_GROUP, MDNS_PORT))
        if tick % 3 == 0:
            raw.send(arp)
        tick += 1
        time.sleep(interval)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
