#!/bin/bash
# summary: live capture in the capture lab: `netboot-trace -i br0` runs in the server namespace
# (default filter, -Z nobody, -w, --json) while a lab scenario plays; its report must give the
# same clients, verdicts, stalls and exit code as the offline analysis of the lab's own tcpdump
# capture of the same run. Also checks the process runs as nobody after opening the capture, that
# the filter was widened to the mountd port after that (a SYN to it was saved, which the default
# filter alone drops), and that the JSON carries the kernel drop counter. Skips (77) without root,
# network namespaces or the lab's programs.
set -u
SRC=${NBT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LAB=$SRC/tests/lab
NBT=${NBT:?NBT must name the netboot-trace binary}

# shellcheck source=/dev/null
. "$LAB/can-run.sh" # skip, fail, lab_unavailable
why=$(lab_unavailable rpcinfo tshark capinfos) && skip "$why"
id nobody >/dev/null 2>&1 || skip "no user nobody"

out=$(mktemp -d /tmp/nbt-livetest.XXXXXX) || fail "mktemp"
chmod 755 "$out"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$out"' EXIT
NOBODY=$(id -u nobody)
export LAB NBT NOBODY

# live_run SCENARIO DIR: plays SCENARIO in a fresh lab with netboot-trace capturing br0 live.
# Writes DIR/live.txt (report), DIR/live.rc, DIR/live.pcap (-w), DIR/live.json, DIR/uid (the
# Uid line of /proc/PID/status once the capture is open) and the lab's own capture.
live_run() (
	local name=$1 dir=$2 fn=${1//-/_} pid i
	# shellcheck source=/dev/null
	. "$LAB/lib.sh"
	# shellcheck source=/dev/null
	. "$LAB/scenarios.sh"
	# Own namespace names: test_lab_quick counts nbtlab-* namespaces left behind and may run
	# at the same time.
	LAB_PFX=nbtlive-$$
	LAB_SRV=$LAB_PFX-srv
	lab_init
	CAP=$LAB_TMP/cap
	mkdir -p "$CAP"
	ip netns exec "$LAB_SRV" "$NBT" -i br0 --summary -Z nobody -w "$dir/live.pcap" \
		--json "$dir/live.json" >"$dir/live.txt" 2>"$dir/live.err" &
	pid=$!
	lab_track "$pid"
	# Open, and no longer root: the credentials say so (ip netns exec execs, same pid).
	for i in $(seq 1 30); do
		grep -q "^Uid:[[:space:]]*${NOBODY}[[:space:]]" "/proc/$pid/status" 2>/dev/null && break
		sleep 0.1
	done
	grep -E '^(Uid|Gid):' "/proc/$pid/status" >"$dir/uid" 2>/dev/null
	"scn_$fn" || die "scenario $name failed"
	lab_capture_stop
	if [ "$name" = pi4-clean-nfs3 ]; then
		# Connections at leisure, after the scenario: to mountd's port (learned from GETPORT,
		# so the widened filter keeps its SYN whatever the timing of the boot was) and to a
		# port nobody announced (its SYN must stay out).
		for i in 20048 20049; do
			lab_ns "$(lab_cns pi)" timeout 3 bash -c "exec 3<>/dev/tcp/$LAB_SRV_IP/$i" 2>/dev/null
		done
		sleep 0.5
	fi
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	echo $? >"$dir/live.rc"
	lab_untrack "$pid"
	cp "$CAP"/* "$dir/"
)

# The lines that carry the judgement: clients, verdicts, stalls (frame numbers differ: the
# live capture started earlier and kept only what its filter let through).
verdicts() { grep -E '^client |^ +verdict |^ +stall ' "$1" | sed -E 's/#[0-9]+/#N/g'; }

check_scenario() {
	local name=$1 file=$2 dir=$out/$1 rc
	mkdir -p "$dir"
	chmod 755 "$dir"
	start=$(date +%s)
	timeout -k 5 75 bash -c "$(declare -f live_run); live_run $name $dir" >"$dir/lab.log" 2>&1 ||
		{
			cat "$dir/lab.log" "$dir/live.err" 2>/dev/null
			fail "$name: lab run failed"
		}
	echo "$name: lab run in $(($(date +%s) - start))s"
	[ -s "$dir/$file" ] || fail "$name: the lab wrote no capture"
	grep -q "^Uid:[[:space:]]*${NOBODY}[[:space:]]*${NOBODY}[[:space:]]*${NOBODY}[[:space:]]*$NOBODY\$" "$dir/uid" ||
		fail "$name: netboot-trace did not run as nobody after opening the capture: $(tr '\n' ' ' <"$dir/uid")"
	[ -s "$dir/live.txt" ] || {
		cat "$dir/live.err"
		fail "$name: no live report"
	}
	"$NBT" -r "$dir/$file" --summary >"$dir/offline.txt" 2>"$dir/offline.err"
	rc=$?
	diff <(verdicts "$dir/offline.txt") <(verdicts "$dir/live.txt") >"$dir/diff" || {
		cat "$dir/diff" "$dir/live.err"
		fail "$name: the live report differs from the offline one"
	}
	[ "$(verdicts "$dir/live.txt" | grep -c verdict)" -ge 1 ] || fail "$name: no verdict in the live report"
	[ "$(cat "$dir/live.rc")" = "$rc" ] ||
		fail "$name: live exit $(cat "$dir/live.rc"), offline exit $rc"
	# -w saved what was captured, readable; --json has the kernel drop counter (0 here).
	[ "$(capinfos -c -M "$dir/live.pcap" | awk -F': *' '/Number of packets/ {print $2}')" -ge 10 ] ||
		fail "$name: -w saved too few packets"
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
def find(o):
    if isinstance(o, dict):
        if "dropped" in o and "live" in o: return o
        for v in o.values():
            r = find(v)
            if r is not None: return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None: return r
c = find(d)
sys.exit(0 if c and c["live"] is True and isinstance(c["dropped"], int) else 1)' "$dir/live.json" ||
		fail "$name: the JSON report has no kernel drop counter for the live capture"
	echo "$name: live and offline agree: $(verdicts "$dir/live.txt" | grep verdict | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
}

check_scenario pi4-clean-nfs3 pi4-clean-nfs3.pcap
# The filter was widened to mountd's port (learned from GETPORT) while running as nobody: the
# default filter alone keeps no SYN to 20048, the widened one does; 20049 was never announced.
syns() { tcpdump -nr "$out/pi4-clean-nfs3/live.pcap" "tcp dst port $1 and tcp[13] & 2 != 0" 2>/dev/null | wc -l; }
[ "$(syns 20048)" -ge 1 ] || fail "no SYN to port 20048 in the live capture: the filter was not widened"
[ "$(syns 20049)" = 0 ] || fail "a SYN to port 20049 was captured: the filter lets unrelated traffic in"
[ "$(tcpdump -nr "$out/pi4-clean-nfs3/pi4-clean-nfs3.pcap" 'tcp dst port 20049' 2>/dev/null | wc -l)" = 0 ] ||
	fail "the lab's own capture saw the 20049 probe: it ran before the lab capture stopped"
grep -q 'cannot widen' "$out/pi4-clean-nfs3/live.err" && fail "widening failed: $(cat "$out/pi4-clean-nfs3/live.err")"
check_scenario pi4-tftp-port-unreachable pi4-tftp-port-unreachable.pcap
echo "PASS"
