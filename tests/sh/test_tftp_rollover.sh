#!/bin/bash
# summary: TFTP block numbers past 65535, from real software: the lab makes two ~40 MB captures
# of a Pi 5 (pisim) loading a 32 MiB + 300 byte kernel from tftpd-hpa at blksize 512, into a
# temporary folder (too big to keep in captures/), and the report must follow the rollover: the
# healthy one booted with the whole file and nothing wrong, the one whose client does not roll
# over (raspberrypi/rpi-eeprom#720) stalled at block 65535 with detail no-block-rollover.
# Skips (77) where the lab cannot run: not root, no network namespaces, a program missing.
set -u
. "$(dirname "$0")/lib.sh"
LAB=$NBT_SRC/tests/lab
# shellcheck source=/dev/null
. "$LAB/can-run.sh" # skip, fail, lab_unavailable (fail is redefined below)
why=$(lab_unavailable in.tftpd dnsmasq tshark capinfos) && nbt_skip "$why"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

out=$(mktemp -d /tmp/nbt-rollover.XXXXXX) || nbt_fail "mktemp"
trap '[ "${NBT_KEEP:-0}" = 1 ] || rm -rf "$out"' EXIT
before_ns=$(ip netns list | awk '/^nbtlab-/ {print $1}' | sort)
for s in pi5-tftp-rollover pi5-tftp-no-rollover; do
	timeout -k 5 180 "$LAB/run-scenario" "$s" "$out" >"$out/$s.log" 2>&1 || {
		tail -20 "$out/$s.log"
		nbt_fail "run-scenario $s failed"
	}
done
after_ns=$(ip netns list | awk '/^nbtlab-/ {print $1}' | sort)
[ "$before_ns" = "$after_ns" ] || fail "namespaces left behind: $(comm -13 <(echo "$before_ns") <(echo "$after_ns"))"

# The oracle: tshark sees the wire block 0 after 65535 in both, and the file's whole length
# only in the healthy one.
size=$((65536 * 512 + 300))
for s in pi5-tftp-rollover pi5-tftp-no-rollover; do
	n=$(tshark -n -r "$out/$s.pcap" -Y 'tftp.opcode == 3 && tftp.block == 0' -T fields -e frame.number | wc -l)
	[ "$n" -ge 1 ] || fail "$s: tshark sees no DATA block 0"
done

# judge CAPTURE: "verdict code detail bytes-of-kernel exit", from the JSON report.
judge() {
	local json rc
	json=$("$NBT" -r "$1" --json - 2>"$out/err")
	rc=$?
	echo "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["clients"][0]
st = c["stall"] or {}
kernel = [e["event"] for a in c["attempts"] for e in a["timeline"] if "got" in e["event"] and "kernel_2712.img" in e["event"]]
warn = [f["code"] for f in c["findings"] if f["severity"] in ("warning", "stall", "suspect")]
print(len(d["clients"]), c["verdict"], st.get("code") or "-", st.get("detail") or "-",
      (kernel[0].split("(")[1].split()[0] if kernel else "-"), ",".join(warn) or "-", sys.argv[1])
' "$rc"
}
read -r n verdict code detail bytes warn rc <<<"$(judge "$out/pi5-tftp-rollover.pcap")"
[ "$n" = 1 ] || fail "rollover: $n clients, expected the Pi alone"
[ "$verdict" = booted ] || fail "rollover: verdict $verdict ($code), expected booted"
[ "$bytes" = "$size" ] || fail "rollover: kernel_2712.img got $bytes bytes, expected $size"
[ "$warn" = - ] || fail "rollover: warnings or stalls on a clean transfer: $warn"
[ "$rc" = 0 ] || fail "rollover: exit $rc, expected 0"

read -r n verdict code detail bytes warn rc <<<"$(judge "$out/pi5-tftp-no-rollover.pcap")"
[ "$verdict $code $detail" = "stalled tftp-stalled no-block-rollover" ] ||
	fail "no-rollover: '$verdict $code $detail', expected 'stalled tftp-stalled no-block-rollover'"
[ "$rc" = 1 ] || fail "no-rollover: exit $rc, expected 1 (a client stalled)"
"$NBT" -r "$out/pi5-tftp-no-rollover.pcap" --summary >"$out/report.txt" 2>&1
grep -q 'acknowledged block 65535 (33553920 bytes) and never the block 0' "$out/report.txt" ||
	fail "no-rollover: the report does not name block 65535 and the block 0 after it"
grep -q 'rpi-eeprom#720' "$out/report.txt" || fail "no-rollover: the hint does not cite rpi-eeprom#720"

[ "$fails" -eq 0 ] && echo "PASS: rollover followed past block 65535; the refused rollover named"
[ "$fails" -eq 0 ]
