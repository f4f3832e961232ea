#!/usr/bin/env bash
# summary: --events NDJSON: every line valid JSON in UTF-8 with timestamp/event_type/client/frame,
# '/' unescaped, one verdict line per client; a crafted TFTP file name with invalid UTF-8 bytes
# comes out as the documented U+0080..U+00FF characters; "state" lines say when each client's
# state changes (a live alert stream), ending at the report's state.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need_py jsonschema
here=$(dirname "$0")
schema=$NBT_SRC/docs/netboot-trace.schema.json

# A DHCP DISCOVER then an RRQ for "dir/\xff\xfe\xc3(x.bin" and the server's ERROR 1.
python3 - "$NBT_TMP/utf8.pcap" <<'PY'
import struct, sys
mac = bytes([0xdc, 0xa6, 0x32, 1, 2, 3]); srv = bytes([2, 0, 0, 0, 0, 1])
def ip4(a): return bytes(int(x) for x in a.split("."))
def udp(src, dst, sip, dip, sp, dp, payload):
    u = struct.pack(">HHHH", sp, dp, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0, ip4(sip), ip4(dip))
    return dst + src + b"\x08\x00" + ip + u
boot = bytes([1, 1, 6, 0]) + struct.pack(">I", 0x11223344) + bytes(20) + mac + bytes(10 + 192)
boot += b"\x63\x82\x53\x63\x35\x01\x01\xff"
frames = [udp(mac, b"\xff" * 6, "0.0.0.0", "255.255.255.255", 68, 67, boot),
          udp(mac, srv, "10.0.0.5", "10.0.0.1", 1234, 69,
              b"\x00\x01dir/\xff\xfe\xc3(x.bin\x00octet\x00"),
          udp(srv, mac, "10.0.0.1", "10.0.0.5", 5555, 1234, b"\x00\x05\x00\x01File not found\x00")]
out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
for i, f in enumerate(frames):
    out += struct.pack("<IIII", 1700000000 + i, 250 * i, len(f), len(f)) + f
open(sys.argv[1], "wb").write(out)
PY
"$NBT" -r "$NBT_TMP/utf8.pcap" --events - >"$NBT_TMP/ev" 2>"$NBT_TMP/err"
rc=$?
[ "$rc" -eq 1 ] || fail "crafted capture: exit $rc, want 1 (not booted)"
[ -s "$NBT_TMP/err" ] && fail "stderr: $(cat "$NBT_TMP/err")"
python3 "$here/validate_json.py" "$schema" events "$NBT_TMP/ev" || fail "events not valid"
python3 - "$NBT_TMP/ev" <<'PY' || fail "crafted events content"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
types = [l["event_type"] for l in lines]
assert types[0] == "dhcp-discover" and lines[0]["client"] == "dc:a6:32:01:02:03", lines[0]
rrq = [l for l in lines if l["event_type"] == "tftp-request"]
assert len(rrq) == 1 and rrq[0]["frame"] == 2, lines
# Invalid bytes 0xff 0xfe and a lone 0xc3 become U+00FF U+00FE U+00C3; '(' stays.
assert rrq[0]["file"] == "dir/\u00ff\u00fe\u00c3(x.bin", repr(rrq[0]["file"])
assert rrq[0]["timestamp"] == "2023-11-14T22:13:21.000250Z", rrq[0]["timestamp"]
assert any(l["event_type"] == "tftp-error" and l["frame"] == 3 for l in lines), types
assert types[-1] == "verdict" and lines[-1]["verdict"] in ("stalled", "in-progress", "unknown")
PY
grep -q 'dir/' "$NBT_TMP/ev" || fail "'/' escaped or file missing"

# Every lab capture: valid stream, frames non-decreasing, a verdict line per client.
n=0
for cap in "$NBT_SRC"/captures/*.pcap "$NBT_SRC"/captures/*.pcapng; do
	[ -f "$cap" ] || continue
	n=$((n + 1))
	out=$NBT_TMP/$(basename "$cap").ndjson
	"$NBT" -r "$cap" --events "$out" --json "$NBT_TMP/r.json" >/dev/null 2>"$NBT_TMP/err"
	[ $? -le 1 ] || fail "$cap: exit code"
	python3 "$here/validate_json.py" "$schema" events "$out" >/dev/null || fail "$cap: events invalid"
	python3 - "$out" "$NBT_TMP/r.json" <<'PY' || fail "$cap: events vs report"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
rep = json.load(open(sys.argv[2], encoding="utf-8"))
frames = [e["frame"] for e in ev if e["event_type"] not in ("verdict", "state")]
assert frames == sorted(frames), "frames out of order"
# State lines: each one a change for its client, and the last one is the report's state.
last = {}
for e in ev:
    if e["event_type"] == "state":
        sig = (e["state"], e["code"], e["attempt"])
        assert last.get(e["client"]) != sig, ("state line without a change", e)
        last[e["client"]] = sig
want = {c["mac"]: c["state"] for c in rep["clients"] if c["attempts"]}
assert {k: v[0] for k, v in last.items()} == want, (last, want)
verdicts = {e["client"]: e["verdict"] for e in ev if e["event_type"] == "verdict"}
assert verdicts == {c["mac"]: c["verdict"] for c in rep["clients"]}, (verdicts,)
# Each timeline entry of the report is one event line.
tl = sum(len(a["timeline"]) + a["timeline_not_kept"] for c in rep["clients"] for a in c["attempts"])
assert tl == len(frames), (tl, len(frames))
PY
done
[ "$n" -gt 0 ] || nbt_skip "no captures"

# The alert comes when the evidence does, not at the end: the Pi's third unanswered RRQ (frame
# 23 of 35) is its stall, after a waiting and a suspect line.
"$NBT" -r "$NBT_SRC/captures/pi4-tftp-silent.pcap" --events - >"$NBT_TMP/silent" 2>/dev/null
python3 - "$NBT_TMP/silent" <<'PY' || fail "pi4-tftp-silent: state lines"
import json, sys
st = [(e["frame"], e["state"], e["code"]) for e in map(json.loads, open(sys.argv[1]))
      if e["event_type"] == "state"]
assert st == [(3, "waiting", None), (19, "suspect", "tftp-no-response"),
              (23, "stalled", "tftp-no-response")], st
PY
echo "$n captures, $fails failures"
[ "$fails" -eq 0 ]
