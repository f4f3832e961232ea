#!/usr/bin/env bash
# summary: --help, the man page and the bash completion name the same options, and every
# finding code of the registry (include/nbt/diag_codes.def) is listed by --codes and documented
# in the README's tables, and every code the README documents is in the registry.
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

# The registry include/nbt/diag_codes.def is the one list of finding codes. Its rows, read from
# the file itself (enum id, code, kind on a row's first line): each enum id is its code in
# capitals, and --codes lists exactly these rows in this order.
def="$NBT_SRC/include/nbt/diag_codes.def"
grep -cE '^DIAG_CODE_DEF\(' "$def" >"$NBT_TMP/nrows"
sed -nE 's/^DIAG_CODE_DEF\(([A-Z0-9_]+), "([a-z0-9-]+)", "(stall|warning|info|capture)",$/\1\t\2\t\3/p' \
	"$def" >"$NBT_TMP/registry"
[ "$(wc -l <"$NBT_TMP/registry")" -eq "$(cat "$NBT_TMP/nrows")" ] ||
	{ echo "FAIL: a DIAG_CODE_DEF row of $def does not start 'DIAG_CODE_DEF(ID, \"code\", \"kind\",'"; fails=$((fails + 1)); }
while IFS=$'\t' read -r id code kind; do
	want=DIAG_CODE_$(tr 'a-z-' 'A-Z_' <<<"$code")
	[ "$id" = "$want" ] || { echo "FAIL: registry row $code is named $id, not $want"; fails=$((fails + 1)); }
done <"$NBT_TMP/registry"
"$NBT" --codes >"$NBT_TMP/codes" || { echo "FAIL: --codes"; exit 1; }
if ! diff -u <(cut -f2,3 "$NBT_TMP/registry") <(cut -f1,2 "$NBT_TMP/codes") >"$NBT_TMP/d"; then
	echo "FAIL: registry rows (-) and --codes (+) differ:"
	grep -E '^[-+][^-+]' "$NBT_TMP/d"
	fails=$((fails + 1))
fi

# Every registry code is a row of the README's tables with the meaning --codes prints: a stall
# with the hint the tool prints, any other finding with its kind.
n=0
stalls=0
while IFS=$'\t' read -r code kind meaning hint; do
	n=$((n + 1))
	row=$(grep -F "| \`$code\` |" "$NBT_SRC/README.md" | sed 's/\\|/|/g')
	if [ -z "$row" ]; then
		echo "FAIL: $kind code $code is not in the README tables"
		fails=$((fails + 1))
		continue
	fi
	grep -qF -- "| $meaning |" <<<"$row" ||
		{ echo "FAIL: README row for $code does not carry the registry's meaning: $meaning"; fails=$((fails + 1)); }
	if [ "$kind" = stall ]; then
		stalls=$((stalls + 1))
		if [ -z "$hint" ] || ! grep -qF -- "| $hint |" <<<"$row"; then
			echo "FAIL: README row for $code does not carry the tool's hint: ${hint:-(none in the registry)}"
			fails=$((fails + 1))
		fi
	elif ! grep -qF -- "| $kind |" <<<"$row"; then
		echo "FAIL: README row for $code does not say its kind: $kind"
		fails=$((fails + 1))
	fi
done <"$NBT_TMP/codes"
[ "$stalls" -ge 20 ] || { echo "FAIL: only $stalls stall codes listed by --codes"; fails=$((fails + 1)); }
# ... and every code the README's tables document is a registry row.
grep -oE '^\| `[a-z0-9]+(-[a-z0-9]+)*` \|' "$NBT_SRC/README.md" | sed -E 's/^\| `//; s/` \|$//' |
	sort -u >"$NBT_TMP/doc_codes"
while read -r code; do
	grep -q "^$code	" "$NBT_TMP/codes" || { echo "FAIL: README documents $code, which is not in the registry"; fails=$((fails + 1)); }
done <"$NBT_TMP/doc_codes"
# The man page points at --codes for the list (it names no code itself).
grep -q '^\.B \\-\\-codes$' "$man" || { echo "FAIL: the man page does not document --codes"; fails=$((fails + 1)); }
echo "$n registry codes checked ($stalls stalls), $fails failures"
[ "$fails" -eq 0 ]
