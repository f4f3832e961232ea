#!/usr/bin/env python3
"""summary: writes a capture whose every packet string carries terminal controls (issue 16 s1).

usage: hostile_text.py OUT.pcap

A Pi 4 (by its MAC) boots against 10.0.0.1: DHCP DISCOVER (options 12, 60), OFFER and ACK
(options 66, 67, sname, file), TFTP RRQs answered by an ERROR and an OACK, portmap GETPORT
for MOUNT, a MOUNT MNT call, and an NFSv4 COMPOUND LOOKUP over TCP: each string holds ESC
sequences (clear screen, set title), CR LF with a forged report line, BEL, DEL, C1 controls
(raw and UTF-8 encoded), bytes that are not UTF-8 and a backslash. RFC 2131/2132, 1350/2347,
5531, 1813 appendix I (MOUNT), 7530 s16.13 (LOOKUP).
"""
import struct
import sys

from capsflood import Pcap, eth_ip, udp, tcp, SRV_MAC, SRV_IP

PI_MAC = b"\xdc\xa6\x32\x00\x00\x16"
BCAST = b"\xff" * 6
CLI_IP = bytes([10, 0, 0, 50])
# ESC [2J clears the screen, ESC ]0;..BEL sets the window title, CR LF forges a report line.
EVIL = (b"\x1b[2J\x1b]0;owned\x07\r\n  verdict  booted\x7f\x9b\xc2\x85\xc2\x9f"
        b"\xff\xfe\\x41")


def opt(code, data):
    return bytes([code, len(data)]) + data


def dhcp(op, mtype, xid, yiaddr=bytes(4), siaddr=bytes(4), opts=b"", sname=b"", file=b""):
    b = struct.pack(">BBBBIHH4s4s4s4s", op, 1, 6, 0, xid, 0, 0x8000, bytes(4), yiaddr,
                    siaddr, bytes(4))
    b += PI_MAC + bytes(10) + sname.ljust(64, b"\0")[:64] + file.ljust(128, b"\0")[:128]
    return b + b"\x63\x82\x53\x63" + opt(53, bytes([mtype])) + opts + b"\xff"


def xdr_str(s):
    return struct.pack(">I", len(s)) + s + bytes((4 - len(s) % 4) % 4)


def rpc_call(xid, prog, vers, proc, args):
    return struct.pack(">IIIIII", xid, 0, 2, prog, vers, proc) + bytes(16) + args


def main():
    p = Pcap(sys.argv[1])
    t = 0

    def add(frame):
        nonlocal t
        p.add(t, frame)
        t += 20000

    srv_opts = (opt(54, SRV_IP) + opt(1, bytes([255, 255, 255, 0])) + opt(66, b"tftp" + EVIL)
                + opt(67, b"boot" + EVIL) + opt(60, b"PXEClient") +
                opt(43, b"\x06\x01\x03\x0a\x04\x00PXE\x09\x14\x00\x00\x11Raspberry Pi Boot\xff"))
    cli_opts = opt(12, b"pi" + EVIL) + opt(60, b"PXEClient:Arch:00000:UNDI:002001" + EVIL)
    add(eth_ip(PI_MAC, BCAST, bytes(4), b"\xff" * 4, 17,
               udp(68, 67, dhcp(1, 1, 0x2600, opts=cli_opts))))
    add(eth_ip(SRV_MAC, BCAST, SRV_IP, b"\xff" * 4, 17,
               udp(67, 68, dhcp(2, 2, 0x2600, CLI_IP, SRV_IP, srv_opts, b"sn" + EVIL,
                                b"file" + EVIL))))
    add(eth_ip(PI_MAC, BCAST, bytes(4), b"\xff" * 4, 17,
               udp(68, 67, dhcp(1, 3, 0x2600, opts=cli_opts + opt(50, CLI_IP)))))
    add(eth_ip(SRV_MAC, BCAST, SRV_IP, b"\xff" * 4, 17,
               udp(67, 68, dhcp(2, 5, 0x2600, CLI_IP, SRV_IP, srv_opts, b"sn" + EVIL,
                                b"file" + EVIL))))
    # TFTP (RFC 1350 s5): RRQ opcode 1, ERROR 5 with a message; OACK 6 (RFC 2347).
    add(eth_ip(PI_MAC, SRV_MAC, CLI_IP, SRV_IP, 17,
               udp(49152, 69, b"\x00\x01" + EVIL + b"start4.elf\x00octet\x00")))
    add(eth_ip(SRV_MAC, PI_MAC, SRV_IP, CLI_IP, 17,
               udp(40000, 49152, b"\x00\x05\x00\x01" + b"missing" + EVIL + b"\x00")))
    add(eth_ip(PI_MAC, SRV_MAC, CLI_IP, SRV_IP, 17,
               udp(49153, 69, b"\x00\x01config.txt\x00octet\x00blksize\x001024\x00")))
    add(eth_ip(SRV_MAC, PI_MAC, SRV_IP, CLI_IP, 17,
               udp(40001, 49153, b"\x00\x06blk" + EVIL + b"\x001024" + EVIL + b"\x00")))
    # portmap GETPORT for MOUNT v3 over UDP (RFC 1833 s3), reply port 635, then MNT.
    add(eth_ip(PI_MAC, SRV_MAC, CLI_IP, SRV_IP, 17,
               udp(700, 111, rpc_call(0x101, 100000, 2, 3, struct.pack(">IIII", 100005, 3,
                                                                       17, 0)))))
    add(eth_ip(SRV_MAC, PI_MAC, SRV_IP, CLI_IP, 17,
               udp(111, 700, struct.pack(">IIIIIII", 0x101, 1, 0, 0, 0, 0, 635))))
    add(eth_ip(PI_MAC, SRV_MAC, CLI_IP, SRV_IP, 17,
               udp(701, 635, rpc_call(0x102, 100005, 3, 1, xdr_str(b"/srv" + EVIL)))))
    add(eth_ip(SRV_MAC, PI_MAC, SRV_IP, CLI_IP, 17,
               udp(635, 701, struct.pack(">IIIIII", 0x102, 1, 0, 0, 0, 0) +
                   struct.pack(">I", 13))))
    # NFSv4 COMPOUND over TCP: PUTROOTFH (24), LOOKUP (15) of a hostile component name.
    add(eth_ip(PI_MAC, SRV_MAC, CLI_IP, SRV_IP, 6, tcp(800, 2049, 1000, 0x02)))
    add(eth_ip(SRV_MAC, PI_MAC, SRV_IP, CLI_IP, 6, tcp(2049, 800, 5000, 0x12)))
    args = xdr_str(b"") + struct.pack(">III", 0, 2, 24) + struct.pack(">I", 15) + \
        xdr_str(b"root" + EVIL)
    call = rpc_call(0x201, 100003, 4, 1, args)
    add(eth_ip(PI_MAC, SRV_MAC, CLI_IP, SRV_IP, 6,
               tcp(800, 2049, 1001, 0x18, struct.pack(">I", 0x80000000 | len(call)) + call)))
    p.close()


if __name__ == "__main__":
    main()
