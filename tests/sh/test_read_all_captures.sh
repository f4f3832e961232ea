#!/usr/bin/env bash
# summary: every capture (shared and project) is read to the end with no sanitizer report,
# no crash, an expected exit code, and a peak RSS under a fixed bound.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need /usr/bin/time
# Sanitizer builds use several times the memory of a plain one; the bound is for them.
max_kb=${NBT_MAX_RSS_KB:-400000}
fails=0 n=0
while read -r cap; do
	n=$((n + 1))
	/usr/bin/time -f '%M' -o "$NBT_TMP/rss" "$NBT" -r "$cap" --dump --stats \
		>"$NBT_TMP/out" 2>"$NBT_TMP/err"
	rc=$?
	rss=$(tail -1 "$NBT_TMP/rss")
	# 2 only for a capture cut mid-packet (analysed up to there); --dump --stats judge no boot.
	[ "$rc" -eq 2 ] && grep -q 'error (truncated)' "$NBT_TMP/err" && rc=0
	case $rc in
	0) ;;
	*)
		echo "FAIL $cap: exit $rc"
		sed 's/^/    /' "$NBT_TMP/err" | head -20
		fails=$((fails + 1))
		continue
		;;
	esac
	if grep -qE 'Sanitizer|runtime error|LeakSanitizer' "$NBT_TMP/err"; then
		echo "FAIL $cap: sanitizer report"
		head -30 "$NBT_TMP/err"
		fails=$((fails + 1))
	fi
	if ! grep -q '^frames [1-9]' "$NBT_TMP/out"; then
		echo "FAIL $cap: no frames read"
		fails=$((fails + 1))
	fi
	if [ "$rss" -gt "$max_kb" ]; then
		echo "FAIL $cap: peak RSS ${rss} KB > ${max_kb} KB"
		fails=$((fails + 1))
	fi
done < <(nbt_captures)
[ "$n" -gt 0 ] || nbt_skip "no captures found"
echo "$n captures read, $fails failures"
[ "$fails" -eq 0 ]
