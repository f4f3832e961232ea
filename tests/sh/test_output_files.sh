#!/usr/bin/env bash
# summary: outputs never destroy data (issue 16 s2-3): an output naming the input or another
# output, a symlink or a block device is refused with exit 2 and the input untouched; --json
# and -w --client replace a file only when complete; a full disk is exit 2, never a silent cut;
# a signal before a stream's header still gives valid JSON; a file read stopped says so.
set -u
. "$(dirname "$0")/lib.sh"
nbt_need python3 cmp
src=$NBT_SRC/captures/pi4-clean-nfs3.pcap
nbt_need_file "$src"
cp "$src" "$NBT_TMP/in.pcap"
in=$NBT_TMP/in.pcap
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

# expect_refused WHY PATTERN ARGS...: exit 2, PATTERN on stderr, the input unchanged.
expect_refused() {
	local why=$1 pat=$2
	shift 2
	"$NBT" "$@" >/dev/null 2>"$NBT_TMP/err"
	local rc=$?
	[ "$rc" -eq 2 ] || fail "$why: exit $rc, not 2"
	grep -q -- "$pat" "$NBT_TMP/err" || fail "$why: stderr lacks '$pat': $(cat "$NBT_TMP/err")"
	cmp -s "$in" "$src" || {
		fail "$why: the input capture was changed"
		cp "$src" "$in"
	}
}
expect_refused "-w = input" "capture being read" -r "$in" -w "$in" --no-ui
expect_refused "--json = input" "capture being read" -r "$in" --json "$in" --no-ui
expect_refused "--events = input" "capture being read" -r "$in" --events "$in" --no-ui
expect_refused "-w --client = input" "capture being read" -r "$in" -w "$in" --client dc:a6:32:00:00:01 --no-ui
ln -s "$in" "$NBT_TMP/link.json"
expect_refused "--json through a symlink" "symbolic link" -r "$in" --json "$NBT_TMP/link.json" --no-ui
expect_refused "same file twice" "both name" -r "$in" --json "$NBT_TMP/a.json" --events "$NBT_TMP/a.json" --no-ui
[ -e "$NBT_TMP/a.json" ] && fail "a refused run created its output"
ln "$in" "$NBT_TMP/hardlink.pcap"
expect_refused "--json = a hard link of the input" "capture being read" -r "$in" --json "$NBT_TMP/hardlink.pcap" --no-ui
mkdir "$NBT_TMP/dir"
expect_refused "--json a folder" "not a regular file" -r "$in" --json "$NBT_TMP/dir" --no-ui

# Replacing an existing report is fine, with mode 0644 at most for a new file.
echo old >"$NBT_TMP/r.json"
"$NBT" -r "$in" --json "$NBT_TMP/r.json" --no-ui >/dev/null 2>&1
json_ok "$NBT_TMP/r.json" || fail "--json did not replace the old file with a report"
(umask 000 && "$NBT" -r "$in" --json "$NBT_TMP/new.json" --no-ui >/dev/null 2>&1)
mode=$(stat -c %a "$NBT_TMP/new.json")
[ "$mode" = 644 ] || fail "a new --json file has mode $mode, not 644"
ls -A "$NBT_TMP" | grep -q '^\.r\.json\.' && fail "a temporary file was left behind"
"$NBT" -r "$in" --json /dev/null --no-ui >/dev/null 2>&1 || fail "--json /dev/null refused"

# A failed run leaves the good report where it was: a capture cut mid-frame is exit 2 but
# its JSON is complete; a missing capture still writes the error into a complete JSON.
cp "$NBT_TMP/r.json" "$NBT_TMP/keep.json"
"$NBT" -r "$NBT_TMP/none.pcap" --json "$NBT_TMP/keep.json" --no-ui >/dev/null 2>&1
json_ok "$NBT_TMP/keep.json" || fail "a missing capture left no valid JSON"
grep -q '"no-file"' "$NBT_TMP/keep.json" || fail "the JSON does not hold the no-file error"
# -w FILE that cannot be created: the JSON still holds the error.
"$NBT" -r "$in" -w "$NBT_TMP/dir" --json "$NBT_TMP/w.json" --no-ui >/dev/null 2>"$NBT_TMP/err"
[ $? -eq 2 ] || fail "-w into a folder: not exit 2"
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["errors"]; sys.exit(not (e and e[0]["kind"] == "output"))' "$NBT_TMP/w.json" ||
	fail "-w failure: the JSON does not hold the error: $(head -c 300 "$NBT_TMP/w.json")"

# Every write is checked: /dev/full for the report, JSON, events and pcap.
if [ -w /dev/full ]; then
	for args in "--summary" "--json /dev/full" "--events /dev/full" "-w /dev/full"; do
		out=/dev/null
		[ "$args" = "--summary" ] && out=/dev/full
		# shellcheck disable=SC2086
		"$NBT" -r "$in" --no-ui $args >"$out" 2>"$NBT_TMP/err"
		rc=$?
		[ "$rc" -eq 2 ] || fail "$args on a full disk: exit $rc, not 2"
		grep -qi 'error' "$NBT_TMP/err" || fail "$args on a full disk: no error on stderr"
	done
fi

# A signal before a stream's pcap header is complete: exit 2, "no capture data", valid JSON.
mkfifo "$NBT_TMP/fifo"
"$NBT" -r - --no-ui --json "$NBT_TMP/sig.json" <"$NBT_TMP/fifo" >/dev/null 2>"$NBT_TMP/err" &
pid=$!
exec 7>"$NBT_TMP/fifo"
head -c 10 "$in" >&7
sleep 0.5
kill -INT "$pid"
wait "$pid"
rc=$?
exec 7>&-
[ "$rc" -eq 2 ] || fail "SIGINT before the header: exit $rc, not 2"
grep -q 'no capture data received' "$NBT_TMP/err" || fail "SIGINT before the header: $(cat "$NBT_TMP/err")"
json_ok "$NBT_TMP/sig.json" && grep -q '"no-data"' "$NBT_TMP/sig.json" ||
	fail "SIGINT before the header: JSON $(head -c 200 "$NBT_TMP/sig.json")"

# A signal that stops the read of a named file before its end: the JSON says so.
mkfifo "$NBT_TMP/fifo2"
"$NBT" -r "$NBT_TMP/fifo2" --no-ui --json "$NBT_TMP/stop.json" >/dev/null 2>"$NBT_TMP/err" &
pid=$!
exec 7>"$NBT_TMP/fifo2"
cat "$in" >&7
sleep 0.5
kill -INT "$pid"
wait "$pid"
exec 7>&-
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["capture"]; sys.exit(c.get("stopped") != "signal" or c["packets"] == 0)' "$NBT_TMP/stop.json" ||
	fail "a read stopped by SIGINT: the JSON lacks capture.stopped: $(head -c 400 "$NBT_TMP/stop.json")"
"$NBT" -r "$in" --no-ui --json "$NBT_TMP/full.json" >/dev/null 2>&1
grep -q '"stopped"' "$NBT_TMP/full.json" && fail "a whole read says stopped"

[ "$fails" -eq 0 ] && echo "output files: ok"
[ "$fails" -eq 0 ]
