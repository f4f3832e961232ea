#!/usr/bin/env python3
"""summary: pcap_head.py IN OUT N: writes the first N frames of the classic pcap IN to OUT (what a
user has who stopped the capture early), header and records unchanged."""
import struct
import sys


def main():
    src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, "rb") as f, open(dst, "wb") as o:
        o.write(f.read(24))  # the global header
        for _ in range(n):
            rec = f.read(16)
            if len(rec) < 16:
                break
            o.write(rec + f.read(struct.unpack("<IIII", rec)[2]))


if __name__ == "__main__":
    main()
