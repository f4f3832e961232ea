#!/usr/bin/env bash
# summary: every fuzz regression capture in captures/regress/ replays with --dump exactly as its
# hand-reviewed NAME.dump says, exit 0, nothing on stderr (a sanitizer report fails it), each
# run within 30 s (some captures were hangs: a tiny file, minutes of work before the fix).
set -u
. "$(dirname "$0")/lib.sh"
dir="$NBT_SRC/captures/regress"
[ -d "$dir" ] || nbt_fail "no $dir"
fails=0 n=0
for f in "$dir"/*.pcap "$dir"/*.pcapng; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f")
	want="${f%.*}.dump"
	if [ ! -f "$want" ]; then
		echo "FAIL: $name has no expected output $(basename "$want")"
		fails=$((fails + 1))
		continue
	fi
	timeout 30 "$NBT" -r "$f" --dump >"$NBT_TMP/out" 2>"$NBT_TMP/err"
	rc=$?
	if [ "$rc" -eq 124 ]; then
		echo "FAIL: $name: --dump still running after 30 s (killed)"
		fails=$((fails + 1))
	elif [ "$rc" -ne 0 ]; then
		echo "FAIL: $name: exit $rc"
		fails=$((fails + 1))
	fi
	if [ -s "$NBT_TMP/err" ]; then
		echo "FAIL: $name: stderr:"
		sed 's/^/    /' "$NBT_TMP/err" | head -40
		fails=$((fails + 1))
	fi
	if ! diff -u "$want" "$NBT_TMP/out" >"$NBT_TMP/diff"; then
		echo "FAIL: $name: --dump differs from $(basename "$want"):"
		sed 's/^/    /' "$NBT_TMP/diff"
		fails=$((fails + 1))
	fi
	# The default boot report goes through client tracking and the diagnosis as well.
	timeout 30 "$NBT" -r "$f" --stats --summary >/dev/null 2>"$NBT_TMP/err"
	rc=$?
	if [ "$rc" -gt 1 ] || [ -s "$NBT_TMP/err" ]; then
		echo "FAIL: $name: report exit $rc, stderr:"
		sed 's/^/    /' "$NBT_TMP/err" | head -40
		fails=$((fails + 1))
	fi
done
# An expected output whose capture is gone is a regression test lost.
for want in "$dir"/*.dump; do
	[ -e "$want" ] || continue
	base=${want%.dump}
	[ -e "$base.pcap" ] || [ -e "$base.pcapng" ] || {
		echo "FAIL: $(basename "$want") has no capture"
		fails=$((fails + 1))
	}
done
[ "$n" -gt 0 ] || nbt_fail "no capture in $dir"
echo "$n captures, $fails failures"
[ "$fails" -eq 0 ]
