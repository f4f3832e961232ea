#!/usr/bin/env bash
# summary: `-r -` on streams as they come from `ssh router tcpdump -w -`: a stream cut in the
# middle of a packet gives the report of what arrived and exit 2; a slow stream split at odd
# byte boundaries gives the same report as the file; a stream that stalls mid-packet ends
# promptly on SIGINT or SIGTERM with the report of what arrived (not an error).
set -u
. "$(dirname "$0")/lib.sh"
cap=$NBT_SRC/captures/pi4-clean-nfs3.pcap
[ -f "$cap" ] || nbt_skip "no $cap"

# feeder.py MODE PCAP N OUT: writes a pcap stream to stdout.  Also writes OUT, a proper file
# of the first N frames (what a reader can have analysed when the stream stops after them).
#   cut N  : the first N frames, then half of frame N+1, then EOF
#   slow   : the whole file in 97-byte pieces, 1 ms apart
#   hang N : like cut, then keeps the stream open (silent) for 30 s
cat >"$NBT_TMP/feeder.py" <<'EOF'
import struct, sys, time
mode, path, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
data = open(path, "rb").read()
magic = data[:4]
endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
offs, o = [], 24
while o + 16 <= len(data):
    offs.append(o)
    o += 16 + struct.unpack(endian + "I", data[o + 8:o + 12])[0]
offs.append(o)
assert n + 1 < len(offs), "capture too short"
open(out, "wb").write(data[:offs[n]])
w = sys.stdout.buffer
if mode == "slow":
    for i in range(0, len(data), 97):
        w.write(data[i:i + 97])
        w.flush()
        time.sleep(0.001)
    sys.exit(0)
cut = offs[n] + (offs[n + 1] - offs[n]) // 2
w.write(data[:cut])
w.flush()
if mode == "hang":
    time.sleep(30)
EOF

report() { sed -E '/^netboot-trace boot report/d' "$1"; }

# 1. Cut mid-packet: exit 2, "truncated" said, the report of the frames before the cut.
python3 "$NBT_TMP/feeder.py" cut "$cap" 150 "$NBT_TMP/first150.pcap" |
	"$NBT" -r - --summary >"$NBT_TMP/cut.out" 2>"$NBT_TMP/cut.err"
rc=${PIPESTATUS[1]}
[ "$rc" = 2 ] || nbt_fail "a stream cut mid-packet: exit $rc, expected 2 ($(cat "$NBT_TMP/cut.err"))"
grep -qi truncated "$NBT_TMP/cut.err" || nbt_fail "no 'truncated' on stderr: $(cat "$NBT_TMP/cut.err")"
"$NBT" -r "$NBT_TMP/first150.pcap" --summary >"$NBT_TMP/first150.out" 2>/dev/null
grep -q '^client ' "$NBT_TMP/cut.out" || nbt_fail "no client in the report of the cut stream"
diff <(report "$NBT_TMP/first150.out") <(report "$NBT_TMP/cut.out") >/dev/null ||
	nbt_fail "the cut stream's report differs from the report of the 150 frames that arrived"
echo "ok: cut stream: exit 2, report of the 150 frames before the cut"

# 2. A slow stream, split at odd byte boundaries: the same report as the file.
python3 "$NBT_TMP/feeder.py" slow "$cap" 1 "$NBT_TMP/unused.pcap" |
	"$NBT" -r - --summary >"$NBT_TMP/slow.out" 2>"$NBT_TMP/slow.err"
rc=${PIPESTATUS[1]}
"$NBT" -r "$cap" --summary >"$NBT_TMP/file.out" 2>/dev/null
frc=$?
[ "$rc" = "$frc" ] || nbt_fail "slow stream: exit $rc, the file gives $frc ($(cat "$NBT_TMP/slow.err"))"
diff <(report "$NBT_TMP/file.out") <(report "$NBT_TMP/slow.out") ||
	nbt_fail "slow stream: the report differs from the file's"
grep -q 'verdict  booted' "$NBT_TMP/slow.out" || nbt_fail "slow stream: no booted verdict"
echo "ok: slow stream: same report as the file"

# 3. A stream that stalls mid-packet and stays open, ended by a signal: prompt, clean, report.
for sig in INT TERM; do
	fifo=$NBT_TMP/fifo.$sig
	mkfifo "$fifo"
	python3 "$NBT_TMP/feeder.py" hang "$cap" 120 "$NBT_TMP/first120.pcap" >"$fifo" &
	feeder=$!
	"$NBT" -r - --summary <"$fifo" >"$NBT_TMP/sig.out" 2>"$NBT_TMP/sig.err" &
	pid=$!
	sleep 1.5
	kill -0 "$pid" 2>/dev/null || nbt_fail "SIG$sig: netboot-trace ended before the signal"
	t0=$(date +%s%N)
	kill -"$sig" "$pid"
	for _ in $(seq 1 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" "$feeder"
		nbt_fail "SIG$sig: netboot-trace still blocked on the silent stream 3 s later"
	fi
	wait "$pid"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	"$NBT" -r "$NBT_TMP/first120.pcap" --summary >"$NBT_TMP/first120.out" 2>/dev/null
	frc=$?
	[ "$rc" = "$frc" ] || nbt_fail "SIG$sig: exit $rc, the 120 frames that arrived give $frc ($(cat "$NBT_TMP/sig.err"))"
	# One clock: the stream's report judges at the instant the signal stopped it, ~1.5 s of
	# silence after the last frame (the file of the same frames stops at that frame); all else
	# is the same report.
	waited=$(sed -n 's/^  verdict  in-progress waiting in [a-z-]* for \([0-9.]*\) s.*/\1/p' "$NBT_TMP/sig.out")
	awk -v w="${waited:-0}" 'BEGIN { exit !(w >= 1.0) }' ||
		nbt_fail "SIG$sig: judged at the last frame (waited ${waited:-?} s), not when the signal came"
	diff <(report "$NBT_TMP/first120.out" | sed 's/ for [0-9.]* s / for N s /') \
		<(report "$NBT_TMP/sig.out" | sed 's/ for [0-9.]* s / for N s /') ||
		nbt_fail "SIG$sig: the report differs from the report of the frames that arrived"
	[ ! -s "$NBT_TMP/sig.err" ] || nbt_fail "SIG$sig: a clean stop should say nothing on stderr: $(cat "$NBT_TMP/sig.err")"
	echo "ok: SIG$sig on a silent stream: ended in ${ms} ms, exit $rc, report of the 120 frames"
done
echo PASS
