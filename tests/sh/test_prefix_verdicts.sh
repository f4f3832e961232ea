#!/usr/bin/env bash
# summary: a healthy boot read at any moment is never called stalled: every capture under
# captures/ whose whole run ends booted (or waiting, nothing wrong) with no stalled attempt is cut
# at 10 prefixes (-c N) and no prefix may give a client the state stalled or suspect, or any
# stall code.
# A capture that stops early is what a user gets who presses Ctrl-C mid-boot.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need python3
cd "$NBT_SRC" || exit 1
n=0
for cap in captures/*.pcap captures/*.pcapng; do
	[ -f "$cap" ] || continue
	full=$("$NBT" -r "$cap" --json - 2>/dev/null)
	frames=$(echo "$full" | python3 -c '
import json, sys
d = json.load(sys.stdin)
# Healthy: every client ends booted or waiting, and no attempt of it stalled on the way (a
# NAK the Pi recovered from is a stall of its first attempt, which a prefix may show).
healthy = d["clients"] and all(c["state"] in ("booted", "waiting") and
                               all(a["verdict"] != "stalled" for a in c["attempts"])
                               for c in d["clients"])
print(d["capture"]["packets"] if healthy else 0)')
	[ "$frames" -gt 0 ] || continue
	n=$((n + 1))
	for i in 1 2 3 4 5 6 7 8 9 10; do
		k=$(((frames * i + 9) / 10))
		out=$("$NBT" -r "$cap" -c "$k" --json - 2>/dev/null)
		bad=$(echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
for c in d["clients"]:
    code = (c.get("stall") or c.get("suspect") or {}).get("code")
    if c["state"] in ("stalled", "suspect") or code:
        print(c["mac"], c["state"], code)')
		[ -z "$bad" ] || fail "$cap, first $k of $frames frames: $bad"
	done
done
[ "$n" -ge 5 ] || fail "only $n healthy captures found under captures/"
echo "$n healthy captures, 10 prefixes each, $fails failures"
[ "$fails" -eq 0 ]
