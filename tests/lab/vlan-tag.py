#!/usr/bin/env python3
# summary: copy a classic pcap (Ethernet, LINKTYPE 1) inserting an IEEE 802.1Q tag in each frame.
#
# usage: vlan-tag.py IN.pcap OUT.pcap VID [PCP]
# The kernel of the lab cannot carry VLANs, so the VLAN-tagged capture variant is made from an
# untagged one: after the two MAC addresses (12 bytes) come TPID 0x8100 and the TCI
# (PCP << 13 | VID); caplen and len grow by 4. Truncated frames shorter than 12 bytes are copied
# unchanged.
import struct
import sys


def main() -> int:
    if len(sys.argv) not in (4, 5):
        print(__doc__ or "usage: vlan-tag.py IN OUT VID [PCP]", file=sys.stderr)
        return 2
    vid = int(sys.argv[3])
    pcp = int(sys.argv[4]) if len(sys.argv) == 5 else 0
    if not 0 < vid < 4095 or not 0 <= pcp < 8:
        print("bad VID/PCP", file=sys.stderr)
        return 2
    tag = struct.pack(">HH", 0x8100, (pcp << 13) | vid)
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    if len(data) < 24:
        print("not a pcap file", file=sys.stderr)
        return 1
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        print("not a classic pcap file (pcapng?)", file=sys.stderr)
        return 1
    snaplen, linktype = struct.unpack(e + "II", data[16:24])
    if linktype & 0xFFFF != 1:
        print("link type %d is not Ethernet" % linktype, file=sys.stderr)
        return 1
    out = bytearray(data[:16] + struct.pack(e + "II", snaplen + 4, linktype))
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, length = struct.unpack(e + "IIII", data[off : off + 16])
        frame = data[off + 16 : off + 16 + caplen]
        if len(frame) != caplen:
            print("truncated record at offset %d" % off, file=sys.stderr)
            return 1
        if caplen >= 12:
            frame = frame[:12] + tag + frame[12:]
            caplen += 4
            length += 4
        out += struct.pack(e + "IIII", sec, frac, caplen, length) + frame
        off += 16 + struct.unpack(e + "I", data[off + 8 : off + 12])[0]
    with open(sys.argv[2], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
