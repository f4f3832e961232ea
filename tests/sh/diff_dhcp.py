#!/usr/bin/env python3
# summary: compares netboot-trace's DHCP dump lines (RFC 2131/2132/4578) with tshark's, per frame and field.
"""Usage: diff_dhcp.py NBT_BINARY CAPTURE [LABEL]
       diff_dhcp.py --gen-pi OUT.pcap   (writes a synthetic Pi/dnsmasq DHCP capture)

tshark is the oracle.  Two tshark passes per capture:
  * -T fields for the header and the decoded scalar/string options;
  * -T pdml for every option's raw TLV bytes (the `value` attribute of each
    dhcp.option.type item), which -T fields cannot pair with option codes.
netboot-trace runs with --dump; lines "<frame> dhcp ..." are compared.
Exit 0 if everything agrees, 1 with one line per difference otherwise.
"""
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

AGG = "\x1f"  # occurrence separator: cannot appear in tshark's escaped strings

# (our key, tshark field, kind)
FIELDS = [
    ("type", "dhcp.option.dhcp", "int0"),
    ("xid", "dhcp.id", "int"),
    ("op", "dhcp.type", "int"),
    ("chaddr", "dhcp.hw.mac_addr", "mac"),
    ("ciaddr", "dhcp.ip.client", "ip"),
    ("yiaddr", "dhcp.ip.your", "ip"),
    ("siaddr", "dhcp.ip.server", "ip"),
    ("giaddr", "dhcp.ip.relay", "ip"),
    ("sname", "dhcp.server", "str"),
    ("file", "dhcp.file", "str"),
    ("opt52", "dhcp.option.option_overload", "int"),
    ("opt54", "dhcp.option.dhcp_server_id", "ip"),
    ("opt50", "dhcp.option.requested_ip_address", "ip"),
    ("opt51", "dhcp.option.ip_address_lease_time", "int"),
    ("opt1", "dhcp.option.subnet_mask", "ip"),
    ("opt3", "dhcp.option.router", "ip"),
    ("opt57", "dhcp.option.dhcp_max_message_size", "int"),
    ("opt12", "dhcp.option.hostname", "str"),
    ("opt60", "dhcp.option.vendor_class_id", "str"),
    ("opt66", "dhcp.option.tftp_server_name", "str"),
    ("opt67", "dhcp.option.bootfile_name", "str"),
    ("opt93", "dhcp.option.client_system_architecture", "int"),
    ("opt150", "dhcp.option.tftp_server_address", "ip"),
]

# Options whose raw bytes are compared with the PDML TLVs.
RAW_OPTS = {"opt43": 43, "opt97": 97, "opt55": 55, "opt61": 61}
STR_OPTS = {"opt12": 12, "opt17": 17, "opt60": 60, "opt66": 66, "opt67": 67}

TOKEN = re.compile(r'(\w+)=("(?:[^"\\]|\\x[0-9a-f]{2})*"|\S*)')


def unescape_dump(v):
    """Our dump strings: printable ASCII, with \\xNN for everything else."""
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        v = v[1:-1]
        return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), v)
    return v


def tshark_str(s):
    """tshark -T fields escapes \\ as \\\\ and control characters as \\xNN / \\n etc."""
    out, i = [], 0
    simple = {"n": "\n", "r": "\r", "t": "\t", "a": "\a", "b": "\b", "f": "\f",
              "v": "\v", "\\": "\\", '"': '"'}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x" and re.match(r"[0-9a-fA-F]{2}", s[i + 2:i + 4]):
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
            if n in simple:
                out.append(simple[n])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.stderr.write("command failed: %s\n%s" % (" ".join(cmd), p.stderr.decode(errors="replace")))
        sys.exit(2)
    return p.stdout.decode("latin-1")


def tshark_fields(cap):
    cmd = ["tshark", "-r", cap, "-Y", "dhcp", "-T", "fields", "-E", "separator=/t",
           "-E", "aggregator=" + AGG, "-e", "frame.number"]
    for _, f, _ in FIELDS:
        cmd += ["-e", f]
    rows = {}
    for line in run(cmd).splitlines():
        cols = line.split("\t")
        if len(cols) != len(FIELDS) + 1:
            continue
        rows[int(cols[0])] = {k: cols[i + 1] for i, (k, _, _) in enumerate(FIELDS)}
    return rows


def tshark_options(cap):
    """frame -> list of (code, data bytes as latin-1 str) for every option but pad/end."""
    out = {}
    xml = run(["tshark", "-r", cap, "-Y", "dhcp", "-T", "pdml"])
    for pkt in ET.fromstring(xml).iter("packet"):
        frame, opts, malformed = None, [], False
        for f in pkt.iter("field"):
            name = f.get("name")
            if name == "frame.number":
                frame = int(f.get("show"))
            elif name == "dhcp.option.type":
                try:
                    v = bytes.fromhex(f.get("value", ""))
                except ValueError:  # "field length invalid!": tshark could not read it
                    malformed = True
                    continue
                if len(v) >= 2:  # pad (00) and end (ff) items are one byte
                    opts.append((v[0], v[2:].decode("latin-1")))
        for p in pkt.iter("proto"):
            if p.get("name") in ("_ws.malformed", "_ws.short"):
                malformed = True
        out[frame] = (opts, malformed)
    return out


def tshark_cut(cap):
    """frame -> captured UDP payload bytes, for DHCP-port frames the snaplen cut short."""
    out = {}
    cmd = ["tshark", "-r", cap, "-Y", "(udp.port == 67 || udp.port == 68) && frame.cap_len < frame.len",
           "-T", "fields", "-e", "frame.number", "-e", "udp.payload"]
    for line in run(cmd).splitlines():
        cols = line.split("\t")
        if len(cols) == 2 and cols[1]:
            out[int(cols[0])] = bytes.fromhex(cols[1].split(",")[0].replace(":", ""))
    return out


def compare_cut(label, frame, raw, o, problems):
    """tshark shows no DHCP fields for a message cut by the snaplen; the BOOTP header
    fields that were captured are checked against the raw bytes instead, and the
    event must say it is partial."""
    def ip(b):
        return ".".join(str(x) for x in b)
    want = {}
    if len(raw) >= 8:
        want["op"] = str(raw[0])
        want["xid"] = str(int.from_bytes(raw[4:8], "big"))
    for key, off in (("ciaddr", 12), ("yiaddr", 16), ("siaddr", 20), ("giaddr", 24)):
        if len(raw) >= off + 4:
            want[key] = ip(raw[off:off + 4])
    if len(raw) >= 34 and raw[1] == 1 and raw[2] == 6:
        want["chaddr"] = ":".join("%02x" % x for x in raw[28:34])
    kinds = {k: kind for k, _, kind in FIELDS}
    for key, tv in want.items():
        ov = norm_ours(kinds[key], o.get(key))
        if ov != tv:
            problems.append("%s frame %d field %s (cut frame, raw bytes)=%r netboot-trace=%r"
                            % (label, frame, key, tv, ov))
    if not any(k in o for k in ("opt-error", "partial")):
        problems.append("%s frame %d: cut by the snaplen, but our event is not marked partial"
                        % (label, frame))


def ours(nbt, cap):
    out = {}
    for line in run([nbt, "-r", cap, "--dump"]).splitlines():
        parts = line.split(" ", 2)
        if len(parts) < 3 or parts[1] != "dhcp":
            continue
        out[int(parts[0])] = {k: v for k, v in TOKEN.findall(parts[2])}
    return out


def norm_tshark(kind, v):
    first = v.split(AGG)[0]
    if kind == "int0":
        return str(int(first, 0)) if first else "0"
    if first == "":
        return None
    if kind == "int":
        return str(int(first, 0))
    if kind == "str":
        return tshark_str(first)
    return first.lower()


def norm_ours(kind, v):
    if v is None:
        return "0" if kind == "int0" else None
    if kind in ("int", "int0"):
        return str(int(v, 0))
    if kind == "str":
        return unescape_dump(v)
    return v


def compare_frame(label, frame, t, o, topts, problems):
    def bad(field, tv, ov):
        problems.append("%s frame %d field %s: tshark=%r netboot-trace=%r" % (label, frame, field, tv, ov))

    for key, _, kind in FIELDS:
        tv = norm_tshark(kind, t[key])
        ov = norm_ours(kind, o.get(key))
        if kind == "str" and tv is not None and ov is not None:
            # tshark shows FT_STRINGZ/FT_STRING up to the first NUL; we keep every byte.
            ov = ov.split("\0")[0]
            if tv == "" and ov == "":
                continue
        if kind == "str" and tv is None and ov is not None and ov.split("\0")[0] == "":
            continue  # a string option of only NULs: tshark prints nothing
        if key == "chaddr" and tv is None and "chaddr_hex" in o:
            continue  # not Ethernet/6: tshark has no MAC either (we print hex)
        if tv != ov:
            bad(key, tv, ov)

    opts, malformed = topts if topts else ([], False)
    our_codes = [int(c) for c in o.get("opts", "").split(",") if c]
    t_codes = [c for c, _ in opts]
    if "opt52" in o:
        # tshark dissects overloaded sname before file, RFC 2131 s4.1 (and we) read file first.
        t_codes, our_codes = sorted(t_codes), sorted(our_codes)
    trunc_ok = any(k in o for k in ("opt-error", "partial", "raw-full"))
    if t_codes != our_codes and not (trunc_ok and malformed):
        bad("opts", ",".join(map(str, t_codes)), ",".join(map(str, our_codes)))
    first = {}
    for c, data in opts:
        first.setdefault(c, data)
    for key, code in RAW_OPTS.items():
        tv = first[code].encode("latin-1").hex() if code in first else None
        if tv != o.get(key):
            bad(key + "(raw)", tv, o.get(key))
    for key, code in STR_OPTS.items():
        if code in first and key in o and unescape_dump(o[key]) != first[code]:
            bad(key + "(raw)", first[code], unescape_dump(o[key]))
    rpi = "1" if any(c == 43 and "Raspberry Pi Boot" in d for c, d in opts) else "0"
    if o.get("rpi_boot") != rpi:
        bad("rpi_boot", rpi, o.get("rpi_boot"))


# ---- a synthetic Raspberry Pi / dnsmasq exchange (PI-NETBOOT.md s1-2), for the oracle ----

PI4_MAC = bytes.fromhex("dca6327926df")
PI3_MAC = bytes.fromhex("b827eb123456")


def dhcp_msg(op, xid, mac, yiaddr=0, siaddr=0, opts=b"", sname=b"", file=b""):
    hdr = struct.pack("!BBBBIHHIIII", op, 1, 6, 0, xid, 0, 0x8000, 0, yiaddr, siaddr, 0)
    hdr += mac.ljust(16, b"\0") + sname.ljust(64, b"\0") + file.ljust(128, b"\0")
    return hdr + b"\x63\x82\x53\x63" + opts


def opt(code, data):
    return bytes([code, len(data)]) + data


def udp_frame(src_mac, sport, dport, payload, src_ip=0, dst_ip=0xFFFFFFFF):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, src_ip, dst_ip)
    csum = sum(struct.unpack("!10H", ip))
    while csum >> 16:
        csum = (csum & 0xFFFF) + (csum >> 16)
    ip = ip[:10] + struct.pack("!H", ~csum & 0xFFFF) + ip[12:]
    return b"\xff" * 6 + src_mac + b"\x08\x00" + ip + udp


def gen_pi(path):
    text = b"Raspberry Pi Boot"
    pxe43 = (opt(6, b"\x03") + opt(10, b"\x00" + text) + opt(9, b"\x00\x00" + bytes([len(text)]) + text)
             + b"\xff")
    prl = bytes([1, 3, 43, 60, 66, 67] + list(range(128, 136)))
    cls = b"PXEClient:Arch:00000:UNDI:002001"
    # Option 97: type 0, "RPi4", rev 0x00c03111, MAC low word, serial 0x38c128c0, all little-endian.
    o97 = b"\x00RPi4" + struct.pack("<III", 0x00C03111, 0x327926DF, 0x38C128C0)
    legacy = b"\x00" + struct.pack("<I", 0x1234ABCD) * 4
    server, client = 0xC0A80101, 0xC0A8010A
    pi4_opts = (opt(53, b"\x01") + opt(55, prl) + opt(60, cls) + opt(93, b"\x00\x00")
                + opt(94, b"\x01\x02\x01") + opt(97, o97) + b"\xff").ljust(60, b"\0")
    srv = opt(54, struct.pack("!I", server)) + opt(60, b"PXEClient") + opt(66, b"192.168.1.1")
    frames = [
        udp_frame(PI4_MAC, 68, 67, dhcp_msg(1, 0x5A17E001, PI4_MAC, opts=pi4_opts)),
        udp_frame(PI4_MAC, 67, 68, dhcp_msg(2, 0x5A17E001, PI4_MAC, client, server,
                                            opt(53, b"\x02") + srv + opt(43, pxe43) + b"\xff"),
                  server),
        udp_frame(PI4_MAC, 67, 68, dhcp_msg(2, 0x5A17E001, PI4_MAC, client, server,
                                            opt(53, b"\x02") + srv + opt(43, text + b"   ") + b"\xff"),
                  server),
        udp_frame(PI3_MAC, 68, 67, dhcp_msg(1, 0x26F30339, PI3_MAC, opts=opt(53, b"\x01")
                                            + opt(60, cls) + opt(97, legacy) + b"\xff")),
        udp_frame(PI4_MAC, 67, 68, dhcp_msg(2, 0x5A17E002, PI4_MAC, 0, server,
                                            opt(53, b"\x02") + srv + opt(43, pxe43) + b"\xff"),
                  server),
        udp_frame(PI4_MAC, 4011, 68, dhcp_msg(2, 0x5A17E003, PI4_MAC, client, server,
                                              opt(53, b"\x05") + srv + opt(43, pxe43) + b"\xff"),
                  server),
        udp_frame(PI4_MAC, 67, 68, dhcp_msg(2, 0x5A17E004, PI4_MAC, client, server,
                                            opt(53, b"\x05") + opt(52, b"\x03") + b"\xff",
                                            sname=opt(66, b"tftp.lan") + b"\xff",
                                            file=opt(67, b"start4.elf") + b"\xff"), server),
    ]
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--gen-pi":
        gen_pi(sys.argv[2])
        return 0
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    nbt, cap = sys.argv[1], sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else cap
    t_rows, t_opts, o_rows = tshark_fields(cap), tshark_options(cap), ours(nbt, cap)
    cut = tshark_cut(cap)
    problems = []
    for frame in sorted(set(t_rows) | set(o_rows)):
        if frame in cut and frame in t_rows and frame in o_rows and t_rows[frame]["xid"] == "":
            compare_cut(label, frame, cut[frame], o_rows[frame], problems)
            continue
        if frame not in o_rows and frame in t_rows and t_rows[frame]["xid"] == "":
            # tshark could not read even the xid (e.g. tcpdump's bootp_asan: a UDP length
            # past the capture, which our UDP layer rejects before DHCP): neither side has
            # a DHCP message to compare.
            continue
        if frame not in o_rows:
            problems.append("%s frame %d: tshark shows DHCP, netboot-trace emitted no dhcp line" % (label, frame))
        elif frame not in t_rows:
            problems.append("%s frame %d: netboot-trace emitted dhcp, tshark shows no DHCP" % (label, frame))
        else:
            compare_frame(label, frame, t_rows[frame], o_rows[frame], t_opts.get(frame), problems)
    for p in problems[:50]:
        print(p)
    if len(problems) > 50:
        print("%s: %d more differences" % (label, len(problems) - 50))
    print("%s: %d frames compared, %d differences" % (label, len(set(t_rows) | set(o_rows)), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
