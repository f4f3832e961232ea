#!/usr/bin/env bash
# summary: every C source and header is clang-formatted with the project's .clang-format.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need clang-format
cd "$NBT_SRC" || exit 1
bad=0
while read -r f; do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (run: clang-format -i $f)"
		bad=$((bad + 1))
	fi
done < <(find src include dissectors tests -name '*.[ch]' | sort)
echo "$bad files not formatted"
[ "$bad" -eq 0 ]
