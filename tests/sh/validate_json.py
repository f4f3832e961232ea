#!/usr/bin/env python3
"""summary: validates netboot-trace JSON against docs/netboot-trace.schema.json (JSON Schema
2020-12): `validate_json.py SCHEMA report FILE...` (one document each) or
`validate_json.py SCHEMA events FILE...` (NDJSON: every line an object with the EVE-style
fields; lines must be valid UTF-8)."""
import json
import re
import sys

import jsonschema

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def check_report(validator, path):
    with open(path, "rb") as f:
        raw = f.read()
    doc = json.loads(raw.decode("utf-8"))  # strict: invalid UTF-8 raises
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        print("%s: %s at %s" % (path, e.message[:200], "/".join(map(str, e.path))))
    if b"\\/" in raw:
        print("%s: '/' escaped" % path)
        return False
    return not errs


def check_events(path):
    ok = True
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            try:
                o = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                print("%s:%d: not a JSON line in UTF-8: %s" % (path, n, e))
                ok = False
                continue
            for k in ("timestamp", "event_type", "client", "frame"):
                if k not in o:
                    print("%s:%d: no %s" % (path, n, k))
                    ok = False
            if not TIME.match(o.get("timestamp", "")):
                print("%s:%d: bad timestamp %r" % (path, n, o.get("timestamp")))
                ok = False
            if b"\\/" in line:
                print("%s:%d: '/' escaped" % (path, n))
                ok = False
    return ok


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft202012Validator(schema)
    jsonschema.Draft202012Validator.check_schema(schema)
    kind, files = sys.argv[2], sys.argv[3:]
    bad = [f for f in files if not (check_report(validator, f) if kind == "report" else check_events(f))]
    print("%d %s file(s), %d invalid" % (len(files), kind, len(bad)))
    sys.exit(1 if bad else 0)


main()
