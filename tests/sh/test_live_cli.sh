#!/bin/bash
# summary: live capture options in a private network namespace: root drops to nobody by default
# once the capture is open, -Z root keeps root; -i any captures through the default filter (DHCP
# kept, mDNS dropped) and SIGTERM ends it with the report and the JSON drop counter; -D lists
# interfaces like tcpdump -D; an unknown interface is exit 2. Skips (77) without root or netns.
set -u
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || nbt_skip "live capture needs root"
nbt_need python3
id nobody >/dev/null 2>&1 || nbt_skip "no user nobody"
ns=nbtlive-$$
ip netns add "$ns" 2>/dev/null || nbt_skip "cannot create a network namespace here"
trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$NBT_TMP"' EXIT
ip netns exec "$ns" ip link set lo up
chmod 755 "$NBT_TMP"
NOBODY=$(id -u nobody)

# start ARGS...: netboot-trace in the namespace, in the background; $pid, output in $NBT_TMP/o.*
start() {
	ip netns exec "$ns" "$NBT" "$@" >"$NBT_TMP/o.out" 2>"$NBT_TMP/o.err" &
	pid=$!
	for _ in $(seq 1 30); do
		[ -r "/proc/$pid/status" ] && grep -q '^Uid:' "/proc/$pid/status" && [ "$(readlink "/proc/$pid/exe")" != "$(command -v ip)" ] && break
		sleep 0.1
	done
	sleep 0.5
	kill -0 "$pid" 2>/dev/null || nbt_fail "netboot-trace $* did not keep running: $(cat "$NBT_TMP/o.err")"
}
uids() { awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status"; }
# wait_uids WANT: opening a live capture (a 128 MiB ring, under sanitizers) can take a while;
# the drop happens right after it, so wait up to 10 s for the credentials to say WANT.
wait_uids() {
	for _ in $(seq 1 100); do
		[ "$(uids)" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
stop() {
	kill -"${1:-INT}" "$pid"
	for _ in $(seq 1 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && {
		kill -KILL "$pid"
		nbt_fail "netboot-trace did not end within 3 s of SIG${1:-INT}"
	}
	wait "$pid"
	rc=$?
}

# 1. Default: root becomes nobody after opening the capture.
start -i lo --summary
wait_uids "$NOBODY $NOBODY $NOBODY $NOBODY" || nbt_fail "default: Uid is '$(uids)', not nobody"
grep -q "^Groups:[[:space:]]*$" "/proc/$pid/status" ||
	grep -q "^Groups:[[:space:]]*$(id -g nobody)[[:space:]]*$" "/proc/$pid/status" ||
	nbt_fail "default: supplementary groups kept: $(grep Groups "/proc/$pid/status")"
stop INT
[ "$rc" = 0 ] || nbt_fail "SIGINT on a quiet live capture: exit $rc ($(cat "$NBT_TMP/o.err"))"
grep -q 'boot report' "$NBT_TMP/o.out" || nbt_fail "no report after SIGINT"
echo "ok: default drops root to nobody; SIGINT ends with the report"

# 2. -Z root keeps root.
start -i lo -Z root --summary
[ "$(uids)" = "0 0 0 0" ] || nbt_fail "-Z root: Uid is '$(uids)'"
stop INT
echo "ok: -Z root keeps root"

# 3. -i any through the default filter: DHCP to port 67 kept, mDNS dropped; SIGTERM ends it
#    cleanly with the counters and the JSON report carrying the kernel drop counter.
start -i any --stats --json "$NBT_TMP/any.json"
ip netns exec "$ns" python3 - <<'EOF'
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
for i in range(3):
    s.sendto(b"\x01" + b"\x00" * 299, ("127.0.0.1", 67))  # BOOTREQUEST-like
for i in range(5):
    s.sendto(b"\x00\x00\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00", ("127.0.0.1", 5353))
time.sleep(0.5)
EOF
stop TERM
[ "$rc" = 0 ] || nbt_fail "-i any: exit $rc after SIGTERM ($(cat "$NBT_TMP/o.err"))"
udp=$(awk '$1 == "udp" {print $2}' "$NBT_TMP/o.out")
icmp=$(awk '$1 == "icmp" {print $2}' "$NBT_TMP/o.out")
# lo shows each datagram once or twice (out and in) on "any": 3 or 6 DHCP, never the mDNS.
# Nothing listens, so each datagram also draws an ICMP port unreachable, which is kept.
case "$udp" in
3 | 6) ;;
*) nbt_fail "-i any: udp=$udp, expected the 3 DHCP datagrams only (x1 or x2)" ;;
esac
[ "$icmp" -ge 8 ] || nbt_fail "-i any: $icmp ICMP frames, expected the 8 port unreachables"
python3 -c 'import json,sys
c=json.load(open(sys.argv[1]))["capture"]
assert c["live"] is True and c["dropped"] == 0 and c["link_type"], c' "$NBT_TMP/any.json" ||
	nbt_fail "-i any: the JSON report has no live capture with dropped=0"
echo "ok: -i any keeps DHCP, drops mDNS, SIGTERM ends cleanly, JSON dropped=0"

# 4. -D lists what tcpdump -D lists; an unknown interface is a clean error.
ip netns exec "$ns" "$NBT" -D >"$NBT_TMP/D.out" 2>&1 || nbt_fail "-D failed: $(cat "$NBT_TMP/D.out")"
grep -Eq '^[0-9]+\.lo \[' "$NBT_TMP/D.out" || nbt_fail "-D: no lo line: $(cat "$NBT_TMP/D.out")"
grep -Eq '^[0-9]+\.any ' "$NBT_TMP/D.out" || nbt_fail "-D: no any line"
if command -v tcpdump >/dev/null; then
	diff <(ip netns exec "$ns" tcpdump -D 2>/dev/null) "$NBT_TMP/D.out" ||
		nbt_fail "-D differs from tcpdump -D"
fi
ip netns exec "$ns" "$NBT" -i nbt-no-such0 >/dev/null 2>"$NBT_TMP/e.err"
rc=$?
[ "$rc" = 2 ] || nbt_fail "unknown interface: exit $rc, expected 2"
grep -q 'nbt-no-such0' "$NBT_TMP/e.err" || nbt_fail "unknown interface: not named: $(cat "$NBT_TMP/e.err")"
echo "ok: -D and an unknown interface"
echo PASS
