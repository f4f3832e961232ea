#!/usr/bin/env bash
# summary: --help, the man page and the bash completion name the same options, and every
# stall code the engine can emit is in the README's table with the hint the tool prints.
set -u
. "$(dirname "$0")/lib.sh"
fails=0
man="$NBT_SRC/docs/netboot-trace.1"
comp="$NBT_SRC/docs/bash-completion/netboot-trace"

# Options as each document spells them: -x and --long-name tokens.
opts_of() { grep -oE '(^|[[:space:][(,|])--?[a-zA-Z][a-zA-Z-]*' | grep -oE -- '--?[a-zA-Z][a-zA-Z-]*' | sort -u; }
"$NBT" --help | opts_of >"$NBT_TMP/help"
# The man page's OPTIONS section (its examples quote tcpdump's options too).
sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$man" | sed 's/\\-/-/g; s/\\f[BIRP]//g' | opts_of >"$NBT_TMP/man"
# The completion's option word list (the compgen -W after the '-*' test).
sed -n '/\$cur == -\*/,/-- "\$cur"/p' "$comp" | tr '\n\t' '  ' | grep -oE -- '-W "[^"]*"' |
	sed 's/^-W "//; s/"$//' | tr ' ' '\n' | grep -E '^-' | sort -u >"$NBT_TMP/comp"
for doc in man comp; do
	if ! diff -u "$NBT_TMP/help" "$NBT_TMP/$doc" >"$NBT_TMP/d"; then
		echo "FAIL: options in --help (-) and $doc (+) differ:"
		grep -E '^[-+]-' "$NBT_TMP/d" | grep -vE '^(\+\+\+|---) '
		fails=$((fails + 1))
	fi
done
lines=$("$NBT" --help | wc -l)
[ "$lines" -le 50 ] || { echo "FAIL: --help is $lines lines, more than one screen"; fails=$((fails + 1)); }

# Every stall code, with the hint the tool prints, is a row of the README table.
"$NBT" --codes >"$NBT_TMP/codes" || { echo "FAIL: --codes"; exit 1; }
n=0
while IFS=$'\t' read -r code kind meaning hint; do
	[ "$kind" = stall ] || continue
	n=$((n + 1))
	row=$(grep -F "| \`$code\` |" "$NBT_SRC/README.md" | sed 's/\\|/|/g')
	if [ -z "$row" ]; then
		echo "FAIL: stall code $code is not in the README table"
		fails=$((fails + 1))
	elif ! grep -qF -- "$hint" <<<"$row"; then
		echo "FAIL: README row for $code does not carry the tool's hint: $hint"
		fails=$((fails + 1))
	fi
done <"$NBT_TMP/codes"
[ "$n" -ge 20 ] || { echo "FAIL: only $n stall codes listed by --codes"; fails=$((fails + 1)); }
# ... and every code the engine's source passes to diag_stall() is listed by --codes.
grep -E 'diag_stall\(|diag_add\(|diag_cannot_tell\(|code = "' "$NBT_SRC/src/diag/diagnose.c" |
	grep -oE '"[a-z0-9]+(-[a-z0-9]+)+"' | tr -d '"' | sort -u >"$NBT_TMP/src_codes"
while read -r code; do
	grep -q "^$code	" "$NBT_TMP/codes" || { echo "FAIL: $code used in diagnose.c but not listed by --codes"; fails=$((fails + 1)); }
done <"$NBT_TMP/src_codes"
echo "$n stall codes checked, $fails failures"
[ "$fails" -eq 0 ]
