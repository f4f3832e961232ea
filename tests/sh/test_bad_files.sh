#!/usr/bin/env bash
# summary: hostile capture files (empty, text, odd snaplens, huge or lying lengths, backward
# time, pcapng unknown/bad blocks, cut inside a record) each give a clear message and the exit
# code of include/nbt/exitcodes.h, never a crash or a sanitizer report.
set -u
. "$(dirname "$0")/lib.sh"
hdr="$NBT_SRC/include/nbt/exitcodes.h"
[ -f "$hdr" ] || nbt_fail "no $hdr"
fails=0

# exit_code NAME...: the value of the first NBT_EXIT_<NAME> that exitcodes.h defines, so the
# test follows the header (the one-code-per-kind scheme or the 0/1/2 one) without edits.
exit_code() {
	local n v
	for n in "$@"; do
		v=$(sed -nE "s/^[[:space:]]*NBT_EXIT_${n}[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p" "$hdr")
		[ -n "$v" ] && { echo "$v"; return; }
	done
	nbt_fail "exitcodes.h defines none of: $*"
}
OK=$(exit_code OK)
ERR_INPUT=$(exit_code NOT_CAPTURE ERROR)
ERR_TRUNC=$(exit_code TRUNCATED ERROR)
ERR_CAPTURE=$(exit_code CAPTURE ERROR)
# A report may say a boot failed (1 in the 0/1/2 scheme): that is still not an input error.
REPORT_OK="$OK $(exit_code FAIL OK)"

# run NAME ARGS...: runs netboot-trace on the bad file NAME; a crash, a sanitizer report or a
# signal is a failure whatever the case expects.
run() {
	local f=$1
	shift
	"$NBT" -r "$NBT_TMP/$f" "$@" >"$NBT_TMP/out" 2>"$NBT_TMP/err"
	rc=$?
	if [ "$rc" -ge 128 ] || grep -qE 'Sanitizer|runtime error|LeakSanitizer' "$NBT_TMP/err"; then
		echo "FAIL: $f $*: crashed (exit $rc):"
		sed 's/^/    /' "$NBT_TMP/err" | head -30
		fails=$((fails + 1))
		return 1
	fi
}
bad() { echo "FAIL: $case: $*"; sed 's/^/    stderr: /' "$NBT_TMP/err" | head -5; fails=$((fails + 1)); }
# expect_error NAME "CODE..." PATTERN FRAMES: one line on stderr matching PATTERN, exit one of
# CODE..., and the frames before the bad spot analysed (--stats "frames FRAMES").
expect_error() {
	case=$1
	run "$1" --stats || return
	echo " $2 " | grep -q " $rc " || bad "exit $rc, want $2"
	grep -qiE "$3" "$NBT_TMP/err" || bad "stderr does not say /$3/"
	[ "$(grep -c . "$NBT_TMP/err")" -eq 1 ] || bad "want one line on stderr"
	grep -q '^netboot-trace: ' "$NBT_TMP/err" || bad "message not prefixed with the program name"
	if [ -n "$4" ]; then
		grep -qx "frames $4" "$NBT_TMP/out" || bad "want 'frames $4' analysed before the error"
	fi
}
# expect_read NAME FRAMES [STATS-LINE]: read to the end, exit OK, nothing on stderr.
expect_read() {
	case=$1
	run "$1" --stats || return
	[ "$rc" -eq "$OK" ] || bad "exit $rc, want $OK"
	[ -s "$NBT_TMP/err" ] && bad "stderr not empty"
	grep -qx "frames $2" "$NBT_TMP/out" || bad "want 'frames $2'"
	if [ -n "${3:-}" ]; then
		grep -qx "$3" "$NBT_TMP/out" || bad "want '$3' in --stats"
	fi
}

python3 - "$NBT_TMP" <<'PY' || nbt_fail "generator failed"
import os, struct, sys
d = sys.argv[1]
def frame(i):
    # Ethernet / IPv4 / UDP 68 -> 67: a DHCPDISCOVER from a Pi MAC (290 bytes).
    bootp = bytes([1, 1, 6, 0]) + struct.pack(">I", 0x1000 + i) + bytes(236 - 8)
    bootp += b"\x63\x82\x53\x63\x35\x01\x01\xff"
    udp = struct.pack(">HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                     bytes(4), b"\xff" * 4) + udp
    return b"\xff" * 6 + bytes([0xdc, 0xa6, 0x32, 0, 0, i]) + b"\x08\x00" + ip
F = [frame(i) for i in range(3)]
T = 1700000000
def ghdr(snap=262144):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snap, 1)
def rec(ts, f, caplen=None, wire=None):
    return struct.pack("<IIII", ts, 0, len(f) if caplen is None else caplen,
                       len(f) if wire is None else wire) + f
def w(name, data):
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data)
three = b"".join(rec(T + i, F[i]) for i in range(3))
w("empty.pcap", b"")
w("text.pcap", b"hello, this is a text file\nnot a capture\n" * 4)
w("snaplen0.pcap", ghdr(snap=0) + three)              # 0: libpcap reads it as "no limit"
w("caplen-gt-snaplen.pcap", ghdr(snap=100) + three)   # 290-byte records, snaplen 100
w("caplen-256k.pcap", ghdr() + rec(T, F[0]) + rec(T + 1, bytes(300000)) + rec(T + 2, F[2]))
w("backwards.pcap", ghdr() + rec(T + 10, F[0]) + rec(T, F[1]) + rec(T + 20, F[2]))
w("header-only.pcap", ghdr())
w("cut-in-record-header.pcap", ghdr() + rec(T, F[0]) + rec(T + 1, F[1])[:9])
w("cut-in-packet-data.pcap", ghdr() + rec(T, F[0]) + rec(T + 1, F[1])[:16 + 100])
w("cut-in-global-header.pcap", ghdr()[:10])
def blk(t, body):
    body += bytes((-len(body)) % 4)
    return struct.pack("<II", t, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))
shb = blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
idb = blk(1, struct.pack("<HHI", 1, 0, 262144))
def epb(us, f):
    return blk(6, struct.pack("<IIIII", 0, us >> 32, us & 0xFFFFFFFF, len(f), len(f)) + f)
us = T * 1000000
unknown = blk(0x00000BAD, b"an unknown block type") + blk(0x80000001, bytes(8)) + blk(0x40000BAD, b"")
w("unknown-blocks.pcapng", shb + idb + unknown + epb(us, F[0]) + unknown + epb(us + 1, F[1]))
for name, length in (("bad-block-length-huge.pcapng", 0xFFFFFFF0),
                     ("bad-block-length-small.pcapng", 7)):
    b = bytearray(epb(us + 2, F[2]))
    struct.pack_into("<I", b, 4, length)
    w(name, shb + idb + epb(us, F[0]) + bytes(b))
w("cut-in-block.pcapng", shb + idb + epb(us, F[0]) + epb(us + 1, F[1])[:40])
PY

expect_error empty.pcap "$ERR_INPUT" "empty" ""
expect_error text.pcap "$ERR_INPUT" "not a pcap or pcapng capture: it starts like a text file.*tcpdump -w" ""
mkdir -p "$NBT_TMP/captures.d"
expect_error captures.d "$ERR_INPUT" "captures.d: is a folder, not a capture file" ""
expect_error cut-in-global-header.pcap "$ERR_INPUT $ERR_TRUNC" "truncated|not a pcap|empty" ""
expect_read header-only.pcap 0
expect_read snaplen0.pcap 3 "udp 3"
# Records longer than the file's snaplen: read, the excess is cut and counted as truncated.
expect_read caplen-gt-snaplen.pcap 3 "anomaly truncated 3"
expect_error caplen-256k.pcap "$ERR_CAPTURE" "capture length 300000|bigger than|too (big|large)" 1
expect_error cut-in-record-header.pcap "$ERR_TRUNC" "truncated" 1
expect_error cut-in-packet-data.pcap "$ERR_TRUNC" "truncated" 1
expect_error cut-in-block.pcapng "$ERR_TRUNC" "truncated" 1
expect_error bad-block-length-huge.pcapng "$ERR_CAPTURE" "block.*(size|length)" 1
expect_error bad-block-length-small.pcapng "$ERR_CAPTURE" "block.*(size|length)" 1
# Unknown pcapng blocks (local, reserved, custom-looking types) are skipped.
expect_read unknown-blocks.pcapng 2 "udp 2"
# Time going backwards is a finding, not an error: counted, and named in the boot report.
expect_read backwards.pcap 3 "anomaly time-backwards 1"
case=backwards.pcap
if run backwards.pcap; then
	echo " $REPORT_OK " | grep -q " $rc " || bad "report exit $rc, want one of: $REPORT_OK"
	[ -s "$NBT_TMP/err" ] && bad "report: stderr not empty"
	grep -q "capture-time-backwards" "$NBT_TMP/out" || bad "report has no capture-time-backwards"
fi
# Every bad file also goes through the boot report (the default output) without a crash.
for f in "$NBT_TMP"/*.pcap "$NBT_TMP"/*.pcapng; do
	run "$(basename "$f")" || continue
done
echo "$fails failures"
[ "$fails" -eq 0 ]
