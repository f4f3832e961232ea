#!/usr/bin/env python3
"""summary: feeds a capture to `netboot-trace -r - --dump` in pieces and checks that events
come out while the stream is still open (processed as it arrives, not after EOF).

usage: stream_check.py NBT PCAP  (PCAP from mkpcap.py: 3 DHCP frames)
"""
import select
import subprocess
import sys
import time

nbt, cap = sys.argv[1], sys.argv[2]
data = open(cap, "rb").read()
# pcap header (24) + first frame record; frame records are equal-sized here.
rec = (len(data) - 24) // 3
proc = subprocess.Popen([nbt, "-r", "-", "--dump"], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE)
proc.stdin.write(data[: 24 + rec])
proc.stdin.flush()
ready, _, _ = select.select([proc.stdout], [], [], 10)
if not ready:
    proc.kill()
    sys.exit("FAIL: no event within 10 s of the first frame while the stream stayed open")
line = proc.stdout.readline().decode()
if " dhcp " not in line:
    proc.kill()
    sys.exit("FAIL: first line is not the DHCP event: %r" % line)
time.sleep(0.2)
proc.stdin.write(data[24 + rec:])
proc.stdin.close()
rest = proc.stdout.read().decode().splitlines()
rc = proc.wait()
if rc != 0 or sum(" dhcp " in l for l in rest) != 2:
    sys.exit("FAIL: exit %d, remaining lines %r" % (rc, rest))
print("ok: first event arrived before end of stream; 3 events in all")
