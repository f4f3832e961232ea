#!/bin/bash
# summary: the screen on a live capture in the lab: `netboot-trace -i br0` (UI, -Z nobody) in
# the lab's server namespace while a clean Pi 4 boot plays; the client's row must move through
# its stages (several different stage bars while it runs) and end on `booted`, and `q` must
# leave the terminal restored. Skips (77) without root, namespaces, tmux or the lab's programs.
set -u
. "$NBT_SRC/tests/sh/lib.sh"
. "$NBT_SRC/tests/sh/ui_tmux.sh"
LAB=$NBT_SRC/tests/lab
# shellcheck source=/dev/null
. "$LAB/can-run.sh"
why=$(lab_unavailable) && nbt_skip "$why"

sync=$NBT_TMP/sync
mkdir -p "$sync"
# On any exit: let the lab tear down, and show its log when the test failed.
lab_done() {
	local rc=$?
	touch "$sync/done"
	[ "$rc" -eq 0 ] || tail -n 30 "$NBT_TMP/lab.log" "$NBT_TMP/stderr" 2>/dev/null
	wait 2>/dev/null
	ui_cleanup
}
trap lab_done EXIT
export LAB sync
# The lab runs in its own shell (its cleanup trap is its own): it builds the namespaces,
# says which is the server's, waits for the screen to be up, plays the boot, then waits for
# the test to finish reading the screen before tearing everything down.
timeout -k 5 120 bash -c '
	. "$LAB/lib.sh"; . "$LAB/scenarios.sh"
	LAB_PFX=nbtuil-$$; LAB_SRV=$LAB_PFX-srv
	lab_init
	CAP=$LAB_TMP/cap; mkdir -p "$CAP"
	echo "$LAB_SRV" >"$sync/ns"
	for i in $(seq 1 200); do [ -e "$sync/go" ] && break; sleep 0.1; done
	scn_pi4_clean_nfs3 || die "scenario failed"
	lab_capture_stop
	touch "$sync/played"
	for i in $(seq 1 400); do [ -e "$sync/done" ] && break; sleep 0.1; done
' >"$NBT_TMP/lab.log" 2>&1 &
lab=$!
for i in $(seq 1 200); do [ -s "$sync/ns" ] && break; sleep 0.1; done
[ -s "$sync/ns" ] || { cat "$NBT_TMP/lab.log"; nbt_fail "the lab did not start"; }
ns=$(cat "$sync/ns")

ui_start 100 30 ip netns exec "$ns" "$NBT" -i br0 -Z nobody
ui_wait "br0 .*pkts" 10
touch "$sync/go"
# Sample the client's row while the boot plays: its stage bar and verdict columns.
: >"$NBT_TMP/rows"
for i in $(seq 1 600); do
	ui_screen | grep -E '^ *dc:a6:32:79:26:df ' >>"$NBT_TMP/rows"
	[ -e "$sync/played" ] && break
	sleep 0.1
done
[ -e "$sync/played" ] || { cat "$NBT_TMP/lab.log"; nbt_fail "the boot did not finish"; }
ui_wait '^ *dc:a6:32:79:26:df .* booted' 15
ui_screen | grep -E '^ *dc:a6:32:79:26:df ' >>"$NBT_TMP/rows"
states=$(awk '{print $4, $5}' "$NBT_TMP/rows" | sort -u)
echo "row states seen:"
echo "$states" | sed 's/^/    /'
[ "$(echo "$states" | grep -vc booted)" -ge 2 ] ||
	nbt_fail "the client did not move through stages on screen (fewer than 2 states before booted)"
ui_keys q
ui_check_restored
touch "$sync/done"
wait "$lab" || { cat "$NBT_TMP/lab.log"; nbt_fail "lab run failed"; }
echo "ok: live screen followed the boot to booted"
