#!/usr/bin/env bash
# summary: every pipeline stage calls only the stages on its link line (CMakeLists.txt nbt_stage,
# written to stages.txt): a symbol a stage's archive needs must come from itself, from a stage it
# may use (directly or through them), or from outside the project (libc, libpcap, json-c,
# ncurses). The engine calling a report, or decode calling the engine, fails here.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need nm python3
map=$NBT_BUILD/stages.txt
[ -f "$map" ] || nbt_fail "no $map (CMakeLists.txt writes it at configure time)"
python3 - "$map" <<'PY'
import subprocess, sys

stages = {}
for line in open(sys.argv[1]):
    f = line.split()
    if f:
        stages[f[0]] = (f[1], f[2:])


def syms(path, undefined):
    flag = ["-u"] if undefined else ["--defined-only", "-g"]
    out = subprocess.run(["nm", "-A", "-P"] + flag + [path], check=True, capture_output=True,
                         text=True).stdout
    found = set()
    for l in out.splitlines():
        parts = l.split()
        # "archive[member.o]: SYMBOL TYPE ..."
        if len(parts) >= 3:
            found.add(parts[1])
    return found


defined = {s: syms(p, False) for s, (p, _) in stages.items()}
owner = {}
for s, names in defined.items():
    for n in names:
        owner.setdefault(n, s)


def closure(s, seen=None):
    seen = set() if seen is None else seen
    for d in stages[s][1]:
        if d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen


bad = 0
for s, (path, _) in sorted(stages.items()):
    allowed = closure(s) | {s}
    for n in sorted(syms(path, True) - defined[s]):
        o = owner.get(n)
        if o and o not in allowed:
            print(f"FAIL: {s} uses {n}, which {o} defines: not on {s}'s link line "
                  f"({', '.join(sorted(allowed - {s})) or 'none'})")
            bad += 1
print(f"{len(stages)} stages, {bad} calls across the layering")
sys.exit(1 if bad else 0)
PY
