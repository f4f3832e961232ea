#!/usr/bin/env bash
# summary: writes every output (text report, --summary -v style stats, --dump, JSON, NDJSON
# events, exit code) of every capture under captures/ into a folder, so that a refactor can be
# shown byte-identical: run it with the old and the new binary and `diff -r` the two folders.
#
# usage: tests/sh/outputs_snapshot.sh BINARY OUTDIR
# Each capture runs with the default options and with the lab's timeouts (the goldens' flags),
# so both the in-progress and the stalled verdict paths are covered.
set -euo pipefail
nbt=$(realpath "$1")
mkdir -p "$2"
out=$(realpath "$2")
src=$(cd "$(dirname "$0")/../.." && pwd)
# Captures are named relative to the tree (the JSON quotes the path), so two checkouts compare.
cd "$src"
n=0
while IFS= read -r cap; do
	rel=${cap#"$src"/captures/}
	for mode in default lab; do
		flags=()
		[ "$mode" = lab ] && flags=(--timeout dhcp=12,tftp-file=3)
		base=$out/${rel//\//__}.$mode
		rc=0
		"$nbt" -r "captures/$rel" "${flags[@]}" --summary --stats --json "$base.json" \
			--events "$base.ndjson" >"$base.txt" 2>"$base.err" || rc=$?
		echo "$rc" >"$base.rc"
		"$nbt" -r "captures/$rel" "${flags[@]}" --dump >"$base.dump" 2>/dev/null || true
		n=$((n + 1))
	done
done < <(find "$src/captures" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort)
echo "outputs_snapshot: $n runs in $out"
