#!/bin/bash
# summary: the interactive UI in a tmux pane over lab captures: the stalled client is listed first
# with its code, its timeline shows the files and the stall, the detail the hint and the offer;
# navigation, filter, help, resizes (80x24, 60x20, 120x40) and q restoring the terminal.
set -u
. "$NBT_SRC/tests/sh/lib.sh"
. "$NBT_SRC/tests/sh/ui_tmux.sh"
cap=$NBT_SRC/captures
[ -f "$cap/multi-pi-interleaved.pcap" ] && [ -f "$cap/pi4-dtb-missing.pcap" ] ||
	nbt_skip "lab captures missing"
# Five booting Pis plus one Pi 4 (MAC renamed) whose dtb is missing.
ui_merge "$NBT_TMP/six.pcap" "$cap/multi-pi-interleaved.pcap" "$cap/pi4-dtb-missing.pcap" \
	dc:a6:32:00:00:99

ui_start 80 24 "$NBT" -r "$NBT_TMP/six.pcap"
ui_wait '\| EOF'
s=$(ui_screen)
# Line 1 status bar, line 2 column header, line 3 the first client: the stalled one.
echo "$s" | sed -n 1p | grep -q 'pkts 1139 .*clients 6' || nbt_fail "status bar: $(echo "$s" | sed -n 1p)"
echo "$s" | sed -n 2p | grep -q 'CLIENT .*STAGES VERDICT CODE' || nbt_fail "no list header"
row=$(echo "$s" | sed -n 3p)
echo "$row" | grep -Eq '^ dc:a6:32:00:00:99 Pi4 +10\.99\.0\.122 +DFX\.\.\. STALLED tftp-file-not-f' ||
	nbt_fail "first row is not the stalled client with its code: '$row'"
[ "$(echo "$s" | grep -c 'booted')" -eq 5 ] || nbt_fail "five booted clients expected"
echo "$s" | grep -q 'Timeline - attempt 1 of 1 .*KERNELX' || nbt_fail "timeline title/stage bar"
echo "$s" | grep -q 'tftp-kernel .*<-- stall' || nbt_fail "stalled stage not marked"
echo "$s" | grep -Eq '38c128c0/start4.elf +\[#{10}\] 9000/9000 +done' ||
	nbt_fail "timeline lacks start4.elf with its full progress bar"
echo "$s" | grep -q 'stall tftp-file-not-found (tftp-kernel)' || nbt_fail "detail finding"
[ "$(echo "$s" | wc -l)" -eq 24 ] || nbt_fail "screen is not 24 lines"
echo "$s" | tail -n 1 | grep -q 'F1/? Help .*q Quit' || nbt_fail "function bar not on the last line"

# The timeline pane: Tab focuses it, End shows the stall marker under the dtb's ERROR.
ui_keys Tab End
s=$(ui_screen)
echo "$s" | grep -Eq '^!.*#62 +tftp-kernel +ERROR 1 for 38c128c0/bcm2711-rpi-4-b.dtb' ||
	nbt_fail "evidence frame not marked in the timeline"
echo "$s" | grep -q '^\^\^\^ STALL here: tftp-file-not-found (tftp-kernel)' ||
	nbt_fail "no stall marker"
# The detail pane: hint and the offer next to what a Pi needs.
ui_keys Tab End
s=$(ui_screen)
echo "$s" | grep -q '43 vendor  Raspberry Pi Boot #6 .*| "Raspberry Pi Boot" PXE menu' ||
	nbt_fail "detail: option 43 line"
echo "$s" | grep -q '66 tftp    10.99.0.1 ' || nbt_fail "detail: option 66"
ui_keys Home
ui_wait 'hint: put bcm2711-rpi-4-b.dtb in <tftp-root>/38c128c0/'

# Back to the list; j selects the next client (a booted Pi 3) and the timeline follows.
ui_keys Tab j
ui_wait 'Diagnosis: booted'
ui_screen | grep -q 'nfs-root .*24 events' || nbt_fail "the Pi 3's stages"
ui_keys Tab PPage NPage
ui_wait 'bootcode.bin +\[#{10}\] 6000/\? +done'
ui_keys BTab BTab
# Sort by name: the b8:27:eb Pi 3s come first.
ui_keys s
ui_screen | sed -n 3p | grep -q '^ b8:27:eb:00:00:01' || nbt_fail "sort by name"
ui_keys s
# Filter: only the Pi 4s.
ui_keys / d c : a 6 Enter
s=$(ui_screen)
[ "$(echo "$s" | grep -c '^ dc:a6')" -eq 3 ] && ! echo "$s" | grep -q '^ b8:27' ||
	nbt_fail "filter dc:a6 should leave the 3 Pi 4s"
ui_keys / Escape
[ "$(ui_screen | grep -c '^ b8:27')" -eq 3 ] || nbt_fail "Esc did not clear the filter"

# Help opens on ? and F1 and closes on any key.
ui_keys '?'
ui_wait 'Press any key to return'
ui_screen | grep -q 'D=firmware DHCP' || nbt_fail "help lacks the stage legend"
ui_keys x
ui_gone 'Press any key'
ui_keys F1
ui_wait 'Press any key to return'
ui_keys Escape
ui_gone 'Press any key'

# Resizes: everything fits, bars on the first and last lines, the stalled client still first.
for size in 120x40 60x20 80x24; do
	w=${size%x*} h=${size#*x}
	ui_tmux resize-window -x "$w" -y "$h"
	sleep 0.5
	s=$(ui_screen)
	[ "$(echo "$s" | wc -l)" -eq "$h" ] || nbt_fail "$size: not $h lines"
	long=$(echo "$s" | awk -v w="$w" 'length($0) > w')
	[ -z "$long" ] || nbt_fail "$size: lines wider than the screen: $long"
	echo "$s" | sed -n 1p | grep -q 'clients 6' || nbt_fail "$size: status bar"
	echo "$s" | sed -n 3p | grep -q '^ dc:a6:32:00:00:99 .*STALLED' || nbt_fail "$size: first row"
	echo "$s" | tail -n 1 | grep -q 'F1/? Help' || nbt_fail "$size: function bar"
	[ "$(echo "$s" | grep -c 'CLIENT ')" -eq 1 ] || nbt_fail "$size: header not exactly once"
done
# Wide: the full code and the serial column.
ui_tmux resize-window -x 120 -y 40
sleep 0.5
ui_screen | sed -n 3p | grep -q 'dc:a6:32:00:00:99 Pi4     38c128c0 10.99.0.122 .*STALLED tftp-file-not-found' ||
	nbt_fail "120 columns: row 3 is $(ui_screen | sed -n 3p)"

# c hides the finished clients (all six here): an empty list, the status bar still counts them.
ui_keys c
s=$(ui_screen)
echo "$s" | grep -Eq '^ (dc:a6|b8:27)' && nbt_fail "c left finished clients listed"
echo "$s" | grep -q 'no client' || nbt_fail "empty list should say no client"
echo "$s" | sed -n 1p | grep -q 'clients 6' || nbt_fail "status bar after c"

ui_keys q
ui_check_restored
ui_screen | grep -q 'EXIT=1' || nbt_fail "exit status should be 1 (a client stalled): $(ui_screen | grep EXIT)"
[ ! -s "$NBT_TMP/stderr" ] || nbt_fail "stderr: $(cat "$NBT_TMP/stderr")"

# More clients than the default table (256), with --max-clients: every one can be listed. 300
# PXE DISCOVERs from 02:00:00:00:01:00 .. 02:00:00:00:02:2b (a laptop's DHCP, last, is not one).
python3 - "$NBT_TMP/many.pcap" <<'PY'
import struct, sys
def frame(mac, vendor):
    opts = b"\x35\x01\x01" + (b"\x3c" + bytes([len(vendor)]) + vendor if vendor else b"") + b"\xff"
    boot = bytes([1, 1, 6, 0]) + struct.pack(">I", 0x1000 + mac[5]) + bytes(20) + mac + bytes(10 + 192)
    udp = struct.pack(">HHHH", 68, 67, 8 + len(boot) + 4 + len(opts), 0) + boot + b"\x63\x82\x53\x63" + opts
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes(4), b"\xff" * 4)
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp
out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)]
macs = [bytes([2, 0, 0, 0, (256 + i) >> 8, (256 + i) & 255]) for i in range(300)]
frames = [frame(m, b"PXEClient:Arch:00000:UNDI:002001") for m in macs]
frames.append(frame(bytes([2, 0, 0, 0, 9, 9]), b""))
for i, f in enumerate(frames):
    out.append(struct.pack("<IIII", 1000 + i // 100, (i % 100) * 1000, len(f), len(f)) + f)
open(sys.argv[1], "wb").write(b"".join(out))
PY
ui_start 80 24 "$NBT" -r "$NBT_TMP/many.pcap" --max-clients 400
ui_wait '\| EOF'
ui_screen | sed -n 1p | grep -q 'clients 300 ' || nbt_fail "300 clients: $(ui_screen | sed -n 1p)"
# Sorted by name, the last row is the 300th client; the laptop is not listed even when sought.
ui_keys s End
ui_wait '^ 02:00:00:00:02:2b ' 3
ui_keys / 0 9 : 0 9 Enter
ui_wait 'no client' 3
ui_keys q
ui_check_restored
echo "ok"
