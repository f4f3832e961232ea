#!/usr/bin/env bash
# summary: bad input and bad usage give one clear line on stderr naming the kind of error, and
# exit code 2 (0 and 1 are the CI verdicts, test_exit_codes.sh).
set -u
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
fails=0
# expect CODE PATTERN CMD...: runs CMD, checks the exit code and that stderr matches.
expect() {
	local code=$1 pat=$2
	shift 2
	"$@" >"$NBT_TMP/out" 2>"$NBT_TMP/err"
	local rc=$?
	if [ "$rc" -ne "$code" ] || ! grep -qE "$pat" "$NBT_TMP/err"; then
		echo "FAIL: $* -> exit $rc (want $code), stderr:"
		sed 's/^/    /' "$NBT_TMP/err"
		fails=$((fails + 1))
	fi
}
python3 "$here/mkpcap.py" "$NBT_TMP/good.pcap" --frames 3
python3 "$here/mkpcap.py" "$NBT_TMP/cut.pcap" --frames 3 --truncate 20
python3 "$here/mkpcap.py" "$NBT_TMP/wifi.pcap" --linktype 105
python3 "$here/mkpcap.py" "$NBT_TMP/nsec.pcap" --nsec
: >"$NBT_TMP/empty.pcap"
echo "hello, I am text" >"$NBT_TMP/text.pcap"

expect 2 "either -i or -r" "$NBT" -i lo -r "$NBT_TMP/good.pcap"
expect 2 "say where to read" "$NBT"
expect 2 "positive count" "$NBT" -r "$NBT_TMP/good.pcap" -c zero
expect 2 "B needs a buffer size" "$NBT" -r "$NBT_TMP/good.pcap" -B 0
expect 2 "error \\(no-file\\).*No such file" "$NBT" -r "$NBT_TMP/absent.pcap"
expect 2 "empty" "$NBT" -r "$NBT_TMP/empty.pcap"
expect 2 "not a pcap or pcapng" "$NBT" -r "$NBT_TMP/text.pcap"
expect 2 "error \\(link-type\\).*IEEE802_11.*not supported" "$NBT" -r "$NBT_TMP/wifi.pcap"
expect 2 "no such interface" "$NBT" -i nbt-no-such-if0
expect 2 "bad filter expression" "$NBT" -r "$NBT_TMP/good.pcap" "udp port banana"
expect 2 "truncated" "$NBT" -r "$NBT_TMP/cut.pcap" --stats
# A truncated file is still analysed up to the cut: two whole frames precede it.
grep -qx "frames 2" "$NBT_TMP/out" || { echo "FAIL: truncated file not analysed"; fails=$((fails + 1)); }
if [ "$(id -u)" -ne 0 ]; then
	expect 2 "permission denied" "$NBT" -i lo
fi
# Nanosecond pcap, stdin, -c and a filter all read what they should.
"$NBT" -r "$NBT_TMP/nsec.pcap" --stats | grep -qx "udp 3" || { echo "FAIL: nsec pcap"; fails=$((fails + 1)); }
"$NBT" -r - --stats <"$NBT_TMP/good.pcap" | grep -qx "frames 3" || { echo "FAIL: stdin"; fails=$((fails + 1)); }
"$NBT" -r "$NBT_TMP/good.pcap" -c 2 --stats | grep -qx "frames 2" || { echo "FAIL: -c"; fails=$((fails + 1)); }
"$NBT" -r "$NBT_TMP/good.pcap" --stats "udp port 9" | grep -qx "frames 0" || { echo "FAIL: filter"; fails=$((fails + 1)); }
"$NBT" --version | grep -qE '^netboot-trace [0-9]' || { echo "FAIL: --version"; fails=$((fails + 1)); }
echo "$fails failures"
[ "$fails" -eq 0 ]
