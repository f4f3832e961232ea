#!/usr/bin/env bash
# summary: every --json report validates against docs/netboot-trace.schema.json: the golden ones,
# fresh runs over each capture (with --client/--expect/--hosts variations and a pcapng), runs are
# byte-identical, and the validator rejects a document that breaks the schema.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need_py jsonschema
here=$(dirname "$0")
schema=$NBT_SRC/docs/netboot-trace.schema.json
set -- "$NBT_SRC"/tests/golden/expected/*.json
[ -f "$1" ] || nbt_skip "no golden JSON"
python3 "$here/validate_json.py" "$schema" report "$@" || fail "golden JSON"
i=0
for cap in "$NBT_SRC"/captures/*.pcap "$NBT_SRC"/captures/*.pcapng; do
	[ -f "$cap" ] || continue
	i=$((i + 1))
	"$NBT" -r "$cap" --json "$NBT_TMP/a$i.json" >/dev/null 2>&1
	"$NBT" -r "$cap" --json - --expect kernel --client 38c128c0 \
		--hosts "$NBT_SRC/tests/golden/hosts.txt" >"$NBT_TMP/b$i.json" 2>/dev/null
	"$NBT" -r "$cap" --json "$NBT_TMP/c$i.json" >/dev/null 2>&1
	cmp -s "$NBT_TMP/a$i.json" "$NBT_TMP/c$i.json" || fail "$cap: two runs differ"
done
python3 "$here/validate_json.py" "$schema" report "$NBT_TMP"/[ab]*.json || fail "fresh JSON"
# The schema must be able to fail: a bad verdict, a stall without code, an upper-case MAC.
python3 - "$NBT_SRC/tests/golden/expected/pi4-dtb-missing.json" "$NBT_TMP" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
muts = []
m = json.loads(json.dumps(d)); m["clients"][0]["verdict"] = "crashed"; muts.append(m)
m = json.loads(json.dumps(d)); del m["clients"][0]["stall"]["code"]; muts.append(m)
m = json.loads(json.dumps(d)); m["clients"][0]["mac"] = "DC:A6:32:79:26:DF"; muts.append(m)
m = json.loads(json.dumps(d)); m["clients"][0]["stall"] = None; muts.append(m)
m = json.loads(json.dumps(d)); m["schema"] = "netboot-trace/2"; muts.append(m)
for i, m in enumerate(muts):
    json.dump(m, open("%s/bad%d.json" % (sys.argv[2], i), "w"))
PY
for f in "$NBT_TMP"/bad*.json; do
	python3 "$here/validate_json.py" "$schema" report "$f" >/dev/null && fail "schema accepts $(basename "$f")"
done
echo "$i captures, $fails failures"
[ "$fails" -eq 0 ]
