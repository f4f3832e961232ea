# summary: helpers shared by the shell tests (sourced): capture lists, temp dirs, skip/fail.
# Exit code 77 tells ctest a test was skipped.

nbt_skip() { echo "SKIP: $*"; exit 77; }
nbt_fail() { echo "FAIL: $*" >&2; exit 1; }
# nbt_need CMD...: skips the test unless every CMD is installed.
nbt_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || nbt_skip "$c not installed"
	done
}

# nbt_need_file PATH: skips the test unless PATH exists.
nbt_need_file() { [ -e "$1" ] || nbt_skip "no $1"; }
# nbt_need_py MODULE: skips the test unless python3 can import MODULE.
nbt_need_py() {
	python3 -c "import $1" 2>/dev/null || nbt_skip "python3 module $1 not installed"
}

# fail WHY: counts a failure in $fails and goes on; the test ends with [ "$fails" -eq 0 ].
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# nbt_check FILE PATTERN WHY / nbt_refuse FILE PATTERN WHY: FILE (a report) must / must not
# match the extended regex PATTERN; a miss is printed and sets fail=1, the test goes on.
fail=0
nbt_check() {
	if ! grep -qE -- "$2" "$1"; then
		echo "FAIL: $3 (no '$2' in the report)"
		sed 's/^/    /' "$1" | head -30
		fail=1
	fi
}
nbt_refuse() {
	if grep -qE -- "$2" "$1"; then
		echo "FAIL: $3 ('$2' in the report)"
		fail=1
	fi
}

: "${NBT:?NBT must name the netboot-trace binary}"
: "${NBT_SRC:?NBT_SRC must name the source tree}"
NBT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nbt-test.XXXXXX")
trap 'rm -rf "$NBT_TMP"' EXIT

# Prints every capture the tests should read: the shared public ones (.bz2 unpacked
# into the temp dir; those over NBT_MAX_BZ2 bytes unpacked are skipped) and the
# project's own captures/.  Set NBT_NO_SHARED=1 to list only the project's.
nbt_captures() {
	local f out
	if [ -z "${NBT_NO_SHARED:-}" ] && [ -d "${SHARED_CAPTURES:-/nonexistent}" ]; then
		find "$SHARED_CAPTURES" -type f \( -name '*.pcap' -o -name '*.pcapng' \) | sort
		find "$SHARED_CAPTURES" -type f -name '*.bz2' | sort | while read -r f; do
			out="$NBT_TMP/$(echo "${f#"$SHARED_CAPTURES"/}" | tr / _)"
			out=${out%.bz2}
			[ -e "$out" ] || bzip2 -dc "$f" >"$out"
			if [ "$(stat -c %s "$out")" -le "${NBT_MAX_BZ2:-60000000}" ]; then
				echo "$out"
			fi
		done
	fi
	find "$NBT_SRC/captures" -type f \( -name '*.pcap' -o -name '*.pcapng' \) 2>/dev/null | sort
}
