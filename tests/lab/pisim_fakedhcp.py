#!/usr/bin/env python3
# summary: scripted DHCP server (RFC 2131/2132) for pisim-selftest.sh: answers with fixed OFFERs and
# can NAK the first REQUESTs or never ACK, to drive pisim.py through its NAK / ACK-timeout paths.
"""pisim_fakedhcp.py --iface IF --server IP --offer IP [options]

Runs in the server namespace until SIGTERM. Replies are broadcast to 255.255.255.255:68 (the
client has no address yet). Logs one line per message on stderr.
"""

import argparse
import os
import signal
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pisim import parse_options  # noqa: E402  (shared option parser)


def reply(req, mtype, args):
    xid, flags = struct.unpack("!I", req[4:8])[0], struct.unpack("!H", req[10:12])[0]
    yiaddr = socket.inet_aton(args.offer if mtype != 6 else "0.0.0.0")
    siaddr = socket.inet_aton(args.siaddr)
    hdr = struct.pack("!BBBBIHH", 2, 1, 6, 0, xid, 0, flags)
    hdr += b"\0" * 4 + yiaddr + siaddr + b"\0" * 4 + req[28:44] + b"\0" * 192
    sid = socket.inet_aton(args.server)
    opts = bytes([53, 1, mtype, 54, 4]) + sid
    if mtype != 6:
        opts += bytes([51, 4]) + struct.pack("!I", 3600)
        opts += bytes([1, 4]) + socket.inet_aton("255.255.255.0")
        if args.opt43 is not None:
            t = args.opt43.encode()
            opts += bytes([43, len(t)]) + t
        if args.opt66 is not None:
            t = args.opt66.encode()
            opts += bytes([66, len(t)]) + t
    return hdr + b"\x63\x82\x53\x63" + opts + b"\xff"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--server", required=True, help="our address (option 54)")
    p.add_argument("--offer", required=True, help="address offered to every client")
    p.add_argument("--siaddr", default="0.0.0.0")
    p.add_argument("--opt43", help="raw option 43 text (default none)")
    p.add_argument("--opt66", help="option 66 text (default none)")
    p.add_argument("--nak", type=int, default=0, help="NAK this many REQUESTs first")
    p.add_argument("--no-ack", action="store_true", help="never answer REQUESTs")
    args = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, args.iface.encode())
    s.bind(("", 67))
    naks = args.nak
    while True:
        req, _ = s.recvfrom(2048)
        if len(req) < 240 or req[0] != 1 or req[236:240] != b"\x63\x82\x53\x63":
            continue
        mtype = (parse_options(req[240:]).get(53) or b"\0")[0]
        out = None
        if mtype == 1:
            out = 2
        elif mtype == 3 and naks > 0:
            naks -= 1
            out = 6
        elif mtype == 3 and not args.no_ack:
            out = 5
        print(f"fakedhcp: got {mtype}, answer {out}", file=sys.stderr, flush=True)
        if out:
            s.sendto(reply(req, out, args), ("255.255.255.255", 68))


if __name__ == "__main__":
    main()
