#!/usr/bin/env bash
# summary: every capture decodes the same ARP/IPv4/UDP/TCP frames as tshark says it holds, and
# counts the same IPv6 boot frames (DHCPv6, TFTP over IPv6).
# Covers every link type and file format present: pcap (usec and nsec), pcapng,
# Ethernet, 802.1Q/QinQ, Linux cooked v1/v2, BSD loopback.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need tshark python3
here=$(dirname "$0")
fails=0 n=0
excluded() {
	local rel=${1#"${SHARED_CAPTURES:-/nonexistent}"/}
	grep -q "^${rel}	" "$here/tshark_counts.exclude"
}
while read -r cap; do
	if excluded "$cap"; then
		echo "excluded (see tshark_counts.exclude): $cap"
		continue
	fi
	# tshark cannot be a judge on files it refuses; our own exit code is checked elsewhere.
	tshark -n -r "$cap" -T fields -E occurrence=a -e frame.protocols -e udp.srcport \
		-e udp.dstport -e dhcpv6.msgtype -e dhcpv6.option.type -e dhcpv6.requested_option_code \
		>"$NBT_TMP/protos" 2>"$NBT_TMP/terr" || true
	[ -s "$NBT_TMP/protos" ] || continue
	n=$((n + 1))
	python3 "$here/tshark_counts.py" <"$NBT_TMP/protos" >"$NBT_TMP/want"
	"$NBT" -r "$cap" --stats 2>/dev/null | grep -E '^(arp|ipv4|udp|tcp|ipv6-boot) ' >"$NBT_TMP/got"
	if ! diff -u "$NBT_TMP/want" "$NBT_TMP/got" >"$NBT_TMP/diff"; then
		echo "MISMATCH ${cap}:"
		sed 's/^/    /' "$NBT_TMP/diff"
		fails=$((fails + 1))
	fi
done < <(nbt_captures)
[ "$n" -gt 0 ] || nbt_skip "no captures found"
echo "$n captures compared, $fails differ"
[ "$fails" -eq 0 ]
