#!/usr/bin/env bash
# summary: builds the libFuzzer targets and runs each for a while on seeds from the captures; non-zero on any finding.
#
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#   SECONDS  time per target (default 60)
#   TARGET   cursor dhcp tftp rpc rpcprog arp_icmp ipfrag tcpreasm pipeline pcapfile (default: all)
# Environment:
#   NBT_FUZZ_BUILD  build directory (default: <repo>/build-fuzz-run), configured with clang
#   NBT_FUZZ_WORK   where seeds, corpora and artifacts go (default: a new temp dir; never the repo)
#   NBT_FUZZ_JOBS   targets run at once (default 1; the build always uses -j2)
#   SHARED_CAPTURES seed captures besides <repo>/captures (default: <repo>/../shared/captures)
#   NBT_FUZZ_FLAGS  extra libFuzzer flags for every target (e.g. "-entropic=0")
#   NBT_FUZZ_UBSAN_SUPP  optional UBSan suppressions file, to fuzz on past a known, reported
#                   finding during a long run (CI never sets it: every finding fails)
# Output: one line per target with executions, coverage (cov = edges, ft = features),
# corpus size and findings; crash/leak/timeout/oom inputs are kept under
# $NBT_FUZZ_WORK/artifacts and listed.  Exit 0: no finding; 1: findings; 2: setup error.
set -u

SRC=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-60}
[ $# -gt 0 ] && shift
ALL="cursor dhcp tftp rpc rpcprog arp_icmp ipfrag tcpreasm pipeline pcapfile"
TARGETS=${*:-$ALL}
BUILD=${NBT_FUZZ_BUILD:-$SRC/build-fuzz-run}
SHARED=${SHARED_CAPTURES:-$SRC/../shared/captures}
JOBS=${NBT_FUZZ_JOBS:-1}

case "$SECS" in '' | *[!0-9]*)
	echo "run.sh: SECONDS must be a number, got '$SECS'" >&2
	exit 2
	;;
esac
for t in $TARGETS; do
	case " $ALL " in *" $t "*) ;; *)
		echo "run.sh: unknown target '$t' (known: $ALL)" >&2
		exit 2
		;;
	esac
done

if [ -n "${NBT_FUZZ_WORK:-}" ]; then
	WORK=$NBT_FUZZ_WORK
	mkdir -p "$WORK"
else
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/nbt-fuzz.XXXXXX")
fi
case "$WORK/" in "$SRC"/*)
	echo "run.sh: NBT_FUZZ_WORK must be outside the repository" >&2
	exit 2
	;;
esac

# ---- build (clang, libFuzzer + ASan + UBSan) ----
# UBSan stays recoverable in the build so that a suppressions file can work;
# halt_on_error=1 below makes every unsuppressed report fatal.
if ! command -v clang >/dev/null 2>&1; then
	echo "run.sh: clang not found" >&2
	exit 2
fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
	CC=clang cmake -S "$SRC" -B "$BUILD" \
		-DNBT_FUZZ=ON -DNBT_TESTS=OFF -DNBT_SANITIZE=OFF >"$WORK/configure.log" 2>&1 || {
		cat "$WORK/configure.log" >&2
		echo "run.sh: configure failed" >&2
		exit 2
	}
fi
bins=""
for t in $TARGETS; do bins="$bins fuzz_$t"; done
# shellcheck disable=SC2086
if ! cmake --build "$BUILD" -j2 --target $bins >"$WORK/build.log" 2>&1; then
	tail -40 "$WORK/build.log" >&2
	echo "run.sh: build failed (log: $WORK/build.log)" >&2
	exit 2
fi

# ---- seeds ----
python3 "$SRC/tests/fuzz/seeds.py" "$WORK/seeds" "$SRC/captures" "$SHARED" >"$WORK/seeds.log" 2>&1 || {
	cat "$WORK/seeds.log" >&2
	echo "run.sh: seed extraction failed" >&2
	exit 2
}

max_len_for() {
	case "$1" in
	pcapfile) echo 65536 ;;
	tftp | rpc | rpcprog | pipeline) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=0:${ASAN_OPTIONS:-}"
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
if [ -n "${NBT_FUZZ_UBSAN_SUPP:-}" ]; then
	UBSAN_OPTIONS="suppressions=$NBT_FUZZ_UBSAN_SUPP:$UBSAN_OPTIONS"
	echo "fuzz: UBSan suppressions from $NBT_FUZZ_UBSAN_SUPP:"
	sed 's/^/  /' "$NBT_FUZZ_UBSAN_SUPP"
fi
export UBSAN_OPTIONS

# shellcheck disable=SC2086 # NBT_FUZZ_FLAGS is a word list
run_one() {
	local t=$1 corpus="$WORK/corpus/$1" log="$WORK/logs/$1.log"
	mkdir -p "$corpus" "$WORK/artifacts" "$WORK/logs"
	"$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-max_len="$(max_len_for "$t")" -print_final_stats=1 -print_pcs=0 \
		-artifact_prefix="$WORK/artifacts/$t-" ${NBT_FUZZ_FLAGS:-} "$corpus" "$WORK/seeds/$t" \
		>"$log" 2>&1
	echo $? >"$WORK/logs/$t.rc"
}

summarise() {
	local t=$1 log="$WORK/logs/$1.log" rc execs line cov ft corp found
	rc=$(cat "$WORK/logs/$t.rc" 2>/dev/null || echo 99)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	line=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$line" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
	found=$(find "$WORK/artifacts" -maxdepth 1 -name "$t-*" 2>/dev/null | wc -l)
	printf '%-10s execs=%-10s cov=%-6s ft=%-7s corpus=%-14s findings=%s rc=%s\n' \
		"$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$found" "$rc"
	if [ "$rc" != 0 ] || [ "$found" != 0 ]; then
		grep -E 'ERROR: |SUMMARY: |runtime error|^    #[0-9] ' "$log" | head -20 | sed 's/^/    /'
		find "$WORK/artifacts" -maxdepth 1 -name "$t-*" | sed 's/^/    artifact: /'
		return 1
	fi
	return 0
}

echo "fuzz: $SECS s per target, work dir $WORK"
sed 's/^/  /' "$WORK/seeds.log"
# shellcheck disable=SC2086 # a word list of target names
set -- $TARGETS
while [ $# -gt 0 ]; do
	pids=""
	for _ in $(seq "$JOBS"); do
		[ $# -gt 0 ] || break
		run_one "$1" &
		pids="$pids $!"
		shift
	done
	# shellcheck disable=SC2086
	wait $pids
done

status=0
for t in $TARGETS; do
	summarise "$t" || status=1
done
if [ $status -ne 0 ]; then
	echo "fuzz: FINDINGS (logs: $WORK/logs, inputs: $WORK/artifacts)"
else
	echo "fuzz: no findings"
fi
exit $status
