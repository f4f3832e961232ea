#!/bin/bash
# summary: compressed captures read directly: gzip, xz and zstd copies of shipped captures (a
# file, and the same on stdin) give the plain file's JSON byte for byte (but for the source
# name); one cut short or corrupt stops with the decoder's reason and exit 2, after the frames
# before it; a compressed text file is named as such.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need gzip xz zstd
cd "$NBT_SRC" || exit 1
tmp=$(mktemp -d) || nbt_fail "mktemp"
trap 'rm -rf "$tmp"' EXIT
json() { grep -v '^    "source": '; }
for cap in captures/pi4-clean-nfs3.pcap captures/pi4-clean-nfs3.pcapng captures/multi-pi-interleaved.pcap; do
	[ -f "$cap" ] || nbt_fail "missing $cap"
	"$NBT" -r "$cap" --json - | json >"$tmp/plain.json"
	[ -s "$tmp/plain.json" ] || fail "$cap: no JSON"
	for z in "gzip -c:gz" "xz -c:xz" "zstd -q -c:zst"; do
		tool=${z%%:*} ext=${z##*:}
		$tool "$cap" >"$tmp/c.$ext"
		"$NBT" -r "$tmp/c.$ext" --json - | json | cmp -s - "$tmp/plain.json" ||
			fail "$cap as .$ext: the JSON differs from the plain file's"
		"$NBT" -r - --json - <"$tmp/c.$ext" | json | cmp -s - "$tmp/plain.json" ||
			fail "$cap as .$ext on stdin: the JSON differs from the plain file's"
	done
done
# A plain capture through a pipe (no seeking back after the sniff).
cat captures/pi4-clean-nfs3.pcap | "$NBT" -r - --json - | json | cmp -s - <("$NBT" -r captures/pi4-clean-nfs3.pcap --json - | json) ||
	fail "a plain capture on a pipe reads differently"

# Cut short: the frames before are analysed, the reason is the decoder's, exit 2. The capture
# is the biggest shipped one, so that every format has whole blocks before the cut (zstd's are
# 128 KiB).
cap=captures/multi-pi-interleaved.pcap
for z in "gzip -c:gz:gzip" "xz -c:xz:xz" "zstd -q -c:zst:zstd"; do
	tool=${z%%:*} rest=${z#*:} ext=${rest%%:*} name=${rest#*:}
	$tool "$cap" >"$tmp/whole.$ext"
	head -c $(($(stat -c %s "$tmp/whole.$ext") * 3 / 4)) "$tmp/whole.$ext" >"$tmp/cut.$ext"
	"$NBT" -r "$tmp/cut.$ext" --summary >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] || fail "cut .$ext: exit $rc, expected 2"
	grep -qE "the $name data (ends early|is cut short)" "$tmp/err" || fail "cut .$ext: no reason from the decoder: $(cat "$tmp/err")"
	grep -q 'boot report' "$tmp/out" || fail "cut .$ext: the frames before the cut were not reported"
done
# Corrupt: zstd's checksum catches it.
zstd -q -c "$cap" >"$tmp/bad.zst"
python3 -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(d) // 2, len(d) // 2 + 32): d[i] ^= 0x5a
open(sys.argv[1], "wb").write(d)' "$tmp/bad.zst"
"$NBT" -r "$tmp/bad.zst" --summary >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "corrupt .zst: exit $rc, expected 2"
grep -q 'the zstd data is corrupt' "$tmp/err" || fail "corrupt .zst: $(cat "$tmp/err")"
# Not a capture inside.
echo "not a capture" | gzip >"$tmp/text.gz"
"$NBT" -r "$tmp/text.gz" --summary >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] || fail "text.gz: exit $rc, expected 2"
grep -q "text.gz: gzip-compressed, but what it holds is not a pcap or pcapng capture" "$tmp/err" ||
	fail "text.gz: $(cat "$tmp/err")"
[ "$fails" -eq 0 ] && echo "PASS: gzip, xz and zstd read as the plain captures; cut and corrupt ones named"
[ "$fails" -eq 0 ]
