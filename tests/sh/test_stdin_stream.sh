#!/usr/bin/env bash
# summary: `-r -` analyses a capture streamed on stdin as it arrives, not after EOF.
set -u
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")
python3 "$here/mkpcap.py" "$NBT_TMP/s.pcap" --frames 3
python3 "$here/stream_check.py" "$NBT" "$NBT_TMP/s.pcap"
