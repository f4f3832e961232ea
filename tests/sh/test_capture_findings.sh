#!/bin/bash
# summary: capture findings on real lab captures re-filtered like a careless capture would be:
# a port 67/68/69 filter (RRQs, no DATA) must give "cannot tell", never a stall blamed on the Pi.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need tcpdump
clean=$NBT_SRC/captures/pi4-clean-nfs3.pcap
nbt_need_file "$clean"
tmp=$NBT_TMP


# 1. Only ports 67-69 kept: the whole boot went on, but no TFTP reply and no NFS are visible.
tcpdump -r "$clean" -w "$tmp/p69.pcap" 'udp port 67 or udp port 68 or udp port 69' 2>/dev/null
"$NBT" -r "$tmp/p69.pcap" >"$tmp/p69.txt" 2>"$tmp/err"
[ $? -le 1 ] || fail=1 # 1: the boot is not seen to finish (exit codes: README)
nbt_check "$tmp/p69.txt" '^  verdict  unknown cannot-tell' "a port-69 filter is not a stall"
nbt_check "$tmp/p69.txt" 'capture capture-filter-port-69' "the filter is named as a capture finding"
nbt_refuse "$tmp/p69.txt" '^  (stall|verdict  stalled)' "nothing is blamed on the Pi"

# 2. The same, cut right after the first RRQs (before the kernel DHCP): still the filter.
tcpdump -r "$tmp/p69.pcap" -w "$tmp/p69-short.pcap" -c 12 2>/dev/null
"$NBT" -r "$tmp/p69-short.pcap" --timeout tftp-file=0 >"$tmp/short.txt" 2>>"$tmp/err"
[ $? -le 1 ] || fail=1 # 1: the boot is not seen to finish (exit codes: README)
nbt_check "$tmp/short.txt" 'capture-filter-port-69' "several RRQs without replies point at the filter"
nbt_refuse "$tmp/short.txt" 'verdict  stalled tftp-no-response' "no tftp-no-response for a filter"

# 3. The capture starts in the middle of the boot (first packet is TFTP).
tcpdump -r "$clean" -w "$tmp/late.pcap" 'not (udp port 67 or udp port 68)' 2>/dev/null
"$NBT" -r "$tmp/late.pcap" >"$tmp/late.txt" 2>>"$tmp/err"
[ $? -le 1 ] || fail=1 # 1: the boot is not seen to finish (exit codes: README)
nbt_check "$tmp/late.txt" 'capture capture-started-mid-boot' "a late start is a capture finding"
nbt_check "$tmp/late.txt" '^  verdict  booted' "the boot is still seen to succeed"

# 4. Boots over IPv6 are named, not silently missing (shared captures, when present): a UEFI
# client asking DHCPv6 for a boot file URL (RFC 5970); a desktop's plain DHCPv6 is no boot.
v6=${SHARED_CAPTURES:-/nonexistent}/tcpdump/dhcpv4v6-rfc5970-rfc8572.pcap
desk=${SHARED_CAPTURES:-/nonexistent}/epam-nfstrace/eth-ipv4-tcp-nfsv4-incorrect_mount.pcap
if [ -f "$v6" ] && [ -f "$desk" ]; then
	"$NBT" -r "$v6" >"$tmp/v6.txt" 2>>"$tmp/err"
	nbt_check "$tmp/v6.txt" '^  capture capture-ipv6-boot' "an IPv6 boot is a capture finding"
	nbt_check "$tmp/v6.txt" '^    5 DHCPv6 network-boot or TFTP-over-IPv6 packets' "five of its packets"
	"$NBT" -r "$v6" --json - >"$tmp/v6.json" 2>>"$tmp/err"
	nbt_check "$tmp/v6.json" '"code": "capture-ipv6-boot"' "the JSON report has it too"
	"$NBT" -r "$desk" >"$tmp/desk.txt" 2>>"$tmp/err"
	nbt_refuse "$tmp/desk.txt" 'capture-ipv6-boot' "a desktop's DHCPv6 is no boot"
else
	echo "note: shared IPv6 captures absent, IPv6 part not run"
fi

if [ -s "$tmp/err" ]; then
	echo "FAIL: stderr:"
	cat "$tmp/err"
	fail=1
fi
exit $fail
