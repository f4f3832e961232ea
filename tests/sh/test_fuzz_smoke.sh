#!/usr/bin/env bash
# summary: CI fuzz smoke run: builds every libFuzzer target with clang (ASan+UBSan) and runs each ~10 s; any finding fails.
# Skipped (77) when clang with libFuzzer is not available.  Build dir: $NBT_BUILD/fuzz.
# NBT_FUZZ_SMOKE_SECS overrides the time per target.
set -u
. "$(dirname "$0")/lib.sh"
: "${NBT_BUILD:?NBT_BUILD must name the build directory}"
nbt_need clang python3
cat >"$NBT_TMP/probe.c" <<'C'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	(void)d;
	(void)n;
	return 0;
}
C
clang -fsanitize=fuzzer,address,undefined "$NBT_TMP/probe.c" -o "$NBT_TMP/probe" \
	>"$NBT_TMP/probe.log" 2>&1 || nbt_skip "clang cannot link libFuzzer: $(head -1 "$NBT_TMP/probe.log")"

NBT_FUZZ_BUILD="$NBT_BUILD/fuzz" NBT_FUZZ_WORK="$NBT_TMP/fuzz" \
	bash "$NBT_SRC/tests/fuzz/run.sh" "${NBT_FUZZ_SMOKE_SECS:-10}"
rc=$?
case $rc in
0) echo "fuzz smoke: no findings" ;;
1) nbt_fail "fuzz smoke: findings (inputs and logs printed above)" ;;
*) nbt_fail "fuzz smoke: setup failed (exit $rc)" ;;
esac
