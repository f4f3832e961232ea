#!/usr/bin/env python3
# summary: builds libFuzzer seed corpora (one dir per target) from pcap/pcapng captures.
"""Usage: seeds.py OUTDIR CAPTURE_DIR...

Reads every pcap/pcapng file under the capture dirs (stdlib only, no
scapy) and writes seeds in the input formats the fuzz targets document at
their top (tests/fuzz/fuzz_*.c): whole files for fuzz_pcapfile, frames for
fuzz_pipeline, UDP/TCP payloads for the dissector targets, and synthetic
fragment / segment scripts for fuzz_ipfrag and fuzz_tcpreasm.  Prints how
many seeds each target got.  Never writes outside OUTDIR.
"""
import gzip
import hashlib
import lzma
import os
import struct
import sys

SEP = b"\xf7NB\xf7"
MAX_FILE_SEED = 64 * 1024  # whole-file seeds for fuzz_pcapfile
MAX_SEED = 16 * 1024  # other seeds
MAX_PER_FILE = 40  # seeds one capture may give one target
DLT_INDEX = {1: 0, 113: 1, 276: 2, 101: 3, 12: 3, 228: 4, 0: 5, 108: 6}


def read_pcap(data):
    """Yields (linktype, frame bytes) from a pcap or pcapng image; stops quietly at damage."""
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        yield from read_pcapng(data)
        return
    else:
        return
    link = struct.unpack(end + "I", data[20:24])[0] & 0xFFFF
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        off += 16
        if incl > len(data) - off:
            return
        yield link, data[off:off + incl]
        off += incl


def read_pcapng(data):
    end = "<"
    links = []
    off = 0
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = data[off + 8:off + 12]
            end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 2:
            links.append(struct.unpack(end + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            ifc, _, _, cap, _ = struct.unpack(end + "IIIII", body[:20])
            if ifc < len(links):
                yield links[ifc], body[20:20 + cap]
        elif btype == 3 and len(body) >= 4 and links:
            yield links[0], body[4:]
        off += blen


def strip_link(link, f):
    """Returns (ethertype, L3 bytes) or None."""
    if link == 1:
        if len(f) < 14:
            return None
        et, off = struct.unpack(">H", f[12:14])[0], 14
        while et in (0x8100, 0x88A8, 0x9100) and len(f) >= off + 4:
            et, off = struct.unpack(">H", f[off + 2:off + 4])[0], off + 4
        return et, f[off:]
    if link == 113 and len(f) >= 16:
        return struct.unpack(">H", f[14:16])[0], f[16:]
    if link == 276 and len(f) >= 20:
        return struct.unpack(">H", f[0:2])[0], f[20:]
    if link in (101, 12, 228) and f:
        return (0x0800 if f[0] >> 4 == 4 else 0x86DD), f
    if link in (0, 108) and len(f) >= 4:
        return (0x0800 if f[4:5] and f[4] >> 4 == 4 else 0), f[4:]
    return None


def parse_ipv4(p):
    """Returns a dict for an IPv4 packet, or None."""
    if len(p) < 20 or p[0] >> 4 != 4:
        return None
    ihl = (p[0] & 15) * 4
    tot = struct.unpack(">H", p[2:4])[0]
    if ihl < 20 or len(p) < ihl:
        return None
    frag = struct.unpack(">H", p[6:8])[0]
    return {
        "proto": p[9], "src": p[12:16], "dst": p[16:20], "id": p[4:6],
        "mf": bool(frag & 0x2000), "off": (frag & 0x1FFF) * 8,
        "payload": p[ihl:max(ihl, min(tot, len(p)))] if tot >= ihl else p[ihl:],
    }


def l4(ip):
    """(proto, sport, dport, payload, tcp seq, tcp flags) of an unfragmented datagram."""
    pl = ip["payload"]
    if ip["mf"] or ip["off"]:
        return None
    if ip["proto"] == 17 and len(pl) >= 8:
        sp, dp = struct.unpack(">HH", pl[:4])
        return 17, sp, dp, pl[8:], 0, 0
    if ip["proto"] == 6 and len(pl) >= 20:
        sp, dp, seq = struct.unpack(">HHI", pl[:8])
        hl = (pl[12] >> 4) * 4
        return 6, sp, dp, pl[hl:], seq, pl[13]
    return None


class Out:
    def __init__(self, root):
        self.root = root
        self.count = {}
        self.per_file = {}

    def new_file(self):
        self.per_file = {}

    def add(self, target, blob):
        if not blob or len(blob) > (MAX_FILE_SEED if target == "pcapfile" else MAX_SEED):
            return
        if self.per_file.get(target, 0) >= MAX_PER_FILE:
            return
        self.per_file[target] = self.per_file.get(target, 0) + 1
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(blob).hexdigest()
        path = os.path.join(d, name)
        if not os.path.exists(path):
            with open(path, "wb") as fh:
                fh.write(blob)
            self.count[target] = self.count.get(target, 0) + 1


def is_rpc(pl):
    if len(pl) < 12:
        return False
    mtype = struct.unpack(">I", pl[4:8])[0]
    if mtype == 0:
        return struct.unpack(">I", pl[8:12])[0] == 2
    return mtype == 1 and struct.unpack(">I", pl[8:12])[0] in (0, 1)


def frag_script(payload, order):
    """fuzz_ipfrag records for one datagram cut into 248-byte pieces."""
    pieces = []
    step = 248
    for off in range(0, max(len(payload), 1), step):
        chunk = payload[off:off + step]
        mf = off + step < len(payload)
        pieces.append((off, mf, chunk))
    if order == "reverse":
        pieces.reverse()
    elif order == "dup" and pieces:
        pieces.insert(1, pieces[0])
    out = b""
    for off, mf, chunk in pieces:
        units = off // 8
        out += bytes([(4 if mf else 0) | 0x10, (units >> 8) & 0x1F, units & 0xFF, len(chunk)])
        out += chunk
    return out


def tcp_script(segments):
    """fuzz_tcpreasm records: (dir, payload) in capture order, SYN on each side's first."""
    out = b""
    seen = set()
    for d, pl in segments:
        first = d not in seen
        seen.add(d)
        pos = 0
        while pos < len(pl) or first:
            piece = pl[pos:pos + 255]
            out += bytes([d | (2 if first else 0), 0, 0, len(piece)]) + piece
            first = False
            pos += 255
            if not piece:
                break
    return out


def rpc_port_index(port):
    return {111: 0, 2049: 1, 635: 2}.get(port, 3)


def harvest(path, out):
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return
    frames = list(read_pcap(data))
    if not frames:
        return
    out.new_file()
    whole = data if len(data) <= MAX_FILE_SEED else data[:MAX_FILE_SEED // 2]
    out.add("pcapfile", whole)
    # Compressed copies: capture_open reads gzip and xz (and zstd) through their decoders.
    out.add("pcapfile", gzip.compress(whole[:8192]))
    out.add("pcapfile", lzma.compress(whole[:8192]))
    link = frames[0][0]
    if link in DLT_INDEX:
        mode = bytes([DLT_INDEX[link]])
        for i in range(0, min(len(frames), 400), 8):
            out.add("pipeline", mode + SEP.join(f for _, f in frames[i:i + 8]))
    dhcp, tftp, rpc_udp, rpc_tcp, datagrams = [], [], {}, {}, []
    for lk, f in frames:
        s = strip_link(lk, f)
        if not s:
            continue
        et, l3 = s
        if et == 0x0806:
            out.add("arp_icmp", b"\x00" + l3)
            continue
        if et != 0x0800:
            continue
        ip = parse_ipv4(l3)
        if not ip:
            continue
        if ip["proto"] == 1:
            out.add("arp_icmp", b"\x01" + ip["payload"])
            continue
        t = l4(ip)
        if not t:
            continue
        proto, sp, dp, pl, seq, flags = t
        if proto == 17 and len(datagrams) < 8:
            datagrams.append(ip["payload"])
        if proto == 17 and ({sp, dp} & {67, 68, 4011}):
            dhcp.append((sp, pl))
        elif proto == 17 and (sp == 69 or dp == 69 or tftp):
            tftp.append((dp == 69, ip["src"], sp, pl))
        if is_rpc(pl) or (proto == 6 and {sp, dp} & {111, 2049}):
            key = (proto, min(sp, dp), max(sp, dp))
            srv = dp if dp in (111, 2049, 635) or (is_rpc(pl) and pl[7] == 0) else sp
            if proto == 17:
                rpc_udp.setdefault(key, (srv, []))[1].append(pl)
            elif pl:
                cli_side = 0 if dp == srv else 1
                rpc_tcp.setdefault(key, (srv, []))[1].append((cli_side, pl))
    emit_dhcp(out, dhcp)
    emit_tftp(out, tftp)
    emit_rpc(out, rpc_udp, rpc_tcp)
    for d in datagrams:
        for order in ("inorder", "reverse", "dup"):
            out.add("ipfrag", frag_script(d, order))


def emit_dhcp(out, dhcp):
    for sp, pl in dhcp:
        out.add("dhcp", bytes([1 if sp == 67 else 0]) + pl)
    if dhcp:
        out.add("dhcp", b"\x04" + SEP.join(pl for _, pl in dhcp[:16]))


def emit_tftp(out, tftp):
    for _, _, _, pl in tftp:
        out.add("tftp", b"\x00" + pl[:600])
    # A session: from each request on, the datagrams in order (the fuzzer
    # alternates server/client after the request, as DATA/ACK do).
    for i, (to69, _, _, pl) in enumerate(tftp):
        if to69:
            sess = [pl] + [p[:600] for _, _, _, p in tftp[i + 1:i + 24]]
            out.add("tftp", b"\x01" + SEP.join(sess))


def emit_rpc(out, rpc_udp, rpc_tcp):
    for (_, _, _), (srv, pls) in rpc_udp.items():
        emit_rpcprog(out, pls)
        mode = bytes([rpc_port_index(srv) << 1])
        for pl in pls:
            out.add("rpc", mode + pl)
        out.add("rpc", mode + SEP.join(pls[:16]))
    for (_, _, _), (srv, segs) in rpc_tcp.items():
        merged = []
        for d, pl in segs:
            if merged and merged[-1][0] == d:
                merged[-1] = (d, merged[-1][1] + pl)
            else:
                merged.append((d, pl))
        if merged and merged[0][0] != 0:
            merged.insert(0, (0, b""))
        mode = bytes([1 | rpc_port_index(srv) << 1])
        out.add("rpc", mode + SEP.join(pl[:4096] for _, pl in merged[:16]))
        # Each direction's stream split into records; calls (client side) then replies,
        # since emit_rpcprog pairs them by xid.
        recs = {0: rpc_records(b"".join(pl for d, pl in segs if d == 0)),
                1: rpc_records(b"".join(pl for d, pl in segs if d == 1))}
        emit_rpcprog(out, recs[0] + recs[1])
        out.add("tcpreasm", tcp_script([(d, pl[:2048]) for d, pl in segs[:24]]))


RPC_PROG_INDEX = {100000: 0, 100005: 1, 100003: 2}  # fuzz_rpcprog's sel % 3


def rpc_body(msg):
    """(xid, True, (prog, vers, proc), body) of a CALL, (xid, False, None, body) of an accepted
    SUCCESS REPLY, else None; the header is skipped as RFC 5531 s9 lays it out."""
    def opaque_auth(off):
        if off + 8 > len(msg):
            return None
        flavor, n = struct.unpack(">II", msg[off:off + 8])
        end = off + 8 + (n + 3) // 4 * 4
        return None if flavor == 6 or end > len(msg) else end  # RPCSEC_GSS bodies are sealed
    if len(msg) < 12:
        return None
    xid, mtype = struct.unpack(">II", msg[:8])
    if mtype == 0 and len(msg) >= 24:
        rpcvers, prog, vers, proc = struct.unpack(">IIII", msg[8:24])
        off = opaque_auth(24)
        off = opaque_auth(off) if off is not None else None
        if rpcvers == 2 and prog in RPC_PROG_INDEX and off is not None:
            return xid, True, (prog, vers, proc), msg[off:]
    elif mtype == 1 and struct.unpack(">I", msg[8:12])[0] == 0:
        off = opaque_auth(12)
        if off is not None and off + 4 <= len(msg) and msg[off:off + 4] == b"\0\0\0\0":
            return xid, False, None, msg[off + 4:]
    return None


def rpc_records(stream):
    """The records of one direction of an RPC/TCP stream (RFC 5531 s11 marks)."""
    out, off, rec = [], 0, b""
    while off + 4 <= len(stream):
        mark = struct.unpack(">I", stream[off:off + 4])[0]
        n = mark & 0x7FFFFFFF
        rec += stream[off + 4:off + 4 + n]
        off += 4 + n
        if mark & 0x80000000:
            out.append(rec)
            rec = b""
    return out


def emit_rpcprog(out, msgs):
    """fuzz_rpcprog seeds: each call's body and its reply's, paired by xid."""
    calls = {}
    for m in msgs:
        b = rpc_body(m)
        if not b:
            continue
        xid, is_call, head, body = b
        if is_call:
            calls[xid] = (head, body)
        elif xid in calls:
            (prog, vers, proc), cbody = calls.pop(xid)
            hdr = bytes([RPC_PROG_INDEX[prog], vers & 0xFF, proc & 0xFF])
            out.add("rpcprog", hdr + cbody[:8192] + SEP + body[:8192])


def cursor_seeds(out):
    data = bytes(range(64))
    for op in range(19):
        script = bytes([op, 4, op, 250, op, 251, op, 253, op, 254])
        out.add("cursor", bytes([len(script), op]) + script + data)
    out.add("cursor", bytes([19, 2]) + bytes(range(19)) + data)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = Out(sys.argv[1])
    for root in sys.argv[2:]:
        if not os.path.isdir(root):
            continue
        for dirpath, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                harvest(os.path.join(dirpath, name), out)
    cursor_seeds(out)
    for t in sorted(out.count):
        print(f"seeds {t}: {out.count[t]}")


if __name__ == "__main__":
    main()
