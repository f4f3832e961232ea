#!/usr/bin/env python3
"""summary: writes small crafted pcap files for the CLI tests (link type, truncation, frames).

usage: mkpcap.py OUT [--linktype N] [--frames N] [--truncate BYTES] [--nsec]
Frames are Ethernet/IPv4/UDP DHCP-port datagrams with fixed content.
"""
import argparse
import struct


def frame(i):
    payload = bytes([1, 1, 6, 0]) + struct.pack(">I", 0x1000 + i) + bytes(236 - 8)
    payload += b"\x63\x82\x53\x63\x35\x01\x01\xff"
    udp = struct.pack(">HHHH", 68, 67, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     bytes(4), b"\xff\xff\xff\xff") + udp
    eth = b"\xff" * 6 + bytes([0xdc, 0xa6, 0x32, 0, 0, i & 0xff]) + b"\x08\x00"
    return eth + ip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--linktype", type=int, default=1)
    ap.add_argument("--frames", type=int, default=3)
    ap.add_argument("--truncate", type=int, default=0)
    ap.add_argument("--nsec", action="store_true")
    a = ap.parse_args()
    magic = 0xA1B23C4D if a.nsec else 0xA1B2C3D4
    data = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 262144, a.linktype)
    for i in range(a.frames):
        f = frame(i)
        data += struct.pack("<IIII", 1700000000 + i, 5000, len(f), len(f)) + f
    if a.truncate:
        data = data[: len(data) - a.truncate]
    with open(a.out, "wb") as fh:
        fh.write(data)


if __name__ == "__main__":
    main()
