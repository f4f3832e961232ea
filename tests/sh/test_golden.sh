#!/bin/bash
# summary: golden boot reports: runs each tests/golden/TESTLIST line over captures/ and diffs the
# output with tests/golden/expected/; any stderr output or exit code 2 is a failure (tcpdump-style
# TESTLIST). Lines with --json - give the JSON report, validated by test_json_schema.sh.
#
# Env: NBT (binary), NBT_SRC (source tree). NBT_GOLDEN_UPDATE=1 rewrites the expected files
# instead of comparing (review every diff by hand before committing). Arguments: test names to
# run (default: all). Exit 77 when none of the captures is present.
set -u
: "${NBT:?NBT must name the netboot-trace binary}"
: "${NBT_SRC:?NBT_SRC must name the source tree}"
export TZ=UTC LC_ALL=C
dir=$NBT_SRC/tests/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# want NAME [FILTER...]: true if there is no filter or NAME is in it.
want() {
	[ $# -eq 1 ] && return 0
	local n
	for n in "${@:2}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

ran=0 failed=0 skipped=0
while read -r name capture expected flags; do
	case $name in '' | '#'*) continue ;; esac
	want "$name" "$@" || continue
	cap=$NBT_SRC/captures/$capture
	if [ ! -f "$cap" ]; then
		skipped=$((skipped + 1))
		continue
	fi
	flags=${flags//\$NBT_SRC/$NBT_SRC}
	# shellcheck disable=SC2086
	# Run from captures/ so the JSON report's "source" is the same on every machine.
	(cd "$NBT_SRC/captures" && "$NBT" -r "$capture" $flags) >"$tmp/out" 2>"$tmp/err"
	rc=$?
	ran=$((ran + 1))
	# Exit 1 is a stalled or unfinished boot (test_exit_codes.sh checks each code); 2 is an error.
	# A failed run never becomes an expected file, even when updating.
	if [ $rc -gt 1 ] || [ -s "$tmp/err" ]; then
		echo "FAIL $name: exit $rc, stderr:"
		sed 's/^/    /' "$tmp/err"
		failed=$((failed + 1))
	elif [ "${NBT_GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$tmp/out" "$dir/expected/$expected"
		echo "updated $expected"
	elif ! diff -u "$dir/expected/$expected" "$tmp/out" >"$tmp/diff"; then
		echo "FAIL $name: output differs from expected/$expected"
		head -60 "$tmp/diff"
		failed=$((failed + 1))
	fi
done <"$dir/TESTLIST"

echo "golden: $ran run, $failed failed, $skipped skipped (capture absent)"
[ $ran -eq 0 ] && exit 77
[ $failed -eq 0 ]
