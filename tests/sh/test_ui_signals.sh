#!/bin/bash
# summary: the UI gives the terminal back however it ends: SIGTERM, Ctrl-C (SIGINT) and q leave
# no alternate screen and a cooked terminal with echo; NO_COLOR=1 and --no-color draw without
# colour escapes (while the default does use colours).
set -u
. "$NBT_SRC/tests/sh/lib.sh"
. "$NBT_SRC/tests/sh/ui_tmux.sh"
cap=$NBT_SRC/captures/pi4-dtb-missing.pcap
[ -f "$cap" ] || nbt_skip "lab capture missing"

# Colour SGR sequences: 30-37/40-47/90-97, 38;5;N / 48;5;N, 39/49 aside.
has_colour() { grep -Eq $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|38;5|48;5)[;m]'; }

# SIGTERM while the screen is up.
ui_start 80 24 "$NBT" -r "$cap"
ui_wait '\| EOF'
ui_screen_esc | has_colour || nbt_fail "the default screen has no colours (the NO_COLOR check could not fail)"
pid=$(ui_pid)
[ -n "$pid" ] || nbt_fail "no netboot-trace process"
kill -TERM "$pid"
ui_check_restored
ui_tmux kill-server

# Ctrl-C.
ui_start 80 24 "$NBT" -r "$cap"
ui_wait '\| EOF'
ui_keys C-c
ui_check_restored
ui_tmux kill-server

# NO_COLOR=1: the same screen, no colour escapes; q quits.
ui_start 80 24 env NO_COLOR=1 "$NBT" -r "$cap"
ui_wait '\| EOF'
ui_screen | grep -q 'STALLED tftp-file-not-f' || nbt_fail "NO_COLOR screen lacks the row"
if ui_screen_esc | has_colour; then
	ui_screen_esc | cat -v | grep -m3 -E '\^\[\[[0-9;]*m' >&2
	nbt_fail "colour escapes with NO_COLOR=1"
fi
ui_keys q
ui_check_restored
ui_tmux kill-server

# --no-color does the same.
ui_start 80 24 "$NBT" --no-color -r "$cap"
ui_wait '\| EOF'
ui_screen_esc | has_colour && nbt_fail "colour escapes with --no-color"
ui_keys F10
ui_check_restored
ui_tmux kill-server

# A stream stalled in the middle of a frame (issue 16 s3): one SIGINT ends the UI at once,
# with no spurious capture error ("Interrupted system call").
mkfifo "$NBT_TMP/fifo"
ui_start 80 24 bash -c 'exec "$0" -r - <"$1"' "$NBT" "$NBT_TMP/fifo"
exec 7>"$NBT_TMP/fifo"
head -c $(($(stat -c %s "$cap") - 100)) "$cap" >&7 # all but the end of the last frame
ui_wait 'pipe stdin'
sleep 1 # the UI reads every whole frame, then blocks in the last one
pid=$(ui_pid)
[ -n "$pid" ] || nbt_fail "no netboot-trace process on the stream"
kill -INT "$pid"
ui_check_restored
exec 7>&-
if grep -qi 'interrupted\|capture error\|error (' "$NBT_TMP/stderr"; then
	nbt_fail "one SIGINT on a stalled stream gave an error: $(cat "$NBT_TMP/stderr")"
fi
echo ok
