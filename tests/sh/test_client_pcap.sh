#!/usr/bin/env bash
# summary: -w FILE --client X writes exactly that client's frames: read back by tshark, the new
# pcap holds the same frames (times and lengths) as tshark's own selection from the original
# (eth/ARP/DHCP chaddr/IPv4 of the client), and none of the other Pis' MACs appear.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need tshark
cap=$NBT_SRC/captures/multi-pi-interleaved.pcap
[ -f "$cap" ] || nbt_skip "captures/ absent"
"$NBT" -r "$cap" --json "$NBT_TMP/r.json" >/dev/null 2>&1
macs=$(python3 -c 'import json,sys; print(" ".join(c["mac"] for c in json.load(open(sys.argv[1]))["clients"]))' "$NBT_TMP/r.json")
[ "$(echo "$macs" | wc -w)" -ge 2 ] || fail "multi-pi should have several clients: $macs"
for mac in $macs; do
	ips=$(python3 -c 'import json,sys; c=[c for c in json.load(open(sys.argv[1]))["clients"] if c["mac"]==sys.argv[2]][0]; print(" ".join(c["ips"]))' "$NBT_TMP/r.json" "$mac")
	out=$NBT_TMP/${mac//:/}.pcap
	"$NBT" -r "$cap" --client "$mac" -w "$out" >/dev/null 2>"$NBT_TMP/err"
	[ $? -le 1 ] || { fail "$mac: exit code: $(cat "$NBT_TMP/err")"; continue; }
	filter="eth.addr == $mac or arp.src.hw_mac == $mac or arp.dst.hw_mac == $mac or dhcp.hw.mac_addr == $mac"
	for ip in $ips; do
		filter="$filter or ip.addr == $ip or arp.src.proto_ipv4 == $ip or arp.dst.proto_ipv4 == $ip"
	done
	tshark -r "$cap" -Y "$filter" -T fields -e frame.time_epoch -e frame.len >"$NBT_TMP/want" 2>/dev/null
	tshark -r "$out" -T fields -e frame.time_epoch -e frame.len >"$NBT_TMP/got" 2>"$NBT_TMP/terr" ||
		fail "$mac: tshark cannot read the output: $(cat "$NBT_TMP/terr")"
	[ -s "$NBT_TMP/got" ] || fail "$mac: no frames written"
	if ! diff -q "$NBT_TMP/want" "$NBT_TMP/got" >/dev/null; then
		fail "$mac: frames differ from tshark's selection ($(wc -l <"$NBT_TMP/want") vs $(wc -l <"$NBT_TMP/got"))"
		diff "$NBT_TMP/want" "$NBT_TMP/got" | head -5
	fi
	for other in $macs; do
		[ "$other" = "$mac" ] && continue
		n=$(tshark -r "$out" -Y "eth.src == $other" 2>/dev/null | wc -l)
		[ "$n" -eq 0 ] || fail "$mac: $n frames sent by $other"
	done
done
echo "$fails failures"
[ "$fails" -eq 0 ]
