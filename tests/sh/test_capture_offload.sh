#!/bin/bash
# summary: capture findings of the capturing host's NIC (PI-NETBOOT.md s6): checksum offload
# (RFC 768 UDP checksums left unfilled) and GRO/TSO frames past the Ethernet MTU, on copies of a
# lab capture rewritten by a python3 pcap editor; never a stall, the verdict stays booted.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need python3
clean=$NBT_SRC/captures/pi4-clean-nfs3.pcap
nbt_need_file "$clean"
tmp=$NBT_TMP


# edit MODE IN OUT: classic pcap, Ethernet (+ VLAN) + IPv4.  cksum: every UDP datagram from
# 10.99.0.1 gets a wrong (non-zero) checksum.  pad: the first UDP frame from 10.99.0.1 grows
# past 1514 bytes on the wire (caplen kept, as if GRO merged it).  Prints how many were edited.
edit() {
	python3 - "$@" <<'PY'
import struct, sys
mode, src, dst = sys.argv[1:4]
data = open(src, "rb").read()
magic = data[:4]
end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
out, off, edited = bytearray(data[:24]), 24, 0
while off + 16 <= len(data):
    ts, tf, cap, wire = struct.unpack(end + "IIII", data[off:off + 16])
    frame = bytearray(data[off + 16:off + 16 + cap])
    off += 16 + cap
    l3 = 14
    while len(frame) >= l3 and frame[l3 - 2:l3] == b"\x81\x00":
        l3 += 4
    ip = frame[l3:]
    if (len(ip) >= 28 and frame[l3 - 2:l3] == b"\x08\x00" and ip[9] == 17
            and bytes(ip[12:16]) == bytes([10, 99, 0, 1])):
        udp = l3 + (ip[0] & 15) * 4
        if mode == "cksum" and frame[udp + 6:udp + 8] not in (b"\x00\x00", b"\xff\xfe"):
            frame[udp + 6] ^= 0x01  # one bit off: the sum no longer checks
            edited += 1
        elif mode == "pad" and edited == 0:
            wire = 1600
            edited += 1
    out += struct.pack(end + "IIII", ts, tf, len(frame), wire) + frame
open(dst, "wb").write(out)
print(edited)
PY
}

# 1. The original lab capture: correct checksums, normal frames, no such findings.
"$NBT" -r "$clean" >"$tmp/clean.txt" 2>"$tmp/err" || fail=1
nbt_refuse "$tmp/clean.txt" 'capture-checksum-offload|capture-oversize-frames' "clean capture"

# 2. The server's UDP checksums corrupted: answered anyway, so offload on the capturing host.
n=$(edit cksum "$clean" "$tmp/cksum.pcap") || fail=1
[ "${n:-0}" -gt 10 ] || { echo "FAIL: only ${n:-0} server datagrams edited"; fail=1; }
"$NBT" -r "$tmp/cksum.pcap" >"$tmp/cksum.txt" 2>>"$tmp/err" || fail=1
nbt_check "$tmp/cksum.txt" 'capture capture-checksum-offload' "bad checksums are a capture finding"
nbt_check "$tmp/cksum.txt" 'packets from 10\.99\.0\.1 carry bad checksums but were answered' \
	"the offloading host is named"
nbt_check "$tmp/cksum.txt" '^  verdict  booted' "the boot still counts as booted"
nbt_refuse "$tmp/cksum.txt" '^  (stall|verdict  stalled)' "bad checksums are never a stall"
"$NBT" -r "$tmp/cksum.pcap" --json - >"$tmp/cksum.json" 2>>"$tmp/err" || fail=1
nbt_check "$tmp/cksum.json" '"capture-checksum-offload"' "the JSON report lists the finding"
"$NBT" -r "$tmp/cksum.pcap" --dump >"$tmp/cksum.dump" 2>>"$tmp/err" || fail=1
got=$(grep -c 'kind=bad-checksum' "$tmp/cksum.dump")
[ "$got" = "$n" ] || { echo "FAIL: $got bad-checksum anomalies for $n edited datagrams"; fail=1; }

# 3. One frame past 1514 bytes on the wire: GRO/TSO, information only.
n=$(edit pad "$clean" "$tmp/big.pcap") || fail=1
[ "${n:-0}" = 1 ] || { echo "FAIL: no frame padded"; fail=1; }
"$NBT" -r "$tmp/big.pcap" >"$tmp/big.txt" 2>>"$tmp/err" || fail=1
nbt_check "$tmp/big.txt" 'capture capture-oversize-frames' "an oversize frame is a capture finding"
nbt_check "$tmp/big.txt" '1 frames are larger than the Ethernet MTU' "one frame counted"
nbt_check "$tmp/big.txt" '^  verdict  booted' "the boot still counts as booted"
nbt_refuse "$tmp/big.txt" 'capture-checksum-offload' "a cut frame's checksum is not judged"

# 4. A shared capture with real GRO frames (TCP segments merged past the MTU), if present.
gro=${SHARED_CAPTURES:-/nonexistent}/epam-nfstrace/eth-ipv4-tcp-nfsv41.pcap
if [ -f "$gro" ]; then
	"$NBT" -r "$gro" >"$tmp/gro.txt" 2>>"$tmp/err"
	nbt_check "$tmp/gro.txt" 'capture-oversize-frames' "GRO frames of a real capture"
fi
if [ -s "$tmp/err" ]; then
	echo "stderr:"
	sed 's/^/    /' "$tmp/err" | head -10
fi
exit $fail
