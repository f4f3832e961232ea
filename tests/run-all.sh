#!/usr/bin/env bash
# summary: the whole test suite from a fresh Debian 12 machine: install, build with
# ASan+UBSan, run every ctest test (unit, tshark differential, captures, lab smoke).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/deps.sh --test
build=${NBT_TEST_BUILD:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNBT_SANITIZE=ON -DNBT_WERROR=ON
cmake --build "$build" -j"$(nproc)"
# The README's first command builds the default (optimised, unsanitised) configuration:
# it must compile warning-free too, tests included, and analyse the shipped capture.
plain=${NBT_PLAIN_BUILD:-build-plain}
cmake -S . -B "$plain" -DNBT_WERROR=ON >/dev/null
cmake --build "$plain" -j"$(nproc)" >/dev/null
# The report is read whole before grep looks at it: `nbt | grep -q` under pipefail fails
# with SIGPIPE (141) whenever grep stops reading before the report's last write.
summary=$("./$plain/netboot-trace" -r captures/pi4-clean-nfs3.pcap --summary)
grep -q '^  verdict  booted' <<<"$summary" || {
	echo "plain build: the shipped capture did not report a boot:" >&2
	echo "$summary" >&2
	exit 1
}
echo "plain build: ok (README's first command)"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j2

