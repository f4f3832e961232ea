#!/usr/bin/env bash
# summary: a stall capture replayed live (tcpreplay at its recorded pace into a veth pair in a
# network namespace made here) is judged as it happens: the --events "state" line says stalled at
# the moment the Pi's third unanswered RRQ arrives (as in the file), and the --json written when
# the capture stops says the same; with the UI in tmux, the screen shows STALLED and the --json
# written after `q` matches the screen. Skips (77) without root, network namespaces or tcpreplay.
set -u
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || nbt_skip "needs root (network namespaces)"
nbt_need ip tcpreplay python3 tmux
cap=$NBT_SRC/captures/pi4-tftp-silent.pcap
nbt_need_file "$cap"
ns=nbtrep-$$
tx=nbr$$t
rx=nbr$$r
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "${UI_SOCK:-}" ] && tmux -S "$UI_SOCK" kill-server 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
# Job control: a background job of a script otherwise starts with SIGINT ignored.
set -m
inns() { ip netns exec "$ns" "$@"; }
ip netns add "$ns" || nbt_skip "cannot create a network namespace here"
inns ip link add "$tx" type veth peer name "$rx"
inns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for i in "$tx" "$rx" lo; do
	inns ip link set "$i" up
done

# When, in the capture itself, the Pi's first DISCOVER and its third RRQ for start4.elf came.
want=$(python3 - "$cap" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb"); f.read(24); ts = []
while True:
    h = f.read(16)
    if len(h) < 16:
        break
    s, us, n, _ = struct.unpack("<IIII", h); f.read(n); ts.append(s + us / 1e6)
print("%.3f" % (ts[22] - ts[2]))  # frames 3 (DISCOVER) and 23 (third RRQ)
PY
)

# 1. Headless: events and JSON.
# Not through a shell function: $! must be the process the signal is for (ip execs it).
ip netns exec "$ns" "$NBT" -i "$rx" --no-ui -Z root --events "$NBT_TMP/ev" \
	--json "$NBT_TMP/final.json" >"$NBT_TMP/out" 2>"$NBT_TMP/err" &
pid=$!
pids+=("$pid")
sleep 2
kill -0 "$pid" 2>/dev/null || nbt_fail "netboot-trace -i did not start: $(cat "$NBT_TMP/err")"
inns tcpreplay -q -i "$tx" "$cap" >/dev/null 2>&1 || nbt_fail "tcpreplay failed"
sleep 2
kill -INT "$pid"
wait "$pid"
python3 - "$NBT_TMP/ev" "$NBT_TMP/final.json" "$want" <<'PY' || fail "live events and JSON"
import json, sys
from datetime import datetime
ev = [json.loads(l) for l in open(sys.argv[1])]
rep = json.load(open(sys.argv[2]))
want = float(sys.argv[3])
t = lambda e: datetime.strptime(e["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
mac = "dc:a6:32:79:26:df"
mine = [e for e in ev if e["client"] == mac]
disc = next(e for e in mine if e["event_type"] == "dhcp-discover")
st = [e for e in mine if e["event_type"] == "state"]
stalled = [e for e in st if e["state"] == "stalled"]
assert stalled and stalled[0]["code"] == "tftp-no-response", st
got = t(stalled[0]) - t(disc)
assert abs(got - want) < 0.5, ("stalled %.3f s after the DISCOVER, the file says %.3f" % (got, want))
assert st[-1]["state"] == "stalled", st[-1]
c = [c for c in rep["clients"] if c["mac"] == mac][0]
assert rep["capture"]["live"] is True
assert c["state"] == "stalled" and c["stall"]["code"] == "tftp-no-response", c["state"]
verdict = [e for e in mine if e["event_type"] == "verdict"][-1]
assert verdict["state"] == c["state"] and verdict["code"] == c["stall"]["code"], verdict
print("live: stalled %.3f s after the DISCOVER (file: %.3f s), JSON agrees" % (got, want))
PY

# 2. Idle time counts live: the first 18 frames end with one RRQ unanswered (waiting); with a
# 2 s file timeout the stall must come from the clock alone, after the last packet.
python3 "$NBT_SRC/tests/sh/pcap_head.py" "$cap" "$NBT_TMP/head18.pcap" 18
ip netns exec "$ns" "$NBT" -i "$rx" --no-ui -Z root --timeout tftp-file=2 --events "$NBT_TMP/ev2" \
	>/dev/null 2>"$NBT_TMP/err2" &
pid=$!
pids+=("$pid")
sleep 2
inns tcpreplay -q -i "$tx" "$NBT_TMP/head18.pcap" >/dev/null 2>&1 || nbt_fail "tcpreplay failed"
sleep 4
kill -INT "$pid"
wait "$pid"
python3 - "$NBT_TMP/ev2" <<'PY' || fail "idle clock: no stall without a packet"
import json, sys
from datetime import datetime
ev = [json.loads(l) for l in open(sys.argv[1])]
t = lambda e: datetime.strptime(e["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
pkts = [e for e in ev if e["event_type"] not in ("state", "verdict")]
st = [e for e in ev if e["event_type"] == "state" and e["state"] == "stalled"]
assert st and st[0]["code"] == "tftp-no-response", [e for e in ev if e["event_type"] == "state"]
assert t(st[0]) > t(pkts[-1]) + 1.5, "stalled at a packet, not by the clock"
PY

# 3. The UI: the screen says STALLED, and the JSON written after q says what the screen said.
. "$NBT_SRC/tests/sh/ui_tmux.sh"
export NBT rx ns NBT_TMP
ui_start 100 30 ip netns exec "$ns" "$NBT" -i "$rx" -Z root --json "$NBT_TMP/ui.json"
ui_wait "$rx" 5
inns tcpreplay -q -i "$tx" "$cap" >/dev/null 2>&1 || nbt_fail "tcpreplay failed (UI)"
ui_wait 'STALLED tftp-no-respons' 5
row=$(ui_screen | grep -m1 'STALLED')
ui_keys q
ui_wait 'EXIT=' 5
python3 - "$NBT_TMP/ui.json" "$row" <<'PY' || fail "UI: the JSON after q differs from the screen"
import json, sys
rep = json.load(open(sys.argv[1]))
c = [c for c in rep["clients"] if c["mac"] == "dc:a6:32:79:26:df"][0]
row = sys.argv[2]
assert c["state"] == "stalled" and "STALLED" in row, (c["state"], row)
assert c["stall"]["code"].startswith("tftp-no-respons") and "tftp-no-respons" in row, row
PY
echo "$fails failures"
[ "$fails" -eq 0 ]
