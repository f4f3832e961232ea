#!/usr/bin/env bash
# summary: packet text is data, never terminal control (issue 16 s1): a capture whose DHCP,
# TFTP, MOUNT and NFSv4 strings carry ESC, CR LF, BEL, DEL, C1 and non-UTF-8 bytes leaves no raw
# control byte in the report, summary, JSON, events, stderr or the UI screen, and forges no line.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need python3
cap=$NBT_SRC/captures/regress/hostile-text.pcap
nbt_need_file "$cap"
check=$NBT_SRC/tests/sh/check_text_bytes.py
# The capture is what the generator writes (reviewed once, kept so the report is stable).
python3 "$NBT_SRC/tests/sh/hostile_text.py" "$NBT_TMP/gen.pcap"
cmp -s "$NBT_TMP/gen.pcap" "$cap" || fail "captures/regress/hostile-text.pcap is not what hostile_text.py writes"

"$NBT" -r "$cap" --no-ui >"$NBT_TMP/report" 2>"$NBT_TMP/err1"
"$NBT" -r "$cap" --summary --no-ui >"$NBT_TMP/summary" 2>>"$NBT_TMP/err1"
"$NBT" -r "$cap" --no-ui --json "$NBT_TMP/report.json" --events "$NBT_TMP/events.ndjson" \
	>/dev/null 2>>"$NBT_TMP/err1"
"$NBT" -r "$cap" --dump >"$NBT_TMP/dump" 2>>"$NBT_TMP/err1"
python3 "$check" report "$NBT_TMP/report" || fails=$((fails + 1))
python3 "$check" summary "$NBT_TMP/summary" || fails=$((fails + 1))
python3 "$check" dump "$NBT_TMP/dump" || fails=$((fails + 1))
# The JSON keeps the bytes (ESC, CR, LF as JSON escapes, C1 as \u0085): parsed, they are there.
python3 "$check" json "$NBT_TMP/report.json" --json --expect-in-json '\x1b]0;owned\x07\r\n  verdict  booted\x7f' ||
	fails=$((fails + 1))
python3 "$check" events "$NBT_TMP/events.ndjson" --ndjson --expect-in-json '\x1b[2J' ||
	fails=$((fails + 1))
grep -q '\\x1b\]0;owned\\x07\\x0d\\x0a  verdict  booted' "$NBT_TMP/report" ||
	fail "the report does not show the file name's control bytes as \\xNN"
# Every field reaches the report escaped: RRQ name, TFTP ERROR text, MOUNT path, NFSv4 name.
for what in 'RRQ \\x1b' 'ERROR 1 for \\x1b' '"missing\\x1b' 'MNT /srv\\x1b' 'LOOKUP /root\\x1b' \
	"option 66 is the name 'tftp\\\\x1b"; do
	grep -q -- "$what" "$NBT_TMP/report" || fail "report lacks the escaped field: $what"
done
[ "$(grep -c '^  verdict  booted' "$NBT_TMP/report")" -eq 0 ] || fail "a file name forged a report line"
[ -s "$NBT_TMP/err1" ] && fail "stderr: $(head -3 "$NBT_TMP/err1")"

# Errors on stderr quote the user's path and a hosts file's bad token escaped.
"$NBT" -r "$NBT_TMP/no"$'\e[2J\a' --no-ui >/dev/null 2>"$NBT_TMP/err2"
python3 "$check" stderr-path "$NBT_TMP/err2" || fails=$((fails + 1))
grep -q 'no\\x1b\[2J\\x07' "$NBT_TMP/err2" || fail "stderr does not show the path escaped: $(cat -v "$NBT_TMP/err2")"
printf 'node1 \e]0;owned\a dc:a6:32:00:00:16\n' >"$NBT_TMP/hosts"
"$NBT" -r "$cap" --no-ui --hosts "$NBT_TMP/hosts" >/dev/null 2>"$NBT_TMP/err3"
python3 "$check" stderr-hosts "$NBT_TMP/err3" || fails=$((fails + 1))

# The UI: the screen shows the escapes, and the terminal title is not taken over.
if command -v tmux >/dev/null 2>&1; then
	. "$NBT_SRC/tests/sh/ui_tmux.sh"
	ui_start 120 35 "$NBT" -r "$cap"
	ui_wait '\| EOF'
	ui_screen >"$NBT_TMP/screen"
	python3 "$check" ui-screen "$NBT_TMP/screen" || fails=$((fails + 1))
	title=$(ui_tmux display-message -p '#{pane_title}')
	case $title in *owned*) fail "the UI let a packet set the terminal title: $title" ;; esac
	grep -q 'owned' "$NBT_TMP/screen" || fail "the UI screen does not show the hostile text at all"
	grep -q '\\x1b' "$NBT_TMP/screen" || fail "the UI screen does not show ESC as \\x1b"
else
	echo "note: tmux not installed, UI screen not checked"
fi
[ "$fails" -eq 0 ] && echo "hostile text: ok"
[ "$fails" -eq 0 ]
