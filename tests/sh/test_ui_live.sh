#!/bin/bash
# summary: the UI on sources that unfold in time: a stream on stdin (-r -, keys from /dev/tty)
# whose silent TFTP stage turns from waiting into a stall when the wall clock passes its timeout,
# and an offline file played with --replay=N at N times its recorded pace.
set -u
. "$NBT_SRC/tests/sh/lib.sh"
. "$NBT_SRC/tests/sh/ui_tmux.sh"
cap=$NBT_SRC/captures/pi4-tftp-silent.pcap
[ -f "$cap" ] || nbt_skip "lab capture missing"

# The first 18 frames end with the Pi's first RRQ unanswered: waiting in tftp-firmware, nothing
# wrong yet. A file timeout chosen so that the deadline falls 1-2 s after the last frame makes the
# silence a stall once the stream's clock runs on past it.
head18=$NBT_TMP/head18.pcap
python3 "$NBT_SRC/tests/sh/pcap_head.py" "$cap" "$head18" 18
rep=$("$NBT" -r "$head18") || true
frames=$(echo "$rep" | sed -n 's/.*frames 1-\([0-9]*\), +\([0-9.]*\)s long/\1/p')
len=$(echo "$rep" | sed -n 's/.*frames 1-\([0-9]*\), +\([0-9.]*\)s long/\2/p')
deadline=$(echo "$rep" | sed -n 's/^  verdict  in-progress waiting in tftp-firmware for [0-9.]* s (a stall at +\([0-9.]*\)s if it stays silent)/\1/p')
[ "$frames" = 18 ] && [ -n "$deadline" ] || nbt_fail "the first 18 frames no longer end waiting in tftp-firmware"
tmo=$(awk -v l="$len" -v d="$deadline" 'BEGIN { printf "%d", l - (d - 30) + 2 }')
export NBT head18 tmo
ui_start 80 24 bash -c '(cat "$head18"; sleep 7) | "$NBT" -r - --timeout tftp-file=$tmo'
ui_wait "pipe stdin .*pkts $frames .*clients 1"
ui_screen | grep -q 'waiting tftp-firmware' || nbt_fail "not waiting at first"
ui_screen | grep -q 'waiting: tftp-firmware' || nbt_fail "detail: not waiting"
ui_screen | grep -q 'no-response' && nbt_fail "a stall code while only waiting"
ui_wait 'STALLED tftp-no-respons' 8
ui_wait 'stall tftp-no-response \(tftp-firmware\)'
# Keys come from the terminal although stdin is the capture.
ui_keys '?'
ui_wait 'Press any key'
ui_keys x q
ui_check_restored
ui_tmux kill-server

# Replay at twice the pace: the 8.1 s capture takes ~4 s; the first screens show part of it,
# and the Pi is stalled only once its retransmitted RRQs prove it.
ui_start 80 24 "$NBT" -r "$cap" --replay=2
ui_wait 'pkts [0-9] ' 3
ui_screen | grep -q '| EOF' && nbt_fail "replay showed the end at once"
ui_screen | grep -q 'STALLED' && nbt_fail "replay stalled before the evidence"
all=$("$NBT" -r "$cap" | sed -n 's/.*frames 1-\([0-9]*\),.*/\1/p')
ui_wait "pkts $all .*\\| EOF" 12
ui_screen | grep -q 'STALLED tftp-no-respons' || nbt_fail "replay should end stalled"
ui_keys p
ui_wait 'PAUSED'
ui_keys q
ui_check_restored
echo ok
