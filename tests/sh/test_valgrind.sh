#!/usr/bin/env bash
# summary: netboot-trace (plain build, no sanitizers) under valgrind memcheck over the project's
# captures and the shared ones up to 2 MB; any memcheck error or definite/indirect leak fails.
# Skipped (77) without valgrind.  Build dir: $NBT_BUILD/valgrind.  NBT_VALGRIND_BUDGET (seconds,
# default 150) bounds the time spent on shared captures; the project's are always all run.
set -u
. "$(dirname "$0")/lib.sh"
: "${NBT_BUILD:?NBT_BUILD must name the build directory}"
nbt_need valgrind

B="$NBT_BUILD/valgrind"
if [ ! -f "$B/CMakeCache.txt" ]; then
	cmake -S "$NBT_SRC" -B "$B" -DNBT_SANITIZE=OFF -DNBT_TESTS=OFF -DNBT_FUZZ=OFF \
		>"$NBT_TMP/configure.log" 2>&1 || {
		cat "$NBT_TMP/configure.log"
		nbt_fail "configure of $B failed"
	}
fi
cmake --build "$B" -j2 --target netboot-trace >"$NBT_TMP/build.log" 2>&1 || {
	tail -30 "$NBT_TMP/build.log"
	nbt_fail "build of $B failed"
}
bin="$B/netboot-trace"

# Project captures first (all of them), then shared ones of at most 2 MB while the budget lasts.
{
	find "$NBT_SRC/captures" -type f \( -name '*.pcap' -o -name '*.pcapng' \) 2>/dev/null | sort
	if [ -d "${SHARED_CAPTURES:-/nonexistent}" ]; then
		find "$SHARED_CAPTURES" -type f \( -name '*.pcap' -o -name '*.pcapng' \) \
			-size -2049k | sort
	fi
} >"$NBT_TMP/list"

budget=${NBT_VALGRIND_BUDGET:-150}
start=$(date +%s)
n=0 fails=0 skipped=0
while read -r cap; do
	case "$cap" in "$NBT_SRC"/*) ;; *)
		if [ $(($(date +%s) - start)) -ge "$budget" ]; then
			skipped=$((skipped + 1))
			continue
		fi
		;;
	esac
	n=$((n + 1))
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 "$bin" -r "$cap" --dump --stats --summary >/dev/null 2>"$NBT_TMP/err"
	rc=$?
	if [ $rc -eq 99 ] || [ $rc -ge 128 ]; then
		echo "FAIL $cap: exit $rc"
		grep -E '^==[0-9]+==' "$NBT_TMP/err" | head -40
		fails=$((fails + 1))
	elif [ $rc -ne 0 ] && [ $rc -ne 67 ]; then
		echo "note $cap: exit $rc (no memcheck error): $(grep -v '^==' "$NBT_TMP/err" | head -1)"
	fi
done <"$NBT_TMP/list"
[ "$n" -gt 0 ] || nbt_skip "no captures found"
echo "$n captures under valgrind in $(($(date +%s) - start)) s, $fails failures, $skipped skipped (time budget)"
[ "$fails" -eq 0 ]
