#!/usr/bin/env bash
# summary: one far-future timestamp does not expire the IPv4 fragment trains still arriving
# (issue 16 s4): 300 datagrams in 3 fragments each, 10 trains open at a time, one unrelated
# frame stamped a year ahead; every datagram is reassembled and none times out.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need python3
python3 - "$NBT_TMP/outlier.pcap" <<'PY'
import struct, sys
sys.path.insert(0, "%s/tests/sh" % __import__("os").environ["NBT_SRC"])
from capsflood import Pcap, eth_ip, udp, SRV_MAC, SRV_IP, T0

p = Pcap(sys.argv[1])
cli = bytes([10, 0, 1, 2])
t = 0
frame = 0
for group in range(30):
    for part in range(3):            # RFC 791 s3.1: offsets in 8-byte units, MF on all but last
        for k in range(10):
            ident = group * 10 + k
            payload = udp(4000, 9999, bytes(1192)) if part == 0 else bytes(1200)
            off = (part * 1200) // 8
            mf = 0x2000 if part < 2 else 0
            p.add(t, eth_ip(SRV_MAC, SRV_MAC, cli, SRV_IP, 17, payload, ident=ident,
                            frag=mf | off, iplen=20 + len(payload)))
            t += 1000
            frame += 1
            if frame == 200:        # an ARP request stamped one year later (one bad record)
                arp = (b"\xff" * 6 + SRV_MAC + b"\x08\x06" +
                       struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + SRV_MAC + SRV_IP +
                       bytes(6) + cli)
                p.add(t + 365 * 86400 * 10**6, arp)
                frame += 1
p.close()
PY
"$NBT" -r "$NBT_TMP/outlier.pcap" --stats --no-ui >"$NBT_TMP/stats" 2>"$NBT_TMP/err"
re=$(sed -n 's/^ip-reassembled //p' "$NBT_TMP/stats")
[ "$re" = 300 ] || fail "reassembled $re of 300 datagrams"
grep -q '^anomaly fragment-timeout' "$NBT_TMP/stats" && fail "trains timed out: $(grep fragment-timeout "$NBT_TMP/stats")"
[ -s "$NBT_TMP/err" ] && fail "stderr: $(head -3 "$NBT_TMP/err")"
[ "$fails" -eq 0 ] && echo "fragment trains survive a timestamp outlier: ok"
[ "$fails" -eq 0 ]
