#!/usr/bin/env python3
"""summary: writes adversarial pcaps that flood each table cap of netboot-trace (RFC 791, 2131, 1350, 5531).

usage: capsflood.py OUTDIR [--scale F]

One classic pcap (Ethernet, microsecond) per cap, all synthetic, written in bulk with struct:
  frags.pcap    1 M distinct IPv4 datagrams, each a lone first fragment (MF=1) that never
                completes, plus one datagram cut into 200 fragments    -> cap-frags
  dhcp.pcap     100 k distinct Pi MACs sending DHCPDISCOVERs, the first 10 k of them 8
                boot attempts each (DISCOVER, REQUEST x 8)          -> client table cap
  tftp.pcap     200 k TFTP RRQs from distinct client ports/addresses -> cap-flows, cap-expect
  tcpooo.pcap   one NFS/TCP stream: SYN, a 10 kB hole, then 600 kB of segments after it
                (far past the out-of-order window)                    -> cap-tcp-ooo
  tcpflows.pcap 5 k TCP flows to 2049, each a SYN then three segments 10-240 kB past a hole
                that never fills (every stream wants a window at once) -> OOO windows cap
  tcprecords.pcap 65,536 TCP flows to 2049, each a SYN then a record mark announcing 64 KiB
                and 100 bytes of it: record buffers grow with the bytes received
                                                                      -> TCP record budget
  wildexpect.pcap 4096 TFTP RRQs from 0.0.0.0 (expectations naming no client address), then
                1 M unrelated UDP datagrams                          -> expectation index
  rrqs.pcap     1 M unanswered RRQs from one client, 60,000 source ports
                                                                      -> cap-expect, O(1) eviction
  rpc.pcap      one UDP flow, 100 k NFS NULL calls with distinct xids, never answered
                                                                      -> cap-rpc-xids
  rpcflows.pcap 6 k UDP flows to 2049 (distinct client ports), 64 unanswered calls each,
                flow after flow: the xid rings grow until the budget of spare slots for
                all flows is spent, later flows keep 8 calls      -> cap-rpc-xids
  events.pcap   one Pi MAC: 20 attempts of a DISCOVER and 299 REQUESTs (6000 frames)
                                                                      -> timeline, attempts caps
--scale multiplies every count (a quick run: --scale 0.01).  Times are all within a few
seconds so that nothing expires before its cap is reached.
"""
import argparse
import os
import struct

T0 = 1700000000
PI_OUI = b"\xdc\xa6\x32"
SRV_MAC = b"\x02\x00\x00\x00\x00\x01"
SRV_IP = bytes([10, 0, 0, 1])


class Pcap:
    def __init__(self, path):
        self.fh = open(path, "wb")
        self.fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.buf = []
        self.n = 0

    def add(self, usec, frame, wire=None):
        sec, us = divmod(usec, 1000000)
        self.buf.append(struct.pack("<IIII", T0 + sec, us, len(frame),
                                    len(frame) if wire is None else wire))
        self.buf.append(frame)
        self.n += 1
        if len(self.buf) >= 65536:
            self.flush()

    def flush(self):
        self.fh.write(b"".join(self.buf))
        self.buf = []

    def close(self):
        self.flush()
        self.fh.close()


def ip4(n):
    """10.x.y.z for n < 2^24, never 10.0.0.0/24 (the server side)."""
    n += 256
    return bytes([10, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF])


def eth_ip(smac, dmac, src, dst, proto, payload, ident=0, frag=0, iplen=None):
    """Ethernet + IPv4 header (checksum 0: not checked by the tool), RFC 791 s3.1."""
    tot = 20 + len(payload) if iplen is None else iplen
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, tot, ident, frag, 64, proto, 0, src, dst)
    return dmac + smac + b"\x08\x00" + ip + payload


def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, flags, payload=b""):
    # data offset 5 words; flags: 0x02 SYN, 0x18 PSH|ACK
    return struct.pack(">HHIIBBHHH", sport, dport, seq, 0, 0x50, flags, 65535, 0, 0) + payload


def pi_mac(n):
    return PI_OUI + struct.pack(">I", n)[1:]


def dhcp_discover(mac, xid, mtype=1):
    """BOOTREQUEST with DHCP message type 1, DISCOVER (RFC 2131 s2, RFC 2132 s9.6)."""
    b = struct.pack(">BBBBIHH4s4s4s4s", 1, 1, 6, 0, xid, 0, 0x8000, bytes(4), bytes(4),
                    bytes(4), bytes(4))
    b += mac + bytes(10) + bytes(64) + bytes(128)
    b += b"\x63\x82\x53\x63" + bytes([0x35, 1, mtype]) + b"\x3c\x09PXEClient" + b"\xff"
    return udp(68, 67, b)


def gen_frags(d, n):
    p = Pcap(os.path.join(d, "frags.pcap"))
    # One datagram in 200 pieces of 8 bytes: past the per-datagram fragment cap.
    body = udp(9, 9, bytes(200 * 8))
    src = bytes([10, 0, 0, 2])
    for k in range(200):
        piece = body[k * 8:(k + 1) * 8]
        p.add(k, eth_ip(SRV_MAC, SRV_MAC, src, SRV_IP, 17, piece, 7, 0x2000 | k))
    # n distinct datagrams (source address x id), each only its first fragment.
    first = udp(9, 9, bytes(8))[:8]
    for i in range(n):
        src = ip4(i >> 16)
        p.add(1000 + i, eth_ip(SRV_MAC, SRV_MAC, src, SRV_IP, 17, first, i & 0xFFFF, 0x2000))
    p.close()
    return p.n


def gen_dhcp(d, n):
    """n distinct Pi MACs; the first n/10 boot 8 times each (DISCOVER, REQUEST: the next
    DISCOVER is a new attempt), so the table fills with clients that hold every attempt."""
    p = Pcap(os.path.join(d, "dhcp.pcap"))
    busy = n // 10
    t = 0
    for r in range(8):
        for i in range(busy):
            mac = pi_mac(i + 1)
            for mtype in (1, 3):
                p.add(t, eth_ip(mac, b"\xff" * 6, bytes(4), b"\xff" * 4, 17,
                                dhcp_discover(mac, 0x1000 + i, mtype)))
                t += 1
    for i in range(busy, n):
        mac = pi_mac(i + 1)
        p.add(t, eth_ip(mac, b"\xff" * 6, bytes(4), b"\xff" * 4, 17,
                        dhcp_discover(mac, 0x1000 + i)))
        t += 1
    p.close()
    return p.n


def gen_tftp(d, n):
    """n RRQs from distinct (address, port)s; every other one is answered by a first DATA from
    a new server port (a transfer begun, never finished: a flow each), the rest never are (an
    expectation each)."""
    p = Pcap(os.path.join(d, "tftp.pcap"))
    rrq = b"\x00\x01" + b"bootcode.bin\x00octet\x00"
    data = b"\x00\x03\x00\x01" + bytes(512)
    t = 0
    for i in range(n):
        src = ip4(i >> 14)
        sport = 1024 + (i & 0x3FFF)
        mac = pi_mac(1 + (i >> 14))
        p.add(t, eth_ip(mac, SRV_MAC, src, SRV_IP, 17, udp(sport, 69, rrq)))
        t += 1
        if i % 2:
            p.add(t, eth_ip(SRV_MAC, mac, SRV_IP, src, 17, udp(40000 + (i & 0x3FFF), sport, data)))
            t += 1
    p.close()
    return p.n


def gen_tcpooo(d, total):
    p = Pcap(os.path.join(d, "tcpooo.pcap"))
    cli = bytes([10, 0, 0, 2])
    isn = 1000
    p.add(0, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 6, tcp(800, 2049, isn, 0x02)))
    seg = 1400
    off = 10000  # the hole the stream waits for, never filled
    k = 1
    while off < 10000 + total:
        data = bytes([k & 0xFF]) * seg
        p.add(k, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 6,
                        tcp(800, 2049, (isn + 1 + off) & 0xFFFFFFFF, 0x18, data)))
        off += seg
        k += 1
    p.close()
    return p.n


def gen_tcpflows(d, n):
    p = Pcap(os.path.join(d, "tcpflows.pcap"))
    data = b"\x80\x00\x00\x28" + bytes(40) + bytes(1356)  # 1400 bytes
    t = 0
    for i in range(n):
        cli = ip4(i >> 12)
        sport = 1024 + (i & 0xFFF)
        p.add(t, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 6, tcp(sport, 2049, 1000, 0x02)))
        # Three segments across the window, none at the start: all wait for the hole.
        for k, ahead in enumerate((10000, 120000, 240000)):
            p.add(t + 1 + k, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 6,
                                    tcp(sport, 2049, 1001 + ahead, 0x18, data)))
        t += 4
    p.close()
    return p.n


def gen_tcprecords(d, n):
    """n TCP flows to 2049, each a SYN and one segment: a record mark announcing a 64 KiB
    last fragment (RFC 5531 s11) and the first 100 bytes of an RPC call that never ends."""
    p = Pcap(os.path.join(d, "tcprecords.pcap"))
    body = struct.pack(">IIIIII", 1, 0, 2, 100003, 3, 1) + bytes(76)
    data = b"\x80\x00\xff\xf0" + body
    t = 0
    for i in range(n):
        cli = ip4(i >> 12)
        sport = 1024 + (i & 0xFFF)
        p.add(t, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 6, tcp(sport, 2049, 1000, 0x02)))
        p.add(t + 1, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 6, tcp(sport, 2049, 1001, 0x18, data)))
        t += 2
    p.close()
    return p.n


def rrq(port, i):
    """TFTP RRQ (RFC 1350 s5) to port 69, a distinct file name each."""
    return udp(port, 69, b"\x00\x01f%d\x00octet\x00" % i)


def add_unclaimed(p, t, n):
    """n UDP datagrams no dissector claims (port 7000), from 256 hosts: any LAN's traffic."""
    for i in range(n):
        p.add(t + i, eth_ip(SRV_MAC, SRV_MAC, ip4(i & 255), SRV_IP, 17,
                            udp(5000 + (i & 1023), 7000, bytes(32))))


def gen_one_flow_kind(d, name, cli, n, datagram):
    """NAME.pcap: n UDP datagrams from cli to the server, datagram(i) each, 1 us apart."""
    p = Pcap(os.path.join(d, name + ".pcap"))
    for i in range(n):
        p.add(i, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 17, datagram(i)))
    p.close()
    return p.n


def gen_wildexpect(d, n):
    p = Pcap(os.path.join(d, "wildexpect.pcap"))
    for i in range(4096):  # before DHCP: from 0.0.0.0, each its own source port
        p.add(i, eth_ip(SRV_MAC, SRV_MAC, bytes(4), SRV_IP, 17, rrq(1024 + i, i)))
    add_unclaimed(p, 4096, n)
    p.close()
    return p.n


def gen_baseline(d, n):
    p = Pcap(os.path.join(d, "baseline.pcap"))
    add_unclaimed(p, 0, n)
    p.close()
    return p.n


def gen_rrqs(d, n):
    return gen_one_flow_kind(d, "rrqs", bytes([10, 0, 0, 9]), n,
                             lambda i: rrq(1024 + i % 60000, i))


def rpc_null_call(xid):
    """ONC RPC call (RFC 5531 s9): NFSv3 NULL, AUTH_NONE."""
    return struct.pack(">IIIIIIIIII", xid, 0, 2, 100003, 3, 0, 0, 0, 0, 0)


def gen_rpc(d, n):
    return gen_one_flow_kind(d, "rpc", bytes([10, 0, 0, 2]), n,
                             lambda i: udp(800, 2049, rpc_null_call(0x10000 + i)))


def gen_rpcflows(d, n):
    p = Pcap(os.path.join(d, "rpcflows.pcap"))
    cli = bytes([10, 0, 0, 2])
    for f in range(n):
        for k in range(64):
            p.add(f * 64 + k, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 17,
                                     udp(1024 + f, 2049, rpc_null_call(f << 8 | k))))
    p.close()
    return p.n


def gen_events(d, n):
    """Boot attempts of one Pi: a DISCOVER then REQUESTs (a REQUEST makes the next
    DISCOVER a new attempt), 300 frames each: past the timeline and the attempt caps."""
    p = Pcap(os.path.join(d, "events.pcap"))
    mac = pi_mac(0xABCDEF)
    for i in range(n):
        mtype = 1 if i % 300 == 0 else 3
        p.add(i * 100, eth_ip(mac, b"\xff" * 6, bytes(4), b"\xff" * 4, 17,
                              dhcp_discover(mac, 0x2000 + i // 300, mtype)))
    p.close()
    return p.n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--scale", type=float, default=1.0)
    a = ap.parse_args()

    def s(n):
        return max(1, int(n * a.scale))

    gens = [
        (gen_frags, s(1000000)),
        (gen_dhcp, s(100000)),
        (gen_tftp, s(200000)),
        (gen_tcpooo, s(600000)),
        (gen_tcpflows, s(5000)),
        (gen_tcprecords, s(65536)),
        (gen_wildexpect, s(1000000)),
        (gen_rrqs, s(1000000)),
        (gen_rpc, s(100000)),
        (gen_rpcflows, s(6000)),
        (gen_events, s(6000)),
    ]
    for fn, n in gens:
        frames = fn(a.outdir, n)
        print("%s %d frames" % (fn.__name__[4:], frames))


if __name__ == "__main__":
    main()
