#!/bin/sh
# summary: self-test for pisim.py: dnsmasq (DHCP + PXE option 43 + TFTP, RFC 2131/4578/1350/2347-2349)
# in one network namespace, the simulated Pi in another, tcpdump on the Pi side, tshark checks.
#
# Usage: sh tests/lab/pisim-selftest.sh [-k]   (-k keeps the work directory with the captures)
# Exit: 0 pass, 1 fail, 77 skip (not root, or a needed binary missing).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PISIM="$HERE/pisim.py"
KEEP=0
[ "${1:-}" = "-k" ] && KEEP=1

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
for b in ip dnsmasq tcpdump tshark python3 busybox; do
	if ! command -v "$b" >/dev/null 2>&1; then
		echo "SKIP: $b not installed"
		exit 77
	fi
done

NS_SRV="nbtsim-$$-srv"
NS_PI="nbtsim-$$-pi"
V_SRV="nbs$$"
V_PI="nbp$$"
SRV_IP=10.213.0.1
SERIAL=38c128c0
MAC=dc:a6:32:79:26:df
WORK=$(mktemp -d /tmp/pisim-selftest.XXXXXX)
DNSMASQ_PID=
TCPDUMP_PID=
HPA_PID=
FAILS=0

cleanup() {
	for p in $TCPDUMP_PID $DNSMASQ_PID $HPA_PID ${FAKE_PID:-}; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	# anything still running inside our own two namespaces was started by this script
	# (rpcbind, ganesha.nfsd): end it by pid before deleting the namespaces
	left=$(ip netns pids "$NS_SRV" 2>/dev/null; ip netns pids "$NS_PI" 2>/dev/null)
	if [ -n "$left" ]; then
		kill $left 2>/dev/null
		sleep 1
		kill -9 $(ip netns pids "$NS_SRV" 2>/dev/null; ip netns pids "$NS_PI" 2>/dev/null) 2>/dev/null
	fi
	ip netns del "$NS_PI" 2>/dev/null
	ip netns del "$NS_SRV" 2>/dev/null
	if [ "$KEEP" = 1 ]; then
		echo "work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

fail() {
	echo "FAIL: $*"
	FAILS=$((FAILS + 1))
}
pass() {
	echo "ok:   $*"
}

# --- network: two namespaces joined by a veth pair; the Pi side has no address -------------
ip netns add "$NS_SRV" || exit 1
ip netns add "$NS_PI" || exit 1
ip link add "$V_SRV" type veth peer name "$V_PI" || exit 1
ip link set "$V_SRV" netns "$NS_SRV"
ip link set "$V_PI" netns "$NS_PI"
ip -n "$NS_SRV" link set lo up
ip -n "$NS_PI" link set lo up
# no IPv6 chatter from the server end either (a Pi firmware capture has none)
ip netns exec "$NS_SRV" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$V_SRV/disable_ipv6"
ip -n "$NS_SRV" addr add "$SRV_IP/24" dev "$V_SRV"
ip -n "$NS_SRV" link set "$V_SRV" up
# the Pi end is brought up (and its MAC set) by pisim itself

# --- TFTP tree: files of known sizes (sizes chosen to end in a short final block) -------------
mkfile() { # path size
	mkdir -p "$(dirname "$1")"
	head -c "$2" /dev/urandom >"$1"
}
ROOT="$WORK/tftp"
mkfile "$ROOT/$SERIAL/start4.elf" 5000
mkfile "$ROOT/$SERIAL/config.txt" 300
mkfile "$ROOT/$SERIAL/fixup4.dat" 2100
mkfile "$ROOT/$SERIAL/bcm2711-rpi-4-b.dtb" 3000
mkfile "$ROOT/$SERIAL/overlays/overlay_map.dtb" 1500
mkfile "$ROOT/$SERIAL/kernel8.img" 40000
mkfile "$ROOT/$SERIAL/bcm2712-rpi-5-b.dtb" 3100
mkfile "$ROOT/$SERIAL/kernel_2712.img" 30000
mkfile "$ROOT/bootcode.bin" 1800
mkfile "$ROOT/start.elf" 4000
mkfile "$ROOT/fixup.dat" 700
mkfile "$ROOT/config.txt" 100
mkfile "$ROOT/bcm2710-rpi-3-b.dtb" 2000
mkfile "$ROOT/kernel8.img" 10000
# a file exactly 2 blocks long: the transfer must end with an empty DATA block
mkfile "$ROOT/$SERIAL/cmdline.txt" 2048
chmod -R a+rX "$WORK"

# start_dnsmasq NAME [extra dnsmasq options...]
start_dnsmasq() {
	name=$1
	shift
	ip netns exec "$NS_SRV" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --user=root \
		--interface="$V_SRV" --bind-interfaces --pid-file= \
		--dhcp-range=10.213.0.50,10.213.0.99,255.255.255.0,1h \
		--dhcp-leasefile="$WORK/$name.leases" --log-dhcp --log-facility="$WORK/$name.dnsmasq.log" \
		--no-ping --enable-tftp --tftp-root="$ROOT" "$@" 2>"$WORK/$name.dnsmasq.err" &
	DNSMASQ_PID=$!
	sleep 0.5
}
stop_dnsmasq() {
	kill "$DNSMASQ_PID" 2>/dev/null && wait "$DNSMASQ_PID" 2>/dev/null
	DNSMASQ_PID=
}
# capture on the server end (like the seed set-up's router capture): it stays up while pisim
# takes the Pi end down to set its MAC
start_tcpdump() { # NAME
	ip netns exec "$NS_SRV" tcpdump -i "$V_SRV" --immediate-mode -B 16384 -U -n -s 0 -w "$WORK/$1.pcap" \
		2>"$WORK/$1.tcpdump.err" &
	TCPDUMP_PID=$!
	i=0
	while ! grep -q "listening on" "$WORK/$1.tcpdump.err" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
stop_tcpdump() {
	sleep 0.3
	kill -INT "$TCPDUMP_PID" 2>/dev/null && wait "$TCPDUMP_PID" 2>/dev/null
	TCPDUMP_PID=
}
# pisim NAME EXPECTED_EXIT args...
pisim() {
	name=$1
	want=$2
	shift 2
	ip netns exec "$NS_PI" python3 "$PISIM" --iface "$V_PI" --mac "$MAC" --serial "$SERIAL" \
		--dhcp-retry 1 --dhcp-timeout 8 --file-timeout 6 "$@" 2>"$WORK/$name.pisim.log"
	rc=$?
	if [ "$rc" = "$want" ]; then
		pass "$name: pisim exit $rc"
	else
		fail "$name: pisim exit $rc, expected $want"
		sed 's/^/    /' "$WORK/$name.pisim.log"
	fi
}
# count NAME FILTER -> number of matching frames
count() {
	tshark -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -r "$WORK/$1.pcap" -Y "$2" 2>/dev/null | wc -l
}
# expect NAME FILTER OP N TEXT  (OP: -eq -ge -gt)
expect() {
	n=$(count "$1" "$2")
	if [ "$n" "$3" "$4" ]; then
		pass "$1: $5 ($n)"
	else
		fail "$1: $5: '$2' matched $n frames, want $3 $4"
	fi
}

# --- 1. Pi 4, full boot with serial folder, probe, kernel DHCP ---------------------------------
start_dnsmasq pi4 "--pxe-service=0,Raspberry Pi Boot" "--dhcp-option=66,$SRV_IP"
start_tcpdump pi4
pisim pi4 0 --model pi4 --xid 1a2b3c4d
stop_tcpdump
X=0x1a2b3c4d
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 1 && dhcp.flags == 0" -ge 1 "firmware DISCOVER, flags 0"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 1 && dhcp.option.vendor_class_id == \"PXEClient:Arch:00000:UNDI:002001\"" -ge 1 "DISCOVER option 60"
# option 97: 00 'RPi4' rev 0x00c03111 LE, MAC low word 0x327926df LE, serial 0x38c128c0 LE
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 1 && dhcp.option.type == 97 && dhcp.option.value == 00:52:50:69:34:11:31:c0:00:df:26:79:32:c0:28:c1:38" -ge 1 "DISCOVER option 97 layout"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 1 && dhcp.option.type == 93 && dhcp.option.value == 00:00" -ge 1 "DISCOVER option 93 = 0"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 1 && dhcp.option.type == 94 && dhcp.option.value == 01:02:01" -ge 1 "DISCOVER option 94"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 1 && udp.checksum.status == 1 && ip.checksum.status == 1" -ge 1 "DISCOVER IP and UDP checksums verified"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 1 && frame.len == 364 && !dhcp.option.type == 57" -ge 1 "DISCOVER is 364 bytes on the wire, no option 57, as a real Pi 4's"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 2 && dhcp.option.vendor_class_id contains \"PXEClient\"" -ge 1 "OFFER"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 3 && dhcp.option.requested_ip_address" -ge 1 "REQUEST with option 50"
expect pi4 "dhcp.id == $X && dhcp.option.dhcp == 5" -ge 1 "ACK"
expect pi4 "tftp.opcode == 1 && tftp.source_file == \"$SERIAL/start4.elf\" && tftp.option.name == \"tsize\"" -eq 3 "RRQs for $SERIAL/start4.elf (2 probes + read)"
expect pi4 "tftp.opcode == 1 && tftp.source_file == \"$SERIAL/kernel8.img\"" -eq 1 "RRQ for kernel8.img"
expect pi4 "tftp.opcode == 6" -ge 8 "OACKs"
expect pi4 "tftp.opcode == 5 && tftp.error.code == 0 && tftp.error.message == \"Early terminate\"" -ge 1 "ERROR 0 after the probe"
expect pi4 "tftp.opcode == 5 && tftp.error.code == 1" -ge 2 "recovery.bin / pieeprom.sig not found"
# kernel8.img: 40000 bytes / 1024 = 39 full blocks + 64 bytes in block 40
expect pi4 "tftp.opcode == 3 && tftp.block == 40 && udp.length == 76" -eq 1 "kernel8.img final short block"
expect pi4 "tftp.opcode == 4 && tftp.block == 40" -eq 1 "kernel8.img final ACK"
# cmdline.txt: 2048 bytes -> block 3 is empty
expect pi4 "tftp.opcode == 3 && tftp.block == 3 && udp.length == 12" -eq 1 "empty final block of a 2-block file"
K="dhcp.id != $X && !dhcp.option.vendor_class_id && ip.len == 576 && ip.flags.df == 1 && udp.checksum == 0 && dhcp.option.value == 01:03:06:0c:0f:11:1a:28:2a && !dhcp.option.type == 57"
expect pi4 "$K && dhcp.option.dhcp == 1" -eq 1 "kernel (ipconfig-like) DISCOVER: 576 bytes, DF, no option 60/57"
expect pi4 "$K && dhcp.option.dhcp == 3 && dhcp.option.requested_ip_address" -eq 1 "kernel REQUEST"
expect pi4 "dhcp.id != $X && dhcp.option.dhcp == 5" -eq 1 "kernel ACK"
expect pi4 "ip.dst != 10.213.0.0/24 && ip.dst != 255.255.255.255 && ip.src != 0.0.0.0" -eq 0 "nothing sent outside the lab subnet"
expect pi4 "ipv6" -eq 0 "no IPv6 chatter"
expect pi4 "eth.src == $MAC && (udp.checksum.status == 2 || ip.checksum.status == 2)" -eq 0 "no bad checksums from the Pi (offload off)"
expect pi4 "eth.src == $MAC && udp.checksum.status == 1" -ge 50 "Pi UDP checksums verified"
stop_dnsmasq

# --- 2. Pi 3: no REQUEST, fixed xid, legacy option 97, root fallback, bootsig missing ---------
start_dnsmasq pi3 "--pxe-service=0,Raspberry Pi Boot   " "--dhcp-option=66,$SRV_IP"
start_tcpdump pi3
pisim pi3 0 --model pi3 --mac b8:27:eb:64:24:7d --serial 5564247d --no-kernel-dhcp
stop_tcpdump
X=0x26f30339
expect pi3 "dhcp.id == $X && dhcp.option.dhcp == 1" -ge 1 "DISCOVER with xid 0x26f30339"
expect pi3 "dhcp.id == $X && dhcp.option.dhcp == 1 && dhcp.option.type == 97 && dhcp.option.value == 00:7d:24:64:55:7d:24:64:55:7d:24:64:55:7d:24:64:55" -ge 1 "legacy option 97 (serial x4)"
expect pi3 "dhcp.id == $X && dhcp.option.dhcp == 1 && udp.checksum == 0 && ip.ttl == 128" -ge 1 "ROM-style UDP checksum 0, TTL 128"
expect pi3 "dhcp.id == $X && dhcp.option.dhcp == 2" -ge 1 "OFFER"
expect pi3 "dhcp.option.dhcp == 3" -eq 0 "no REQUEST"
expect pi3 "tftp.opcode == 1 && tftp.source_file == \"bootcode.bin\" && !tftp.option.name" -eq 1 "bootcode.bin RRQ without options"
expect pi3 "tftp.opcode == 5 && tftp.error.code == 1" -ge 2 "bootsig.bin and 5564247d/start.elf not found"
expect pi3 "tftp.opcode == 1 && tftp.source_file == \"5564247d/start.elf\"" -eq 1 "serial folder tried"
expect pi3 "tftp.opcode == 1 && tftp.source_file == \"start.elf\"" -eq 1 "root fallback"
expect pi3 "tftp.opcode == 1 && tftp.source_file == \"kernel8.img\"" -eq 1 "kernel from the root"
stop_dnsmasq

# --- 3. Pi 4, offers without option 43: repeated DISCOVERs, exit 2 ----------------------------
start_dnsmasq no43 "--dhcp-option=66,$SRV_IP"
start_tcpdump no43
pisim no43 2 --model pi4 --dhcp-timeout 3.5
stop_tcpdump
expect no43 "dhcp.option.dhcp == 1" -ge 3 "DISCOVER repeated"
expect no43 "dhcp.option.dhcp == 2" -ge 3 "OFFERs ignored"
expect no43 "dhcp.option.dhcp == 3" -eq 0 "no REQUEST"
stop_dnsmasq

# --- 4. Pi 5, no option 66: TFTP server from siaddr (dnsmasq sends its own address) ------------
start_dnsmasq pi5 "--pxe-service=0,Raspberry Pi Boot" "--dhcp-boot=x,,$SRV_IP"
start_tcpdump pi5
pisim pi5 0 --model pi5 --mac 2c:cf:67:00:11:22 --no-kernel-dhcp --drop-every 7
stop_tcpdump
expect pi5 "dhcp.option.dhcp == 1 && dhcp.option.type == 97 && dhcp.option.value contains 52:50:69:35" -ge 1 "option 97 fourcc RPi5"
expect pi5 "tftp.opcode == 1 && tftp.source_file == \"$SERIAL/kernel_2712.img\" && tftp.option.value == \"1468\"" -eq 1 "kernel_2712.img with blksize 1468"
expect pi5 "tftp.opcode == 3 && tftp.block == 21 && udp.length == 652" -ge 1 "kernel_2712.img last block (30000 = 20*1468 + 640)"
expect pi5 "tftp.opcode == 3 && tftp.block == 5 && udp.length == 1480" -ge 1 "full 1468-byte blocks"
n=$(count pi5 "tftp.opcode == 3")
d=$(tshark -r "$WORK/pi5.pcap" -Y "tftp.opcode == 3" -T fields -e udp.srcport -e tftp.block 2>/dev/null | sort | uniq -d | wc -l)
if [ "$d" -ge 1 ]; then pass "pi5: dropped DATA retransmitted by the server ($d duplicates of $n)"; else fail "pi5: no retransmitted DATA with --drop-every"; fi
stop_dnsmasq

# --- 5. transfer that stops mid-file (exit 6), option 66 is a name (not resolved) -> siaddr ---
start_dnsmasq stop "--pxe-service=0,Raspberry Pi Boot" "--dhcp-option=66,tftp.example" "--dhcp-boot=x,,$SRV_IP"
start_tcpdump stop
pisim stop 6 --model pi4 --stop-after kernel8.img:10 --stop-linger 2
stop_tcpdump
expect stop "tftp.opcode == 4 && tftp.block == 10" -ge 1 "ACK of block 10"
expect stop "tftp.opcode == 4 && tftp.block == 11" -eq 0 "no ACK of block 11"
expect stop "tftp.opcode == 3 && tftp.block == 11" -ge 2 "server retransmits block 11"
expect stop "icmp" -eq 0 "no ICMP unreachable while silent"
grep -q "from siaddr" "$WORK/stop.pisim.log" && pass "stop: option 66 name ignored, siaddr used" ||
	fail "stop: TFTP server not taken from siaddr"
stop_dnsmasq

# --- 6. missing serial folder file: --prefix mac, nothing there -> root, dtb missing -> exit 4 -
start_dnsmasq missing "--pxe-service=0,Raspberry Pi Boot" "--dhcp-option=66,$SRV_IP"
start_tcpdump missing
pisim missing 4 --model pi4 --prefix mac
stop_tcpdump
expect missing "tftp.opcode == 1 && tftp.source_file == \"dc-a6-32-79-26-df/start4.elf\"" -eq 1 "MAC-folder probe"
expect missing "tftp.opcode == 1 && tftp.source_file == \"start4.elf\"" -ge 1 "root fallback"
grep -q "required file start4.elf" "$WORK/missing.pisim.log" && pass "missing: exit 4 names start4.elf" ||
	fail "missing: message does not name start4.elf"
stop_dnsmasq

# --- 6b. tftpd-hpa as the TFTP server (TFTP_IP override), raw-string option 43 as in the seed
#     guide, --drop-every: tftpd-hpa retransmits the dropped blocks and the boot completes ------
if command -v in.tftpd >/dev/null; then
	start_dnsmasq hpa "--dhcp-option=43,Raspberry Pi Boot"
	ip netns exec "$NS_SRV" in.tftpd -L -s -v -a "$SRV_IP:69" -T 300000 "$ROOT" 2>"$WORK/hpa.tftpd.err" &
	HPA_PID=$!
	sleep 0.3
	start_tcpdump hpa
	pisim hpa 0 --model pi4 --tftp-server "$SRV_IP" --drop-every 5 --no-kernel-dhcp
	stop_tcpdump
	kill "$HPA_PID" 2>/dev/null && wait "$HPA_PID" 2>/dev/null
	expect hpa "dhcp.option.dhcp == 2 && dhcp.option.type == 43 && dhcp.option.value == \"Raspberry Pi Boot\"" -ge 1 "raw option 43 accepted"
	expect hpa "dhcp.option.dhcp == 2 && dhcp.option.type == 66" -eq 0 "no option 66 (TFTP_IP used)"
	expect hpa "tftp.opcode == 3 && tftp.block == 40 && udp.length == 76" -ge 1 "kernel8.img completes from tftpd-hpa"
	d=$(tshark -r "$WORK/hpa.pcap" -Y "tftp.opcode == 3" -T fields -e udp.srcport -e tftp.block 2>/dev/null | sort | uniq -d | wc -l)
	if [ "$d" -ge 5 ]; then pass "hpa: $d DATA blocks retransmitted after drops"; else fail "hpa: only $d retransmitted DATA blocks"; fi
	stop_dnsmasq
else
	echo "skip: tftpd-hpa case (in.tftpd missing)"
fi

# --- 7. block number wrap-around: blksize 8, a 600000-byte file (75000 blocks) ----------------
mkfile "$ROOT/wrap/start4.elf" 1
mkfile "$ROOT/wrap/fixup4.dat" 600000
for f in config.txt cmdline.txt bcm2711-rpi-4-b.dtb kernel8.img; do mkfile "$ROOT/wrap/$f" 10; done
start_dnsmasq wrap "--pxe-service=0,Raspberry Pi Boot" "--dhcp-option=66,$SRV_IP"
pisim wrap 0 --model pi4 --prefix wrap/ --blksize 8 --no-kernel-dhcp
grep -q "fixup4.dat: 600000 bytes in 75001 blocks" "$WORK/wrap.pisim.log" && pass "wrap: 75001 blocks across the 16-bit wrap" ||
	fail "wrap: fixup4.dat not complete: $(grep fixup4 "$WORK/wrap.pisim.log")"
stop_dnsmasq

# --- 7b. scripted DHCP server (pisim_fakedhcp.py) + dnsmasq as TFTP only ----------------------
FAKE_PID=
start_fake() { # NAME fakedhcp-options...
	name=$1
	shift
	ip netns exec "$NS_SRV" python3 -B "$HERE/pisim_fakedhcp.py" --iface "$V_SRV" --server "$SRV_IP" \
		--offer 10.213.0.60 "$@" 2>"$WORK/$name.fake.log" &
	FAKE_PID=$!
	sleep 0.5
}
stop_fake() {
	kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null
	FAKE_PID=
}
# dnsmasq without a dhcp-range: TFTP only, so the scripted server is the only DHCP server
ip netns exec "$NS_SRV" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --user=root \
	--interface="$V_SRV" --bind-interfaces --pid-file= --log-facility="$WORK/tftponly.dnsmasq.log" \
	--enable-tftp --tftp-root="$ROOT" 2>"$WORK/tftponly.dnsmasq.err" &
DNSMASQ_PID=$!
sleep 0.5
# NAK on the first REQUEST: the Pi 4 starts over from DISCOVER and then boots
start_fake nak --opt43 "Raspberry Pi Boot" --opt66 "$SRV_IP" --nak 1
start_tcpdump nak
pisim nak 0 --model pi4 --no-kernel-dhcp
stop_tcpdump
stop_fake
expect nak "dhcp.option.dhcp == 6" -eq 1 "NAK"
expect nak "dhcp.option.dhcp == 1" -eq 2 "DISCOVER again after the NAK"
expect nak "dhcp.option.dhcp == 3" -eq 2 "two REQUESTs"
expect nak "tftp.opcode == 1 && tftp.source_file == \"$SERIAL/kernel8.img\"" -eq 1 "boot goes on after the ACK"
# no ACK at all: REQUEST, wait --req-timeout, start over, until --dhcp-timeout -> exit 2
start_fake noack --opt43 "Raspberry Pi Boot" --opt66 "$SRV_IP" --no-ack
start_tcpdump noack
pisim noack 2 --model pi4 --req-timeout 1 --dhcp-timeout 3.5
stop_tcpdump
stop_fake
expect noack "dhcp.option.dhcp == 3" -ge 3 "REQUEST repeated after each ACK timeout"
# Pi 3 with next-server only: it ignores siaddr -> exit 3; a Pi 4 follows siaddr
start_fake siaddr --opt43 "Raspberry Pi Boot   " --siaddr "$SRV_IP"
start_tcpdump siaddr
pisim siaddr 3 --model pi3 --mac b8:27:eb:64:24:7d --serial 5564247d
pisim siaddr4 0 --model pi4 --no-kernel-dhcp
stop_tcpdump
stop_fake
expect siaddr "tftp.opcode == 1 && eth.src == b8:27:eb:64:24:7d" -eq 0 "Pi 3: no RRQ without option 66"
expect siaddr "tftp.opcode == 1 && eth.src == $MAC" -ge 5 "Pi 4: RRQs to siaddr"
# option 66 and siaddr disagree: option 66 wins (10.213.0.9 does not exist: ARP unanswered)
start_fake both --opt43 "Raspberry Pi Boot" --opt66 10.213.0.9 --siaddr "$SRV_IP"
start_tcpdump both
pisim both 5 --model pi4 --file-timeout 6 --tftp-retry 1 --no-kernel-dhcp
stop_tcpdump
stop_fake
expect both "arp.opcode == 1 && arp.dst.proto_ipv4 == 10.213.0.9" -ge 1 "ARP for the option-66 server"
expect both "tftp" -eq 0 "no RRQ reaches the wire (no ARP reply)"
stop_dnsmasq

# --- 8. NFS root via libnfs against nfs-ganesha (optional: skipped when not installed) -------
# rpcbind and ganesha run in a private mount namespace (tmpfs on /run and /var/lib/nfs) so they
# cannot collide with another rpcbind's /run/rpcbind.sock on this machine.
if command -v ganesha.nfsd >/dev/null && command -v rpcbind >/dev/null &&
	command -v nfs-ls >/dev/null && command -v nfs-cat >/dev/null && command -v unshare >/dev/null; then
	EXP="$WORK/nfsroot"
	mkdir -p "$EXP/etc"
	echo pisim-selftest >"$EXP/etc/hostname"
	cat >"$WORK/ganesha.conf" <<-EOF
		NFS_CORE_PARAM { Protocols = 3, 4; Enable_NLM = false; Enable_RQUOTA = false; NFS_Port = 2049; MNT_Port = 20048; }
		NFSV4 { Graceless = true; Grace_Period = 0; RecoveryBackend = fs; }
		NFS_KRB5 { Active_krb5 = false; }
		LOG { Default_Log_Level = EVENT; }
		EXPORT { Export_Id = 1; Path = $EXP; Pseudo = $EXP; Access_Type = RO; Squash = No_Root_Squash;
			SecType = sys; Protocols = 3, 4; Transports = TCP, UDP; FSAL { Name = VFS; } }
	EOF
	cat >"$WORK/nfs-srv.sh" <<-EOF
		mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/lib/nfs || exit 1
		mkdir -p /run/ganesha /var/lib/nfs/ganesha
		rpcbind -f -w & echo \$! >"$WORK/rpcbind.pid"
		sleep 0.3
		ganesha.nfsd -F -L "$WORK/ganesha.log" -f "$WORK/ganesha.conf" -p "$WORK/ganesha.pid" &
		wait
	EOF
	ip netns exec "$NS_SRV" unshare -m --propagation private sh "$WORK/nfs-srv.sh" >"$WORK/nfs-srv.out" 2>&1 &
	i=0
	until ip netns exec "$NS_SRV" ss -ltn 2>/dev/null | grep -q ':2049 ' || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	start_dnsmasq nfs "--pxe-service=0,Raspberry Pi Boot" "--dhcp-option=66,$SRV_IP"
	start_tcpdump nfs3
	pisim nfs3 0 --model pi4 --nfs-root "$SRV_IP:$EXP" --nfs-version 3 --nfs-timeout 15 --kernel-dhcp udhcpc
	stop_tcpdump
	expect nfs3 "!dhcp.option.vendor_class_id && dhcp.option.dhcp == 1 && dhcp.option.type == 57" -ge 1 "udhcpc kernel DISCOVER without option 60"
	expect nfs3 "!dhcp.option.vendor_class_id && dhcp.option.dhcp == 5" -ge 1 "udhcpc kernel ACK"
	expect nfs3 "portmap.procedure_v2 == 3 && portmap.prog == 100005" -ge 1 "portmap GETPORT for MOUNT"
	expect nfs3 "mount.path == \"$EXP\"" -ge 1 "MNT call with the export path"
	expect nfs3 "nfs.procedure_v3 == 6 && rpc.msgtyp == 1" -ge 1 "NFSv3 READ reply"
	expect nfs3 "eth.src == $MAC && tcp.checksum.status == 2" -eq 0 "no bad TCP checksums from the Pi"
	start_tcpdump nfs4
	pisim nfs4 0 --model pi4 --nfs-root "$SRV_IP:$EXP" --nfs-version 4 --nfs-timeout 15
	stop_tcpdump
	expect nfs4 "portmap" -eq 0 "NFSv4: no portmap"
	expect nfs4 "nfs.opcode == 24" -ge 1 "NFSv4 PUTROOTFH"
	pisim nfsbad 8 --model pi4 --nfs-root "$SRV_IP:$WORK/nope" --nfs-version 3 --nfs-timeout 15
	grep -q "MNT3ERR_ACCES\|MNT3ERR_NOENT" "$WORK/nfsbad.pisim.log" && pass "nfsbad: libnfs message reported" ||
		fail "nfsbad: no MNT error in the message"
	stop_dnsmasq
	for f in ganesha.pid rpcbind.pid; do
		[ -s "$WORK/$f" ] && kill "$(cat "$WORK/$f")" 2>/dev/null
	done
else
	echo "skip: NFS case (ganesha.nfsd, rpcbind, libnfs-utils or unshare missing)"
fi

echo "pisim selftest: $FAILS failure(s)"
[ "$FAILS" = 0 ]
