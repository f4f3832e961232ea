#!/usr/bin/env python3
"""summary: fails if an output stream holds a raw control byte (issue 16 s1).

usage: check_text_bytes.py LABEL FILE [--json | --ndjson] [--expect-in-json TEXT]

A byte stream passes when it is valid UTF-8 with no C0 control but the newline, no DEL and no
C1 control (U+0080..U+009F). --json/--ndjson also parse it (RFC 8259) and, with
--expect-in-json, require a decoded string that holds TEXT's escape sequences, so the JSON
stays faithful to the packet's bytes while its text stays inert.
"""
import json
import sys


def walk(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from walk(x)
    elif isinstance(v, list):
        for x in v:
            yield from walk(x)


def main():
    label, path = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3].startswith("--") else ""
    want = sys.argv[sys.argv.index("--expect-in-json") + 1] if "--expect-in-json" in sys.argv \
        else None
    raw = open(path, "rb").read()
    problems = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.append("not UTF-8 at byte %d" % e.start)
        text = raw.decode("utf-8", "replace")
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch != "\n") or 0x7F <= o <= 0x9F:
            problems.append("raw control U+%04X at character %d: %r" % (o, i, text[max(0, i - 30):i + 10]))
            break
    if mode in ("--json", "--ndjson"):
        docs = []
        try:
            if mode == "--json":
                docs = [json.loads(text)]
            else:
                docs = [json.loads(line) for line in text.splitlines() if line]
        except ValueError as e:
            problems.append("invalid JSON: %s" % e)
        if want is not None and docs:
            needle = want.encode().decode("unicode_escape")
            if not any(needle in s for d in docs for s in walk(d)):
                problems.append("no string holds %r" % needle)
    if not raw:
        problems.append("empty output")
    for p in problems:
        print("FAIL: %s: %s" % (label, p))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
