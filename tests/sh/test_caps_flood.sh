#!/usr/bin/env bash
# summary: adversarial captures flood every table cap (fragments, clients, flows, expectations,
# TCP out-of-order windows, RPC xids, timeline, attempts): each run finishes, stays under a fixed
# peak-RSS bound, and --stats / the boot report name the cap that was hit.
#
# The captures come from capsflood.py (see its header) into the temp dir at test time.
# The peak RSS (/usr/bin/time %M) of every run is printed, to be quoted when a cap or a table
# changes.  (capsflood.py --scale makes smaller captures by hand; the checks need full size.)
set -u
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
[ -x /usr/bin/time ] || nbt_skip "/usr/bin/time (package time) is not installed"
# ASan keeps freed blocks in a 256 MiB quarantine by default: that is ASan's memory, not the
# tool's, and a flood that churns buffers would fill it.  16 MiB keeps use-after-free
# detection and lets the bound below measure netboot-trace.  (Ignored by non-ASan builds.)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"

hdr="$NBT_SRC/include/nbt/exitcodes.h"
# The report's exit code may say a boot failed (1 in the 0/1/2 scheme): not an error.
ok_codes="0 $(sed -nE 's/^[[:space:]]*NBT_EXIT_FAIL[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$hdr")"
has_json=false
"$NBT" --help 2>&1 | grep -q -- '--json' && has_json=true

python3 "$here/capsflood.py" "$NBT_TMP" >"$NBT_TMP/gen.txt" ||
	nbt_fail "capsflood.py failed"
fails=0
bad() { echo "FAIL: $name: $*"; fails=$((fails + 1)); }
frames_of() { sed -nE "s/^$1 ([0-9]+) frames$/\1/p" "$NBT_TMP/gen.txt"; }
# stat NAME: the count of an `anomaly NAME N` line of --stats (0 when absent).
anom() { sed -nE "s/^anomaly $1 ([0-9]+)$/\1/p" "$NBT_TMP/out" | grep . || echo 0; }
# at_least WHAT VALUE MIN
at_least() { [ "$2" -ge "$3" ] || bad "$1 is $2, want >= $3"; }

# flood NAME MAX_RSS_MB || skip: runs --stats --summary (and --json FILE when the tool has it: the
# same document as --json -, in the same run) on NAME.pcap; checks exit code, stderr and
# peak RSS.  A watchdog kills the run past 300 s or
# past twice the bound, so a table that lost its cap fails the test without eating the machine.
flood() {
	name=$1
	local max_mb=$2 max_s=${3:-300} rss tpid child hwm start=$SECONDS killed='' json=()
	rm -f "$NBT_TMP/json"
	$has_json && json=(--json "$NBT_TMP/json")
	/usr/bin/time -f %M -o "$NBT_TMP/rss" "$NBT" -r "$NBT_TMP/$name.pcap" --stats --summary \
		"${json[@]}" >"$NBT_TMP/out" 2>"$NBT_TMP/err" &
	tpid=$!
	while kill -0 "$tpid" 2>/dev/null; do
		child=$(cat "/proc/$tpid/task/$tpid/children" 2>/dev/null)
		child=${child%% *}
		if [ -n "$child" ]; then
			hwm=$(sed -nE 's/^VmHWM:[[:space:]]+([0-9]+) kB/\1/p' "/proc/$child/status" 2>/dev/null)
			if [ "${hwm:-0}" -gt $((2 * max_mb * 1024)) ]; then
				killed="peak RSS past $((2 * max_mb)) MiB"
			elif [ $((SECONDS - start)) -gt "$max_s" ]; then
				killed="still running after $max_s s"
			fi
			[ -n "$killed" ] && kill "$child" 2>/dev/null
		fi
		sleep 0.2
	done
	wait "$tpid"
	rc=$?
	rss=$(tail -1 "$NBT_TMP/rss" | grep -E '^[0-9]+$' || echo 0)
	echo "$name: $(frames_of "$name") frames, exit $rc, peak RSS $((rss / 1024)) MiB" \
		"(bound $max_mb MiB)"
	if [ -n "$killed" ]; then
		bad "killed: $killed"
		return 1 # the output is incomplete: the caller skips its checks
	fi
	echo " $ok_codes " | grep -q " $rc " || bad "exit $rc"
	if [ -s "$NBT_TMP/err" ]; then
		bad "stderr:"
		sed 's/^/    /' "$NBT_TMP/err" | head -20
	fi
	[ "${rss:-0}" -le $((max_mb * 1024)) ] || bad "peak RSS $((rss / 1024)) MiB > $max_mb MiB"
	if $has_json; then
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$NBT_TMP/json" ||
			bad "--json output is not JSON"
	fi
}
# json_names CAP...: with --json, the document's "anomalies" object counts each cap too.
json_names() {
	$has_json || return 0
	python3 - "$NBT_TMP/json" "$@" <<'PY' || bad "--json anomalies do not count: $*"
import json, sys
anom = json.load(open(sys.argv[1])).get("anomalies") or {}
missing = [c for c in sys.argv[2:] if not isinstance(anom.get(c), int) or anom[c] < 1]
if missing:
    print("    --json anomalies: %s missing or 0" % " ".join(missing))
    sys.exit(1)
PY
}
# Caps as the sources define them, so the expected counts follow a change of cap.
cap_of() { sed -nE "s/.*$2[[:space:]=]+([0-9]+).*/\1/p" "$NBT_SRC/$1" | head -1; }
max_dgm=$(cap_of include/nbt/ipfrag.h '\.max_datagrams')
max_flows=$(cap_of include/nbt/flow.h '\.max_flows')
max_expect=$(cap_of include/nbt/flow.h '\.max_expect')
max_clients=$(cap_of include/nbt/client.h '#define CLIENT_MAX')
not_kept_max=$(cap_of include/nbt/client.h '#define CLIENT_NOT_KEPT_MAX')
rpc_xids=$(cap_of dissectors/rpc.c '#define RPC_XIDS')
rpc_xids_min=$(cap_of dissectors/rpc.c '#define RPC_XIDS_MIN')
rpc_spare=$(cap_of include/nbt/budget.h '#define NBT_BUDGET_RPC_SPARE')
ooo_windows=$(cap_of include/nbt/budget.h '#define NBT_BUDGET_OOO_WINDOWS')
for v in max_dgm max_flows max_expect max_clients not_kept_max rpc_xids rpc_xids_min rpc_spare ooo_windows; do
	[ -n "${!v}" ] || nbt_fail "cannot read $v from the sources"
done

# Bounds: an ASan+UBSan build reading a tiny capture peaks at ~12 MiB (shadow memory, libpcap
# buffers); 16 MiB of quarantine on top.  Each capture floods one table; the bound is that
# table at its cap with ~2x for allocator headers and ASan redzones, rounded up.

# 1 M lone first fragments + one datagram in 200 pieces.  ipfrag holds <= 1024 datagrams and
# <= 4 MiB of payload (measured 36 MiB).  Without the cap: >= 1 M slots and buffers (GBs).
if flood frags 96; then
	n=$(frames_of frags)
	at_least cap-fragments "$(anom cap-fragments)" $((n - 200 - max_dgm))
	json_names cap-fragments
fi

# 100 k MACs (10 k of them with 8 attempts): 256 clients x 8 attempts x 54 KiB (160-entry
# timelines) = 110 MiB (measured 137 MiB without --json).  --json writes its document (12 MB
# of text here: 256 x 8 x 160 timeline entries) client by client, one client's json-c tree
# at a time (measured 164 MiB in all; 286 MiB when the whole tree was built first).  The
# report counts what it did not follow.
if flood dhcp 256; then
	grep -qE "capture-too-many-clients" "$NBT_TMP/out" || bad "report has no capture-too-many-clients"
	# "at least 65536 more machines past the table's 256 (--max-clients) were not followed
	# (N events)": 100 k MACs, so the count of machines stops at its own cap.
	line=$(grep -E 'more machines? past the table' "$NBT_TMP/out")
	machines=$(sed -nE 's/^ *(at least )?([0-9]+) more machine.*/\2/p' <<<"$line")
	dropped=$(sed -nE 's/.*\(([0-9]+) events\)$/\1/p' <<<"$line")
	at_least "events of clients not followed" "${dropped:-0}" $(($(frames_of dhcp) * 2 / 5 - max_clients))
	[ "${machines:-0}" -eq "$not_kept_max" ] && grep -q 'at least' <<<"$line" ||
		bad "machines not followed: '$line', want 'at least $not_kept_max'"
	[ "$(grep -c '^client ' "$NBT_TMP/out")" -le "$max_clients" ] || bad "more than $max_clients clients"
	at_least cap-clients "$(anom cap-clients)" "${dropped:-1}"
	if $has_json; then
		grep -q "capture-too-many-clients" "$NBT_TMP/json" || bad "--json has no capture-too-many-clients"
	fi
fi

# 200 k RRQs from distinct ports, every other one answered by a first DATA from a new port.
# A request holds no flow (only its expectation), so the 100 k unanswered ones cost 4096
# expectations and the 100 k answered ones 65536 flows x (flow 104 B + TFTP state 272 B)
# ~ 25 MiB before ASan (measured 81 MiB when every RRQ also held a flow).
if flood tftp 192; then
	n=$(frames_of tftp)
	rrqs=$((n * 2 / 3))
	at_least cap-flows "$(anom cap-flows)" $((rrqs / 2 - max_flows))
	at_least cap-expectations "$(anom cap-expectations)" $((rrqs / 2 - max_expect))
	[ "$(anom cap-flows)" -le $((rrqs / 2)) ] || bad "tftp: more flows evicted than replies: requests hold flows"
	grep -qE "more entries not kept" "$NBT_TMP/out" || bad "report does not say timeline entries were dropped"
	grep -qE "capture-table-full" "$NBT_TMP/out" || bad "report has no capture-table-full"
	json_names cap-flows cap-expectations cap-events
fi

# One NFS/TCP stream, 600 kB after a hole: one 320 KiB window (measured 12 MiB).
if flood tcpooo 64; then
	at_least cap-tcp-out-of-order "$(anom cap-tcp-out-of-order)" 1
	json_names cap-tcp-out-of-order
fi

# 5 k NFS/TCP flows, each with data past a hole: RPC xid rings of 8 calls (1.3 KiB) x 5 k =
# 7 MiB plus at most 128 windows of 320 KiB = 40 MiB (measured 29 MiB; 90 MiB when every
# flow held 64 call slots).  Without the window pool every stream holds its own window:
# ~500 MiB.
if flood tcpflows 96; then
	# Every flow past the pool is refused a window (3 segments each, counted once per segment).
	at_least cap-tcp-out-of-order "$(anom cap-tcp-out-of-order)" \
		$(($(frames_of tcpflows) / 4 - ooo_windows))
	json_names cap-tcp-out-of-order
fi

# 65,536 flows, each an RPC record announced at 64 KiB with 100 bytes sent: record buffers grow
# with the bytes that arrived and share one budget. Sized by the announcement it took 550 MiB
# (8 GiB of address space); now the flows and their small buffers.
if flood tcprecords 128; then
	[ "$(anom cap-flows)" -le "$(($(frames_of tcprecords) / 2))" ] || bad "more flows evicted than made"
fi

# Expectations that every packet used to walk (a hang guard, not a measurement: these take
# about a second; bench/floods measures them): 4096 RRQs from 0.0.0.0 then 1 M unrelated
# datagrams (walked 4096 slots each: 14 s in a release build), and 1 M unanswered RRQs from
# one client (each scanned the full table to evict: 28 s).
flood wildexpect 96 60 || true
if flood rrqs 192 60; then
	at_least cap-expectations "$(anom cap-expectations)" $(($(frames_of rrqs) - max_expect))
fi

# 100 k unanswered calls on one flow: 64 remembered, each later one forgets the oldest.
if flood rpc 64; then
	n=$(frames_of rpc)
	at_least cap-rpc-xids "$(anom cap-rpc-xids)" $((n - rpc_xids))
	grep -qE "RPC calls forgotten" "$NBT_TMP/out" || bad "report has no capture-table-full"
	json_names cap-rpc-xids
fi

# 6 k flows x 64 unanswered calls: rings grow (8 -> 64, 56 spare slots a flow) until the
# budget for all flows is spent; the flows after that forget all but their last 8 calls.
# 6 k x 8 + 262144 slots x ~170 B = ~52 MiB before ASan.  Without the budget every ring
# reaches 64 slots: 6 k x 10.7 KiB = 64 MiB here, 700 MiB at the flow cap (measured 101 MiB
# with ASan's redzones).
if flood rpcflows 192; then
	flows=$(($(frames_of rpcflows) / rpc_xids))
	grown=$((rpc_spare / (rpc_xids - rpc_xids_min)))
	at_least cap-rpc-xids "$(anom cap-rpc-xids)" $(((flows - grown - 1) * (rpc_xids - rpc_xids_min)))
	json_names cap-rpc-xids
fi

# One Pi, 20 attempts of 300 DHCP frames: 8 attempts kept, 160 entries each (measured 13 MiB).
if flood events 64; then
	grep -qE "attempts [0-9]+ \(the oldest not kept\)" "$NBT_TMP/out" ||
		bad "report does not say attempts were dropped"
	grep -qE "\([0-9]+ more entries not kept\)" "$NBT_TMP/out" ||
		bad "report does not say timeline entries were dropped"
	at_least cap-events "$(anom cap-events)" 1
	json_names cap-events
fi

echo "$fails failures"
[ "$fails" -eq 0 ]
