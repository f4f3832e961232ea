#!/bin/bash
# summary: the UI on sources that unfold in time: a stream on stdin (-r -, keys from /dev/tty)
# whose silent TFTP stage turns into a stall when the wall clock passes its timeout, and an
# offline file played with --replay=N at N times its recorded pace.
set -u
. "$NBT_SRC/tests/sh/lib.sh"
. "$NBT_SRC/tests/sh/ui_tmux.sh"
cap=$NBT_SRC/captures/pi4-tftp-silent.pcap
[ -f "$cap" ] || nbt_skip "lab capture missing"

# The client's stage is still pending at the capture's last frame; a file timeout chosen so the
# deadline falls 1-2 s after that frame makes it a stall once the stream's clock runs on.
rep=$("$NBT" -r "$cap") || true
frames=$(echo "$rep" | sed -n 's/.*frames 1-\([0-9]*\), +\([0-9.]*\)s long/\1/p')
len=$(echo "$rep" | sed -n 's/.*frames 1-\([0-9]*\), +\([0-9.]*\)s long/\2/p')
deadline=$(echo "$rep" | sed -n 's/^  verdict  in-progress tftp-no-response pending, a stall after +\([0-9.]*\)s/\1/p')
[ -n "$frames" ] && [ -n "$deadline" ] || nbt_fail "the capture no longer ends in progress"
tmo=$(awk -v l="$len" -v d="$deadline" 'BEGIN { printf "%d", l - (d - 30) + 2 }')
export NBT cap tmo
ui_start 80 24 bash -c '(cat "$cap"; sleep 7) | "$NBT" -r - --timeout tftp-file=$tmo'
ui_wait "pipe stdin .*pkts $frames .*clients 1"
ui_screen | grep -q 'running tftp-no-respons' || nbt_fail "not in progress at first"
ui_screen | grep -q 'pending tftp-no-response' || nbt_fail "detail: no pending finding"
ui_wait 'STALLED tftp-no-respons' 8
ui_wait 'stall tftp-no-response \(tftp-firmware\)'
# Keys come from the terminal although stdin is the capture.
ui_keys '?'
ui_wait 'Press any key'
ui_keys x q
ui_check_restored
ui_tmux kill-server

# Replay at twice the pace: the 8.1 s capture takes ~4 s; the first screens show part of it.
ui_start 80 24 "$NBT" -r "$cap" --replay=2
ui_wait 'pkts [0-9] ' 3
ui_screen | grep -q '| EOF' && nbt_fail "replay showed the end at once"
ui_wait "pkts $frames .*\\| EOF" 12
ui_screen | grep -q 'running tftp-no-respons' || nbt_fail "replay should end in progress"
ui_keys p
ui_wait 'PAUSED'
ui_keys q
ui_check_restored
echo ok
