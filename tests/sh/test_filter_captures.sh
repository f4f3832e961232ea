#!/usr/bin/env bash
# summary: the filter --print-filter prints, applied to every lab capture (`netboot-trace -r F
# "$(netboot-trace --print-filter)"`), gives the same boot report (clients, verdicts, stalls,
# timelines; only frame numbers differ) as the whole capture, and keeps none of a crafted capture
# of unrelated LAN traffic (DNS, HTTP, mDNS, SSDP, NTP, ping, IPv6) mixed into a boot.
set -u
. "$(dirname "$0")/lib.sh"
ls "$NBT_SRC"/captures/*.pcap >/dev/null 2>&1 || nbt_skip "no lab captures in $NBT_SRC/captures"

eth=$("$NBT" --print-filter) || nbt_fail "--print-filter failed"
any=$("$NBT" -i any --print-filter) || nbt_fail "-i any --print-filter failed"
{ [ -n "$eth" ] && [ "$eth" != "$any" ]; } || nbt_fail "--print-filter: '$eth' / '$any'"
case $any in *vlan*) nbt_fail "-i any --print-filter has 802.1Q terms pcap refuses there" ;; esac
[ "$("$NBT" --print-filter udp port 67)" = "udp port 67" ] ||
	nbt_fail "--print-filter with an expression should print that expression"

# Report without the header line, with frame numbers and times relative to the first frame
# blanked out (the first frame may be one the filter drops); the count of frames with backward
# timestamps is about the whole capture (a dropped ping may have been one of them).
norm() {
	sed -E '/^netboot-trace boot report/d; s/#[0-9]+ +/#N /g; s/#[0-9]+/#N/g; s/frame [0-9]+/frame N/g
		s/\+[0-9]+\.[0-9]+s/+T/g
		s/[0-9]+ (packets have a timestamp earlier)/N \1/' "$1"
}
n=0
for f in "$NBT_SRC"/captures/*.pcap "$NBT_SRC"/captures/*.pcapng; do
	[ -f "$f" ] || continue
	flt=$eth
	case $(capinfos -E "$f" 2>/dev/null) in *"Linux cooked"*) flt=$any ;; esac
	case $f in *sll*) flt=$any ;; esac
	"$NBT" -r "$f" --summary >"$NBT_TMP/all.txt" 2>"$NBT_TMP/all.err"
	rca=$?
	"$NBT" -r "$f" --summary "$flt" >"$NBT_TMP/flt.txt" 2>"$NBT_TMP/flt.err"
	rcf=$?
	[ "$rca" = "$rcf" ] || nbt_fail "$(basename "$f"): exit $rca unfiltered, $rcf filtered ($(cat "$NBT_TMP/flt.err"))"
	diff <(norm "$NBT_TMP/all.txt") <(norm "$NBT_TMP/flt.txt") >"$NBT_TMP/diff" || {
		cat "$NBT_TMP/diff"
		nbt_fail "$(basename "$f"): the filtered capture gives another report"
	}
	grep -q '^client ' "$NBT_TMP/all.txt" || grep -q 'no client' "$NBT_TMP/all.txt" ||
		nbt_fail "$(basename "$f"): no report"
	n=$((n + 1))
done
[ "$n" -ge 10 ] || nbt_fail "only $n captures checked"
echo "ok: $n lab captures give the same report through the default filter"

# Unrelated traffic, crafted: none of it may pass; a DHCP DISCOVER among it does.
python3 - "$NBT_TMP/chatter.pcap" <<'EOF'
import struct, sys
def eth(proto, payload, dst=b"\xff" * 6):
    return dst + b"\x02\x00\x00\x00\x00\x09" + struct.pack("!H", proto) + payload
def ip(p, src, dst, l4):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, p, 0,
                    bytes(src), bytes(dst))
    return h + l4
def udp(sp, dp, pl):
    return struct.pack("!HHHH", sp, dp, 8 + len(pl), 0) + pl
def tcp(sp, dp, flags, pl=b""):
    return struct.pack("!HHIIBBHHH", sp, dp, 1, 1, 5 << 4, flags, 65535, 0, 0) + pl
A, B, M = [10, 0, 0, 5], [10, 0, 0, 1], [224, 0, 0, 251]
dns_q = struct.pack("!HHHHHH", 3, 0x0100, 1, 0, 0, 0) + b"\x07example\x03com\x00\x00\x01\x00\x01"
dns_r = struct.pack("!HHHHHH", 3, 0x8180, 1, 1, 0, 0) + dns_q[12:] + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x5d\xb8\xd8\x22"
mdns = struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0) + b"\x07printer\x05local\x00\x00\x01\x80\x01\x00\x00\x00\x78\x00\x04\x0a\x00\x00\x07"
frames = [
    eth(0x0800, ip(17, A, B, udp(40000, 53, dns_q))),
    eth(0x0800, ip(17, B, A, udp(53, 40000, dns_r))),
    eth(0x0800, ip(17, A, M, udp(5353, 5353, mdns))),
    eth(0x0800, ip(6, A, B, tcp(45000, 80, 0x02))),
    eth(0x0800, ip(6, A, B, tcp(45000, 80, 0x18, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"))),
    eth(0x0800, ip(6, B, A, tcp(80, 45000, 0x18, b"HTTP/1.1 200 OK\r\n\r\n"))),
    eth(0x0800, ip(6, B, A, tcp(443, 45001, 0x10))),
    eth(0x0800, ip(17, A, [239, 255, 255, 250], udp(50000, 1900, b"M-SEARCH * HTTP/1.1\r\n\r\n"))),
    eth(0x0800, ip(17, A, B, udp(123, 123, b"\x23" + b"\x00" * 47))),
    eth(0x0800, ip(1, A, B, b"\x08\x00\x00\x00\x00\x01\x00\x01" + b"x" * 56)),
    eth(0x86dd, b"\x60" + b"\x00" * 39 + b"\x00" * 8),
    # the one that must pass: a DHCP DISCOVER
    eth(0x0800, ip(17, [0, 0, 0, 0], [255, 255, 255, 255], udp(68, 67, b"\x01\x01\x06\x00" + b"\x00" * 236 + b"\x63\x82\x53\x63\x35\x01\x01\xff"))),
]
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000 + i, 0, len(fr), len(fr)) + fr)
EOF
"$NBT" -r "$NBT_TMP/chatter.pcap" --stats >"$NBT_TMP/c_all.txt" || nbt_fail "chatter.pcap unreadable"
"$NBT" -r "$NBT_TMP/chatter.pcap" --stats "$eth" >"$NBT_TMP/c_flt.txt" || nbt_fail "filtered chatter.pcap"
[ "$(awk '$1 == "frames" {print $2}' "$NBT_TMP/c_all.txt")" = 12 ] || nbt_fail "crafted capture: not 12 frames"
[ "$(awk '$1 == "frames" {print $2}' "$NBT_TMP/c_flt.txt")" = 1 ] ||
	nbt_fail "the default filter let unrelated traffic through: $(tr '\n' ' ' <"$NBT_TMP/c_flt.txt")"
echo "ok: unrelated traffic dropped, the DHCP DISCOVER kept"
echo PASS
