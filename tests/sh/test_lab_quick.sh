#!/bin/bash
# summary: run one capture-lab scenario end to end (tests/lab) into a temp dir, validate the
# capture with tshark and check that no namespace or process was left behind. Skips (77) where
# the lab cannot run: not root, no network namespaces, a program missing.
set -u
SRC=${NBT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LAB=$SRC/tests/lab
SCENARIO=pi4-clean-nfs3

# shellcheck source=/dev/null
. "$LAB/can-run.sh" # skip, fail, lab_unavailable
why=$(lab_unavailable rpcinfo tshark capinfos) && skip "$why"
[ -x "$LAB/run-scenario" ] || fail "tests/lab/run-scenario missing or not executable"

out=$(mktemp -d /tmp/nbt-labtest.XXXXXX) || fail "mktemp"
trap 'rm -rf "$out"' EXIT
# Every process the lab starts inherits this variable: afterwards none may still carry it.
mark=nbtlabtest$$$RANDOM
before_ns=$(ip netns list | awk '/^nbtlab-/ {print $1}' | sort)

start=$(date +%s)
env NBTLAB_TEST_MARK="$mark" timeout -k 5 90 "$LAB/run-scenario" "$SCENARIO" "$out" >"$out/log" 2>&1
rc=$?
secs=$(($(date +%s) - start))
[ $rc -eq 0 ] || {
	cat "$out/log"
	fail "run-scenario $SCENARIO exited $rc after ${secs}s"
}
echo "run-scenario $SCENARIO: ok in ${secs}s"

# Leftovers: processes carrying the mark, namespaces that were not there before.
sleep 0.5
left=""
for e in /proc/[0-9]*/environ; do
	if { tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qx "NBTLAB_TEST_MARK=$mark"; then
		p=${e#/proc/}
		p=${p%/environ}
		left="$left $p($(cat "/proc/$p/comm" 2>/dev/null))"
	fi
done
[ -z "$left" ] || fail "processes left behind:$left"
after_ns=$(ip netns list | awk '/^nbtlab-/ {print $1}' | sort)
new_ns=$(comm -13 <(echo "$before_ns") <(echo "$after_ns") | tr '\n' ' ')
[ -z "${new_ns// /}" ] || fail "namespaces left behind: $new_ns"
ls /tmp/nbtlab.* >/dev/null 2>&1 && echo "note: /tmp/nbtlab.* exists (another lab may be running)"

# The capture, checked independently of the lab's own checks.
cap=$out/$SCENARIO.pcap
[ -s "$cap" ] || fail "no capture written"
count() { tshark -n -r "$cap" -Y "$1" -T fields -e frame.number 2>/dev/null | wc -l; }
[ "$(count 'dhcp.option.dhcp == 1 && dhcp.option.vendor_class_id contains "PXEClient"')" -ge 1 ] ||
	fail "no Pi firmware DISCOVER"
[ "$(count 'dhcp.option.dhcp == 5')" -ge 2 ] || fail "expected a firmware and a kernel DHCPACK"
[ "$(count 'tftp.opcode == 1 && tftp.source_file == "38c128c0/start4.elf"')" -ge 1 ] ||
	fail "no RRQ for 38c128c0/start4.elf"
[ "$(count 'tftp.opcode == 3')" -ge 20 ] || fail "too few TFTP DATA packets"
[ "$(count 'mount.procedure_v3 == 1 && rpc.msgtyp == 1 && mount.status == 0')" -ge 1 ] ||
	fail "no successful MNT reply"
[ "$(count 'nfs && rpc.msgtyp == 1')" -ge 1 ] || fail "no NFS reply"
echo "PASS: $(capinfos -c -M "$cap" | awk -F': *' '/Number of packets/ {print $2}') packets, lab cleaned up"
