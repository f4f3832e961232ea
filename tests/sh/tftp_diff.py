#!/usr/bin/env python3
# summary: differential test of the TFTP (RFC 1350/2347), ARP (RFC 826) and ICMP (RFC 792)
# dissectors against tshark, frame by frame; also writes synthetic captures for cases the
# public ones lack (tsize probe, blksize 1468, block wrap past 65535, ICMP unreachable).
"""tftp_diff.py NBT OUTDIR CAPTURE...

For every capture, runs `tshark -T json` (the oracle) and `NBT -r CAPTURE --dump`, then compares
per frame:
  TFTP  opcode; file (tftp.source_file / tftp.destination_file); block and the running block
        number (tftp.block / tftp.block.full); error code and message; options as sent; the
        session (tftp.request_frame must equal our session id, an RRQ/WRQ's session is its own
        frame); tshark's "likely tsize probe" must be our early_terminate.  A frame tshark calls TFTP that we do not is a failure, and so is the reverse.
  ARP   Ethernet/IPv4 ARP: opcode, sender/target MAC and IPv4; other ARP: no event from us.
  ICMP  unreachable / time exceeded: type, code, quoted addresses, protocol and ports; an
        unreachable quoting UDP port 69 must name "tftp" as owner.
Two situations where tshark's TFTP layer is not a TFTP packet of ours:
  - an ICMP error quoting a TFTP packet (frame.protocols has icmp before tftp) is an ICMP
    frame: we must emit no TFTP event for it, and our ICMP event must name "tftp" as owner;
  - packets of a session between the client and another address than its RRQ went to (a
    server answering from the wrong address): tshark does not tie them to the request, so they
    are checked against the raw UDP payload, as below;
  - frames the snaplen cut (frame.cap_len < frame.len, tshark's _ws.short): the header
    fields (opcode, session, block, error code) must match; a string or option list past the
    cut must either match or our event must say truncated=1 and carry a prefix of tshark's
    (a cut string is left out, never passed off as a whole value).  tshark does not follow a
    session whose RRQ/WRQ was cut, while we do: our packets of such a session are checked
    against the raw UDP payload tshark shows (opcode, block number) instead.
The only frames left out are those both sides call broken: tshark flags the frame malformed
(or an expert error) and we report an anomaly for it without emitting the event.

`--synth OUTDIR` only writes the synthetic captures into OUTDIR and prints their paths.
Exit status: 0 all equal, 1 any difference (listed on stdout), 2 usage or tool failure.
"""

import json
import re
import struct
import subprocess
import sys

TSHARK_FIELDS = [
    "frame.number", "frame.protocols", "frame.cap_len", "frame.len", "_ws.malformed",
    "_ws.expert.severity", "data.data",
    "tftp.opcode", "tftp.type", "tftp.source_file", "tftp.destination_file",
    "tftp.request_frame",
    "tftp.block", "tftp.block.full", "tftp.error.code", "tftp.error.message",
    "tftp.option.name", "tftp.option.value", "tftp.likely_tsize_probe",
    "arp.opcode", "arp.hw.type", "arp.proto.type", "arp.hw.size", "arp.proto.size",
    "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.hw_mac", "arp.dst.proto_ipv4",
    "icmp.type", "icmp.code", "ip.src", "ip.dst", "ip.proto",
    "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport",
]
PI_ERROR = 0x00800000  # tshark's expert severity "Error"
OPCODES = {"RRQ": 1, "WRQ": 2, "DATA": 3, "ACK": 4, "ERROR": 5, "OACK": 6}
# Must match include/nbt/tftp.h (cut lengths include the terminating NUL).
FILE_MAX, OPTNAME_MAX, OPTVAL_MAX, OPTS_MAX, ERRMSG_MAX = 128, 16, 24, 8, 128

FIELD_RE = re.compile(r' ([a-z_0-9]+)=("(?:[^"\\]|\\x[0-9a-f]{2})*"|\S+)')


def unquote(v):
    """Undoes dump_str(): "..." with \\xNN escapes -> bytes; bare values -> bytes too."""
    if not v.startswith('"'):
        return v.encode()
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m.group(1), 16)]),
                  v[1:-1].encode())


def run_ours(nbt, path):
    out = subprocess.run([nbt, "-r", path, "--dump"], capture_output=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{nbt} -r {path} exited {out.returncode}: {out.stderr[:300]!r}")
    frames = {}
    for line in out.stdout.decode("ascii").splitlines():
        num, _, rest = line.partition(" ")
        proto, _, rest = rest.partition(" ")
        fields = {k: unquote(v) for k, v in FIELD_RE.findall(" " + rest)}
        frames.setdefault(int(num), []).append((proto, fields))
    return frames


def run_tshark(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "json"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"tshark -r {path} exited {out.returncode}: {out.stderr[:300]!r}")
    frames = {}
    for pkt in json.loads(out.stdout or b"[]"):
        layers = pkt["_source"]["layers"]
        frames[int(layers["frame.number"][0])] = layers
    return frames


def ts_text(s):
    """tshark's JSON string for an FT_STRINGZ -> bytes as on the wire.

    tshark prints non-printable bytes as \\xNN (and a backslash as \\\\) inside strings; those
    are turned back into bytes so both sides are compared byte for byte."""
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", s[i + 2:i + 4] or ""):
                out.append(int(s[i + 2:i + 4], 16))
                i += 4
                continue
            simple = {"\\": 0x5C, "a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
        out += s[i].encode("utf-8")
        i += 1
    return bytes(out)


def cut(b, cap):
    return b[:cap - 1]


def first(layers, key):
    v = layers.get(key)
    return v[0] if v else None


def broken_both(layers, evs):
    sev = [int(x) for x in layers.get("_ws.expert.severity", [])]
    ts_broken = "_ws.malformed" in layers or any(s >= PI_ERROR for s in sev)
    return ts_broken and any(p == "anomaly" for p, _ in evs)


def expected_opts(layers):
    names = [ts_text(n) for n in layers.get("tftp.option.name", [])]
    vals = [ts_text(v) for v in layers.get("tftp.option.value", [])]
    if not names:
        return None
    parts = [cut(n, OPTNAME_MAX) + b"=" + cut(v, OPTVAL_MAX)
             for n, v in zip(names[:OPTS_MAX], vals[:OPTS_MAX])]
    s = b",".join(parts)
    if len(names) > OPTS_MAX:
        s += b",..."
    return s


def is_short(layers):
    """The snaplen cut the frame (tshark: _ws.short, "Packet size limited during capture")."""
    cap, wire = first(layers, "frame.cap_len"), first(layers, "frame.len")
    return cap is not None and wire is not None and int(cap) < int(wire)


def tftp_in_icmp(layers):
    """tshark's TFTP layer is the packet quoted by an ICMP error, not a TFTP packet."""
    stack = (first(layers, "frame.protocols") or "").split(":")
    return "icmp" in stack and "tftp" in stack and stack.index("icmp") < stack.index("tftp")


def check_quoted(num, evs, errs):
    """An ICMP error quoting TFTP: no TFTP event from us, an ICMP event owned by tftp."""
    if any(p == "tftp" for p, _ in evs):
        errs.append(f"frame {num}: ICMP error quoting TFTP, yet we emit a TFTP event")
    owners = [f.get("owner") for p, f in evs if p == "icmp"]
    if not owners:
        errs.append(f"frame {num}: ICMP error quoting TFTP, we emit no ICMP event")
    elif owners[0] != b"tftp":
        errs.append(f"frame {num}: ICMP error quoting TFTP: owner {owners[0]!r}, not b'tftp'")
    return 1


def check_lost_session(num, layers, t, errs):
    """tshark lost this session because the snaplen cut its RRQ/WRQ (it then shows the UDP
    payload as data); our packet must agree with those raw bytes."""
    raw = bytes.fromhex((first(layers, "data.data") or "").replace(":", ""))
    op = OPCODES.get(t.get("op", b"").decode(), -1)
    if len(raw) < 2 or raw[0] * 256 + raw[1] != op:
        errs.append(f"frame {num}: session lost by tshark: payload {raw[:4].hex()}, ours {op}")
        return 1
    if op in (3, 4) and (len(raw) < 4 or str(raw[2] * 256 + raw[3]).encode() != t.get("block")):
        errs.append(f"frame {num}: session lost by tshark: block {raw[2:4].hex()}, "
                    f"ours {t.get('block')!r}")
    return 1


def check_tftp(num, layers, evs, errs, lost=lambda session, layers: False):
    if tftp_in_icmp(layers):
        return check_quoted(num, evs, errs)
    ours = [f for p, f in evs if p == "tftp"]
    ts_op = first(layers, "tftp.opcode")
    if ts_op is None:
        if ours and ours[0].get("session", b"0") != b"0" and lost(int(ours[0]["session"]), layers):
            return check_lost_session(num, layers, ours[0], errs)
        if ours:
            errs.append(f"frame {num}: we say TFTP {ours[0].get('op')}, tshark does not")
        return 0
    if not ours:
        if broken_both(layers, evs):
            return 0
        errs.append(f"frame {num}: tshark says TFTP opcode {ts_op}, we emit no TFTP event")
        return 1
    t = ours[0]
    short = is_short(layers)

    def eq(what, want, got, past_cut=False):
        if want == got:
            return
        # Past the snaplen: ours may leave out what it could not see, and must say so.
        if (past_cut and short and t.get("truncated") == b"1" and want is not None and
                (got or b"") == want[:len(got or b"")]):
            return
        why = ""
        if short and past_cut:
            why = (" (frame cut by the snaplen: ours is not a prefix of tshark's)"
                   if t.get("truncated") == b"1" else
                   " (frame cut by the snaplen, ours not truncated=1)")
        errs.append(f"frame {num}: {what}: tshark {want!r}, ours {got!r}{why}")

    eq("opcode", int(ts_op), OPCODES.get(t.get("op", b"").decode(), -1))
    fname = first(layers, "tftp.source_file")
    if fname is None:
        fname = first(layers, "tftp.destination_file")
    if fname is not None:
        eq("file", cut(ts_text(fname), FILE_MAX), t.get("file"), past_cut=True)
    req = first(layers, "tftp.request_frame")
    if int(ts_op) in (1, 2):
        eq("session of a request", str(num).encode(), t.get("session"))
    elif req is not None:
        eq("session (tftp.request_frame)", req.encode(), t.get("session"))
    for key, ours_key in (("tftp.block", "block"), ("tftp.block.full", "seq"),
                          ("tftp.error.code", "error")):
        v = first(layers, key)
        if v is not None:
            eq(key, v.encode(), t.get(ours_key))
    msg = first(layers, "tftp.error.message")
    if msg is not None:
        eq("tftp.error.message", cut(ts_text(msg), ERRMSG_MAX), t.get("msg"), past_cut=True)
    if int(ts_op) in (1, 2):
        mode = first(layers, "tftp.type")
        if mode is not None:
            eq("mode", ts_text(mode), t.get("mode"), past_cut=True)
    if int(ts_op) in (1, 2, 6):
        eq("options", expected_opts(layers), t.get("opts"), past_cut=True)
    # tshark's expert "likely tsize probe" (ERROR after an OACK) must be our early_terminate.
    if "tftp.likely_tsize_probe" in layers:
        eq("tsize probe (early_terminate)", b"1", t.get("early_terminate"))
    return 1


def check_arp(num, layers, evs, errs):
    ours = [f for p, f in evs if p == "arp"]
    op = first(layers, "arp.opcode")
    if op is None:
        if ours:
            errs.append(f"frame {num}: we say ARP, tshark does not")
        return 0
    ether_ipv4 = (first(layers, "arp.hw.type") == "1" and
                  first(layers, "arp.proto.type") in ("0x0800", "0x00000800", "2048") and
                  first(layers, "arp.hw.size") == "6" and first(layers, "arp.proto.size") == "4")
    if not ether_ipv4:
        if ours:
            errs.append(f"frame {num}: ARP is not Ethernet/IPv4, yet we emitted an event")
        return 1
    if not ours:
        if broken_both(layers, evs):
            return 0
        errs.append(f"frame {num}: tshark says ARP opcode {op}, we emit no ARP event")
        return 1
    a = ours[0]
    names = {b"request": b"1", b"reply": b"2"}
    pairs = (("arp.opcode", names.get(a.get("op"), a.get("op"))),
             ("arp.src.proto_ipv4", a.get("spa")), ("arp.dst.proto_ipv4", a.get("tpa")),
             ("arp.src.hw_mac", a.get("sha")), ("arp.dst.hw_mac", a.get("tha")))
    for key, got in pairs:
        want = first(layers, key)
        if want is not None and want.encode() != got:
            errs.append(f"frame {num}: {key}: tshark {want!r}, ours {got!r}")
    return 1


def check_icmp(num, layers, evs, errs):
    ours = [f for p, f in evs if p == "icmp"]
    types = layers.get("icmp.type", [])
    if not types or types[0] not in ("3", "11"):
        if ours:
            errs.append(f"frame {num}: we emit ICMP, tshark has no unreachable/time exceeded")
        return 0
    if not ours:
        if broken_both(layers, evs):
            return 0
        errs.append(f"frame {num}: tshark says ICMP type {types[0]}, we emit no ICMP event")
        return 1
    ic = ours[0]
    want = {"type": types[0], "code": first(layers, "icmp.code")}
    # The quoted header is the second IPv4 layer; its ports the first UDP/TCP one.
    ips, dsts, protos = (layers.get(k, []) for k in ("ip.src", "ip.dst", "ip.proto"))
    if len(ips) >= 2:
        want.update(q_src=ips[1], q_dst=dsts[1], q_proto=protos[1])
    for proto in ("udp", "tcp"):
        if layers.get(f"{proto}.srcport"):
            want.update(q_sport=layers[f"{proto}.srcport"][0],
                        q_dport=layers[f"{proto}.dstport"][0])
    if want.get("q_proto") == "17" and want.get("q_dport") == "69":
        want["owner"] = "tftp"
    for key, v in want.items():
        if v is not None and v.encode() != ic.get(key):
            errs.append(f"frame {num}: icmp {key}: tshark {v!r}, ours {ic.get(key)!r}")
    return 1


def compare(nbt, path):
    ts = run_tshark(path)
    ours = run_ours(nbt, path)
    errs = []
    counts = [0, 0, 0]
    # Requests the snaplen cut, which tshark then does not follow to the server's new port;
    # and packets between the client and another address than its request went to (a reply
    # from the wrong source, RFC 1350 s4), which tshark does not tie to the request either.
    requests = {n: la for n, la in ts.items()
                if first(la, "tftp.opcode") in ("1", "2") and not tftp_in_icmp(la)}
    cut = {n for n, la in requests.items() if is_short(la)}

    def lost(session, la):
        if session in cut:
            return True
        server = first(requests.get(session, {}), "ip.dst")
        return server is not None and server not in (first(la, "ip.src"), first(la, "ip.dst"))

    for num in sorted(set(ts) | set(ours)):
        layers = ts.get(num, {})
        evs = ours.get(num, [])
        counts[0] += check_tftp(num, layers, evs, errs, lost)
        counts[1] += check_arp(num, layers, evs, errs)
        counts[2] += check_icmp(num, layers, evs, errs)
    return counts, errs


# ---- synthetic captures (classic pcap, Ethernet), built by hand ----

CLI_MAC, SRV_MAC = bytes.fromhex("dca632000001"), bytes.fromhex("020000000001")
CLI, SRV = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1])


def ip_sum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                      src, dst)
    return hdr[:10] + struct.pack("!H", ip_sum(hdr)) + hdr[12:] + payload


def udp(src, dst, sport, dport, payload):
    return ipv4(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)


def eth(src_mac, dst_mac, etype, payload):
    frame = dst_mac + src_mac + struct.pack("!H", etype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))


def tftp_udp(from_cli, cport, sport, payload):
    if from_cli:
        return eth(CLI_MAC, SRV_MAC, 0x0800, udp(CLI, SRV, cport, sport, payload))
    return eth(SRV_MAC, CLI_MAC, 0x0800, udp(SRV, CLI, sport, cport, payload))


def rrq(name, *opts, op=1):
    b = struct.pack("!H", op) + name + b"\0octet\0"
    return b + b"".join(o + b"\0" for o in opts)


def arp(op, sha, spa, tha, tpa, dst):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha, tpa)
    return eth(sha, dst, 0x0806, body)


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(fr),
                                len(fr)))
            f.write(fr)


def synth_pi(path):
    """A Pi-like boot: ARP, tsize probe ended by ERROR 0, blksize 1468 transfer with a
    retransmission, a missing file, a malformed OACK, and an ICMP port unreachable for TFTP."""
    bc = b"\xff" * 6
    fr = [arp(1, CLI_MAC, CLI, b"\0" * 6, SRV, bc), arp(2, SRV_MAC, SRV, CLI_MAC, CLI, CLI_MAC),
          arp(1, CLI_MAC, CLI, b"\0" * 6, CLI, bc)]
    name = b"38c128c0/start4.elf"
    fr.append(tftp_udp(True, 49152, 69, rrq(name, b"tsize", b"0", b"blksize", b"1468")))
    fr.append(tftp_udp(False, 49152, 50000, b"\0\6tsize\0" + b"3000\0blksize\0" + b"1468\0"))
    fr.append(tftp_udp(True, 49152, 50000, b"\0\5\0\0Early terminate\0"))
    fr.append(tftp_udp(True, 49153, 69, rrq(name, b"blksize", b"1468")))
    fr.append(tftp_udp(False, 49153, 50001, b"\0\6blksize\0" + b"1468\0"))
    fr.append(tftp_udp(True, 49153, 50001, b"\0\4\0\0"))
    for blk, size in ((1, 1468), (2, 1468), (2, 1468), (3, 64)):
        fr.append(tftp_udp(False, 49153, 50001, struct.pack("!HH", 3, blk) + b"x" * size))
        fr.append(tftp_udp(True, 49153, 50001, struct.pack("!HH", 4, blk)))
    fr.append(tftp_udp(True, 49154, 69, rrq(b"38c128c0/missing.bin")))
    fr.append(tftp_udp(False, 49154, 50002, b"\0\5\0\1File not found\0"))
    fr.append(tftp_udp(True, 49155, 69, rrq(b"log.txt", b"tsize", b"100", op=2)))
    fr.append(tftp_udp(False, 49155, 50003, b"\0\6tsize\0" + b"100\0blksize\0"))  # odd count
    fr.append(tftp_udp(True, 49155, 50003, b"\0\3\0\1" + b"y" * 100))
    quoted = udp(CLI, SRV, 49156, 69, rrq(b"cmdline.txt"))[:28]
    fr.append(tftp_udp(True, 49156, 69, rrq(b"cmdline.txt")))
    fr.append(eth(SRV_MAC, CLI_MAC, 0x0800, ipv4(SRV, CLI, 1, b"\3\3\0\0\0\0\0\0" + quoted)))
    write_pcap(path, fr)


def synth_wrap(path):
    """blksize 8 and more than 65536 blocks: block numbers wrap to 0 (RFC 1350 leaves it open)."""
    fr = [tftp_udp(True, 40000, 69, rrq(b"big.img", b"blksize", b"8")),
          tftp_udp(False, 40000, 41000, b"\0\6blksize\0" + b"8\0"),
          tftp_udp(True, 40000, 41000, b"\0\4\0\0")]
    for n in range(1, 65536 + 6):
        fr.append(tftp_udp(False, 40000, 41000,
                           struct.pack("!HH", 3, n & 0xFFFF) + b"z" * (8 if n < 65541 else 3)))
    fr.append(tftp_udp(True, 40000, 41000, struct.pack("!HH", 4, 65541 & 0xFFFF)))
    write_pcap(path, fr)


def main(argv):
    if len(argv) >= 3 and argv[1] == "--synth":
        for name, fn in (("synth-pi-boot.pcap", synth_pi), ("synth-block-wrap.pcap", synth_wrap)):
            fn(f"{argv[2]}/{name}")
            print(f"{argv[2]}/{name}")
        return 0
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    nbt, failed, totals = argv[1], 0, [0, 0, 0]
    for path in argv[2:]:
        try:
            counts, errs = compare(nbt, path)
        except (RuntimeError, ValueError) as e:
            print(f"ERROR {path}: {e}")
            return 2
        totals = [a + b for a, b in zip(totals, counts)]
        status = "FAIL" if errs else "ok"
        print(f"{status} {path}: tftp {counts[0]} arp {counts[1]} icmp {counts[2]} frames compared")
        for e in errs[:25]:
            print("    " + e)
        if len(errs) > 25:
            print(f"    ... {len(errs) - 25} more")
        failed += bool(errs)
    print(f"total compared: tftp {totals[0]} arp {totals[1]} icmp {totals[2]}; "
          f"{failed} capture(s) differ")
    if totals[0] == 0:
        print("FAIL: no TFTP frame was compared at all")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
