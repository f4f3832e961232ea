#!/usr/bin/env bash
# summary: CI exit codes: 0 every client reached the expected stage, 1 one did not (stalled,
# in-progress, unknown, missing), 2 usage or input errors; --expect, --expect-clients, --client;
# a truncated capture still gives a complete JSON report with an error entry.
set -u
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
C=$NBT_SRC/captures
[ -f "$C/pi4-clean-nfs3.pcap" ] || nbt_skip "captures/ absent"
T="" # default options: stalls are proven by the packets, not by short timeouts
fails=0
# want CODE ARGS...: runs netboot-trace with ARGS (summary to /dev/null) and checks the code.
want() {
	local code=$1
	shift
	"$NBT" "$@" >"$NBT_TMP/out" 2>"$NBT_TMP/err"
	local rc=$?
	if [ "$rc" -ne "$code" ]; then
		echo "FAIL: $* -> exit $rc, want $code"
		sed 's/^/    /' "$NBT_TMP/err" | head -5
		fails=$((fails + 1))
	fi
}
# Default (--expect booted): the verdict of every capture decides.
for c in pi4-clean-nfs3.pcap pi4-clean-nfs3.pcapng pi4-clean-nfs4.pcap pi3-clean.pcap \
	pi5-clean.pcap multi-pi-interleaved.pcap pi4-clean-nfs3-vlan10.pcap; do
	want 0 -r "$C/$c" $T
done
# handed-over (iPXE loaded its script; the rest is off this wire): tftp, not booted or kernel.
want 1 -r "$C/ipxe-pxe-boot.pcap" $T
want 0 -r "$C/ipxe-pxe-boot.pcap" $T --expect tftp
want 1 -r "$C/ipxe-pxe-boot.pcap" $T --expect kernel
# unknown (a router capture blind to the unicast) and a probe chain that found nothing give 1.
want 1 -r "$C/pi4-router-blind.pcap" $T
want 1 -r "$C/uboot-pxe-nothing-found.pcap" $T
for c in pi4-dtb-missing.pcap pi4-dhcp-nak.pcap pi4-dhcp-no-ack.pcap pi4-no-dhcp-server.pcap pi4-offer-no-opt43.pcap \
	pi4-nfs-export-denied.pcap pi4-tftp-silent.pcap pi4-transfer-stops-midfile.pcap \
	pi4-transfer-abandoned.pcap; do
	want 1 -r "$C/$c" $T
done
# in-progress (lossy capture ends before the kernel's DHCP) and unknown (snaplen 96) give 1.
want 1 -r "$C/pi4-lossy-tftp-recovers.pcap" $T
want 1 -r "$C/pi4-clean-nfs3-snaplen96.pcap" $T
# --expect: a weaker stage succeeds where booted did not.
want 0 -r "$C/pi4-lossy-tftp-recovers.pcap" $T --expect tftp
want 1 -r "$C/pi4-lossy-tftp-recovers.pcap" $T --expect kernel
want 0 -r "$C/pi4-dtb-missing.pcap" $T --expect tftp
want 0 -r "$C/pi4-dtb-missing.pcap" $T --expect dhcp
want 1 -r "$C/pi4-dtb-missing.pcap" $T --expect kernel
want 0 -r "$C/pi4-nfs-export-denied.pcap" $T --expect kernel
want 1 -r "$C/pi4-no-dhcp-server.pcap" $T --expect dhcp
# A laptop renewing its lease beside a booting Pi is no network boot: not judged, unless named
# (then it is a kernel DHCP with no NFS after it, which --timeout makes a stall).
want 0 -r "$C/pi4-beside-laptop.pcap" $T
want 0 -r "$C/pi4-beside-laptop.pcap" $T --expect-clients 1
want 1 -r "$C/pi4-beside-laptop.pcap" $T --expect-clients 2
want 1 -r "$C/pi4-beside-laptop.pcap" --timeout nfs=1 --client 02:00:0a:63:00:77
# --expect-clients and --client.
want 0 -r "$C/pi4-clean-nfs3.pcap" $T --expect-clients 1
want 1 -r "$C/pi4-clean-nfs3.pcap" $T --expect-clients 2
want 0 -r "$C/pi4-clean-nfs3.pcap" $T --client DC:A6:32:79:26:DF
want 0 -r "$C/pi4-clean-nfs3.pcap" $T --client 38c128c0
want 1 -r "$C/pi4-clean-nfs3.pcap" $T --client 02:00:00:00:00:99
want 0 -r "$C/pi4-clean-nfs3.pcap" $T --hosts "$NBT_SRC/tests/golden/hosts.txt" \
	--client "$(awk '!/^#/ && NF {print $1; exit}' "$NBT_SRC/tests/golden/hosts.txt")"
# --dump/--stats alone report no verdict: 0.
want 0 -r "$C/pi4-dtb-missing.pcap" --dump
# Usage and input errors: 2.
want 2 -r "$C/pi4-clean-nfs3.pcap" --expect nfs
want 2 -r "$C/pi4-clean-nfs3.pcap" --expect-clients many
want 2 -r - -w "$NBT_TMP/x.pcap" --client 38c128c0 </dev/null
want 2 -r "$C/pi4-clean-nfs3.pcap" --json - --events -
want 2 -r "$NBT_TMP/absent.pcap" --json "$NBT_TMP/absent.json"
python3 - "$NBT_TMP/absent.json" <<'PY' || { echo "FAIL: no-file JSON"; fails=$((fails + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["errors"][0]["kind"] == "no-file" and d["exit_code"] == 2 and d["clients"] == [], d
PY
# A capture cut mid-packet: the frames before the cut are reported, with an error entry.
head -c $(($(stat -c %s "$C/pi4-dtb-missing.pcap") - 30)) "$C/pi4-dtb-missing.pcap" >"$NBT_TMP/cut.pcap"
want 2 -r "$NBT_TMP/cut.pcap" $T --json "$NBT_TMP/cut.json"
grep -q "error (truncated)" "$NBT_TMP/err" || { echo "FAIL: truncated stderr line"; fails=$((fails + 1)); }
python3 "$here/validate_json.py" "$NBT_SRC/docs/netboot-trace.schema.json" report "$NBT_TMP/cut.json" >/dev/null ||
	{ echo "FAIL: truncated JSON not valid"; fails=$((fails + 1)); }
python3 - "$NBT_TMP/cut.json" <<'PY' || { echo "FAIL: truncated JSON content"; fails=$((fails + 1)); }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["exit_code"] == 2 and [e["kind"] for e in d["errors"]] == ["truncated"], d["errors"]
assert d["capture"]["packets"] == 61 and d["capture"]["last"]["frame"] == 61, d["capture"]
assert len(d["clients"]) == 1 and d["clients"][0]["attempts"][0]["tftp_files"], "clients missing"
PY
echo "$fails failures"
[ "$fails" -eq 0 ]
