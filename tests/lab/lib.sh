# summary: capture-lab helpers: private namespaces, bridge, servers, clients, capture, cleanup.
#
# Sourced by tests/lab/run-scenario. Everything runs inside network namespaces named
# "nbtlab-<pid>-<role>"; the only link between them is a bridge (br0) inside the server
# namespace, on the private range 10.99.0.0/24, so no packet can reach the host's networks.
# Every process is started in the background, its pid recorded in LAB_PIDS, and lab_cleanup
# (installed as an EXIT trap by lab_init) kills those pids and deletes the namespaces, even when
# the scenario fails half-way.
#
# Sourced file: its variables are used by the files that source it.
# shellcheck disable=SC2034

LAB_DIR=${LAB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
LAB_NET=10.99.0
LAB_SRV_IP=$LAB_NET.1
LAB_PFX=nbtlab-$$
LAB_SRV=$LAB_PFX-srv
LAB_PIDS=()
LAB_NS=()
LAB_TMP=
LAB_CAP_PID=
LAB_CAP_FILE=
LAB_CHATTER_PID=
LAB_LINGER=${LAB_LINGER:-4} # seconds a stall scenario keeps capturing after the client gave up
LAB_VERBOSE=${LAB_VERBOSE:-0}

# Pi identities used by the scenarios (MAC OUIs of Raspberry Pi Ltd / Foundation).
PI4_MAC=dc:a6:32:79:26:df
PI4_SERIAL=38c128c0
PI5_MAC=2c:cf:67:11:22:33
PI5_SERIAL=5ea1c0de
PI3_SERIAL_BASE=3b0000

log() { printf '[lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "FAIL: $*"
	exit 1
}

lab_need() {
	local b
	for b in "$@"; do
		command -v "$b" >/dev/null 2>&1 || die "missing program $b (see tests/lab/packages.txt)"
	done
}

# Run a command inside a lab namespace.
lab_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

lab_track() { LAB_PIDS+=("$1"); }

# Forget a pid once it has been reaped, so cleanup can never signal a recycled pid.
lab_untrack() {
	local i
	for i in "${!LAB_PIDS[@]}"; do
		[ "${LAB_PIDS[i]}" = "$1" ] && unset 'LAB_PIDS[i]'
	done
	LAB_PIDS=("${LAB_PIDS[@]}")
}

# lab_wait PID: wait for a tracked background pid, untrack it, return its status. The wait
# builtin (unlike a foreground command) is interrupted by INT/TERM, so the cleanup trap runs at
# once instead of after a client that may take its whole DHCP timeout.
lab_wait() {
	local rc
	wait "$1"
	rc=$?
	lab_untrack "$1"
	return $rc
}

# lab_wait_for PID FILE REGEX SECONDS: true once FILE matches REGEX (grep -E); false when PID
# exits or SECONDS pass first (a QEMU guest driven through its log).
lab_wait_for() {
	local pid=$1 file=$2 re=$3 i
	for i in $(seq 1 $(($4 * 2))); do
		grep -Eq "$re" "$file" 2>/dev/null && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

lab_kill_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	lab_untrack "$pid"
	return 0
}

lab_cleanup() {
	local rc=$? i ns
	trap - EXIT INT TERM
	if [ -n "$LAB_CAP_PID" ]; then
		kill -INT "$LAB_CAP_PID" 2>/dev/null
		wait "$LAB_CAP_PID" 2>/dev/null
	fi
	# Last started first: clients before the servers they talk to.
	for ((i = ${#LAB_PIDS[@]} - 1; i >= 0; i--)); do
		lab_kill_pid "${LAB_PIDS[i]}"
	done
	# Children a supervisor shell started (rpcbind, ganesha) wrote their pids here.
	if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP/pids" ]; then
		for i in "$LAB_TMP"/pids/*; do
			[ -f "$i" ] || continue
			# Only if that pid still runs the program that wrote the file (rpcbind, ganesha*).
			case $(cat "/proc/$(cat "$i")/comm" 2>/dev/null) in
			"$(basename "$i")"*) lab_kill_pid "$(cat "$i")" ;;
			esac
		done
	fi
	for ((i = ${#LAB_NS[@]} - 1; i >= 0; i--)); do
		ns=${LAB_NS[i]}
		ip netns del "$ns" 2>/dev/null
	done
	if [ "$rc" -ne 0 ] && [ -n "$LAB_TMP" ]; then
		for i in "$LAB_TMP"/log/pisim-*.out; do
			[ -f "$i" ] && log "$(basename "$i"): $(tail -2 "$i" | tr '\n' ' ')"
		done
	fi
	if [ -n "$LAB_TMP" ] && [ -d "$LAB_TMP" ]; then
		if [ "$rc" -ne 0 ] && [ "${LAB_KEEP_ON_FAIL:-0}" = 1 ]; then
			log "keeping $LAB_TMP for inspection"
		else
			rm -rf "$LAB_TMP"
		fi
	fi
	exit "$rc"
}

lab_ns_add() {
	ip netns add "$1" || die "cannot create namespace $1"
	LAB_NS+=("$1")
	ip netns exec "$1" ip link set lo up
	# IPv4 only: no router solicitations or MLD reports cluttering the captures.
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
}

# Create the temp dir, the server namespace and its bridge. Installs the cleanup trap.
lab_init() {
	[ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces)"
	lab_need ip tcpdump tshark
	LAB_TMP=$(mktemp -d /tmp/nbtlab.XXXXXX) || die "mktemp"
	chmod 755 "$LAB_TMP"
	mkdir -p "$LAB_TMP/pids" "$LAB_TMP/log"
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
	lab_ns_add "$LAB_SRV"
	# A fixed, locally administered MAC: the server looks the same in every capture.
	lab_ns "$LAB_SRV" ip link add br0 address 02:00:0a:63:00:01 type bridge || die "no bridge support"
	# No STP and no forwarding delay: a port forwards as soon as it is up.
	lab_ns "$LAB_SRV" ip link set br0 type bridge stp_state 0 forward_delay 0 2>/dev/null
	lab_ns "$LAB_SRV" ip addr add "$LAB_SRV_IP/24" dev br0
	lab_ns "$LAB_SRV" ip link set br0 up
	lab_txcsum_off "$LAB_SRV" br0
}

# Checksums filled in by the stack, not left to (virtual) offload: see txcsum-off.py.
lab_txcsum_off() {
	local ns=$1
	shift
	lab_ns "$ns" python3 "$LAB_DIR/txcsum-off.py" "$@" || die "cannot turn checksum offload off on $*"
}

# lab_client NAME MAC [NS BRIDGE]: a client namespace ($(lab_cns NAME)) whose eth0 is a port of
# br0 in the server's namespace, or of BRIDGE in namespace NS (the relay's segment).
lab_client() {
	local name=$1 mac=$2 bns=${3:-$LAB_SRV} br=${4:-br0} ns=$LAB_PFX-$1 peer=v$RANDOM$RANDOM
	peer=${peer:0:15}
	lab_ns_add "$ns"
	lab_ns "$bns" ip link add "$peer" type veth peer name eth0 netns "$ns" ||
		die "veth for $name"
	lab_ns "$bns" ip link set "$peer" master "$br"
	lab_ns "$bns" ip link set "$peer" up
	lab_txcsum_off "$bns" "$peer"
	[ -n "$mac" ] && lab_ns "$ns" ip link set eth0 address "$mac"
	lab_ns "$ns" ip link set eth0 up
	lab_txcsum_off "$ns" eth0
}

# lab_br0_link NS IFNAME WHAT: a new namespace NS joined to br0 by a veth whose end in NS is
# IFNAME (not yet up there); WHAT names it in the error.
lab_br0_link() {
	local ns=$1 ifname=$2 peer=v$RANDOM$RANDOM
	peer=${peer:0:15}
	lab_ns_add "$ns"
	lab_ns "$LAB_SRV" ip link add "$peer" type veth peer name "$ifname" netns "$ns" ||
		die "veth for $3"
	lab_ns "$LAB_SRV" ip link set "$peer" master br0
	lab_ns "$LAB_SRV" ip link set "$peer" up
	lab_txcsum_off "$LAB_SRV" "$peer"
}

# lab_stp_switch FWD: a switch namespace ($LAB_SW_NS) whose bridge br1 runs the kernel's 802.1D
# spanning tree (forward delay FWD seconds, hello 1 s), uplinked to br0 as one of its ports; waits
# until the uplink forwards. Clients join with: lab_client NAME MAC "$LAB_SW_NS" br1, and their
# port then forwards nothing for 2 x FWD s (listening, then learning), as on a managed switch
# without portfast. Its BPDUs reach br0, where the capture sees them.
lab_stp_switch() {
	local fwd=$1 i
	LAB_SW_NS=$LAB_PFX-switch
	lab_br0_link "$LAB_SW_NS" up0 "the switch"
	lab_ns "$LAB_SW_NS" ip link add br1 address 02:00:0a:63:00:fe type bridge
	# Bridge timers are in hundredths of a second (ip-link(8) passes them to the kernel as such).
	# max_age 6 s (the least): a topology change is announced for max age + forward delay.
	lab_ns "$LAB_SW_NS" ip link set br1 type bridge stp_state 1 forward_delay $((fwd * 100)) \
		hello_time 100 max_age 600 || die "no kernel STP"
	lab_ns "$LAB_SW_NS" ip link set up0 master br1
	lab_ns "$LAB_SW_NS" ip link set up0 up
	lab_ns "$LAB_SW_NS" ip link set br1 up
	for i in $(seq 1 $((fwd * 20 + 50))); do
		lab_ns "$LAB_SW_NS" bridge link show dev up0 | grep -q 'state forwarding' && return 0
		sleep 0.1
	done
	die "the switch's uplink never came to forwarding"
}

# lab_relay: a router namespace ($LAB_RELAY_NS) between br0 ($LAB_NET.254) and a segment of its
# own, bridge br1 ($LAB_RELAY_NET.254/24), running ISC dhcrelay towards the server, which routes
# $LAB_RELAY_NET.0/24 back through it. Clients join with: lab_client NAME MAC "$LAB_RELAY_NS" br1.
LAB_RELAY_NET=10.98.0
lab_relay() {
	LAB_RELAY_NS=$LAB_PFX-relay
	lab_need dhcrelay
	lab_br0_link "$LAB_RELAY_NS" eth0 "the relay"
	lab_ns "$LAB_RELAY_NS" ip addr add "$LAB_NET.254/24" dev eth0
	lab_ns "$LAB_RELAY_NS" ip link set eth0 up
	lab_txcsum_off "$LAB_RELAY_NS" eth0
	lab_ns "$LAB_RELAY_NS" ip link add br1 address 02:00:0a:62:00:fe type bridge
	lab_ns "$LAB_RELAY_NS" ip link set br1 type bridge stp_state 0 forward_delay 0 2>/dev/null
	lab_ns "$LAB_RELAY_NS" ip addr add "$LAB_RELAY_NET.254/24" dev br1
	lab_ns "$LAB_RELAY_NS" ip link set br1 up
	lab_txcsum_off "$LAB_RELAY_NS" br1
	lab_ns "$LAB_RELAY_NS" sysctl -qw net.ipv4.ip_forward=1
	lab_ns "$LAB_SRV" ip route add "$LAB_RELAY_NET.0/24" via "$LAB_NET.254"
	# -iu: the server side, -id: the clients' side (dhcrelay(8)); -d: stay in the foreground.
	ip netns exec "$LAB_RELAY_NS" dhcrelay -d -4 -iu eth0 -id br1 "$LAB_SRV_IP" \
		>>"$LAB_TMP/log/dhcrelay.out" 2>&1 &
	lab_track $!
	sleep 0.5
	kill -0 $! 2>/dev/null || die "dhcrelay did not start: $(cat "$LAB_TMP/log/dhcrelay.out")"
}

# The namespace of client NAME.
lab_cns() { echo "$LAB_PFX-$1"; }

# lab_alias IP: an extra address on the server side (e.g. a second server that stays silent).
lab_alias() { lab_ns "$LAB_SRV" ip addr add "$1/24" dev br0; }

# lab_drop_dhcp_acks: the server's DHCPACKs never leave it (an nftables output rule), as a
# firewall or a broken relay path would lose them; OFFERs and NAKs pass. Option 53 (message
# type) is the first option dnsmasq writes, at byte 240 of the BOOTP message (RFC 2131 s3,
# after the 4-byte cookie), so an ACK carries 0x35 0x01 0x05 there: bit 1984 of the UDP header.
lab_drop_dhcp_acks() {
	lab_need nft
	lab_ns "$LAB_SRV" nft -f - <<NFT
table ip nbtlab_noack {
	chain out {
		type filter hook output priority filter;
		udp sport 67 @th,1984,24 0x350105 drop
	}
}
NFT
}

# lab_snat_replies FROM TO: the server's UDP datagrams from FROM leave with the source address TO
# (nftables source NAT, as a misconfigured router or a multi-homed server would send them);
# DHCP (67), TFTP port 69 and mDNS (5353) are left alone, so this hits the transfer ports.
lab_snat_replies() {
	lab_need nft
	lab_ns "$LAB_SRV" nft -f - <<NFT
table ip nbtlab_nat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip saddr $1 udp sport != { 67, 69, 5353 } snat to $2
	}
}
NFT
}

# lab_capture_start FILE [tcpdump options...]: capture br0 (the "router" view) into FILE.
# LAB_CAP_NS / LAB_CAP_IF choose another namespace / interface (e.g. "any").
lab_capture_start() {
	local out=$1 i
	shift
	local ns=${LAB_CAP_NS:-$LAB_SRV} ifc=${LAB_CAP_IF:-br0}
	# A 16 MiB ring: several Pis bursting TFTP on 2 cores overflow the default 2 MiB
	# (LAB_CAP_BUF KiB for a scenario that sends tens of megabytes).
	ip netns exec "$ns" tcpdump -i "$ifc" --immediate-mode -B "${LAB_CAP_BUF:-16384}" -U -n "$@" -w "$out" \
		2>"$LAB_TMP/log/tcpdump.err" &
	LAB_CAP_PID=$!
	LAB_CAP_FILE=$out
	for i in $(seq 1 50); do
		grep -q 'listening on' "$LAB_TMP/log/tcpdump.err" 2>/dev/null && break
		sleep 0.1
	done
	grep -q 'listening on' "$LAB_TMP/log/tcpdump.err" || die "tcpdump did not start: $(cat "$LAB_TMP/log/tcpdump.err")"
	sleep 0.3
}

lab_capture_stop() {
	local size=-1 now i
	if [ -n "$LAB_CHATTER_PID" ]; then
		lab_kill_pid "$LAB_CHATTER_PID"
		LAB_CHATTER_PID=
	fi
	[ -n "$LAB_CAP_PID" ] || return 0
	# tcpdump drops what is still in its ring when it stops: on a busy machine it may lag the
	# last packets by more than a moment.  It writes each packet at once (-U), so wait until the
	# file has stopped growing (twice 0.3 s apart, 6 s at most) before stopping it.
	for i in $(seq 1 20); do
		sleep 0.3
		now=$(stat -c %s "$LAB_CAP_FILE" 2>/dev/null || echo 0)
		[ "$now" = "$size" ] && [ "$i" -ge 2 ] && break
		size=$now
	done
	kill -INT "$LAB_CAP_PID" 2>/dev/null
	wait "$LAB_CAP_PID" 2>/dev/null
	LAB_CAP_PID=
	[ "$LAB_VERBOSE" = 1 ] && cat "$LAB_TMP"/log/tcpdump.err "$LAB_TMP"/log/dumpcap.err >&2 2>/dev/null
	# An incomplete capture would not show what the scenario claims: refuse it.
	local drops
	drops=$(cat "$LAB_TMP"/log/tcpdump.err "$LAB_TMP"/log/dumpcap.err 2>/dev/null |
		sed -n 's/^\([0-9]*\) packets dropped by \(kernel\|interface\)$/\1/p
			s/.*received\/dropped on interface.*: [0-9]*\/\([0-9]*\) .*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }')
	[ "$drops" = 0 ] || die "the capture lost $drops packets (capture buffer overflow)"
	return 0
}

# lab_chatter: background LAN traffic from the server until the capture stops (chatter.py:
# an mDNS announcement every second, a gratuitous ARP every third), so the capture's clock runs
# on after the clients fall silent, as on a real network.
lab_chatter() {
	[ -z "$LAB_CHATTER_PID" ] || return 0
	ip netns exec "$LAB_SRV" python3 "$LAB_DIR/chatter.py" br0 "$LAB_SRV_IP" \
		>>"$LAB_TMP/log/chatter.out" 2>&1 &
	LAB_CHATTER_PID=$!
	lab_track "$LAB_CHATTER_PID"
	sleep 0.2
	kill -0 "$LAB_CHATTER_PID" 2>/dev/null || die "chatter.py did not start: $(cat "$LAB_TMP/log/chatter.out")"
}

# lab_linger [SECONDS]: keep capturing SECONDS (default $LAB_LINGER) after the client gave up,
# with background traffic: netboot-trace's timeouts run on packet time, and a capture that ends
# with the client's last packet shows a stall only as pending.
lab_linger() {
	lab_chatter
	# In the background and waited for, so INT/TERM cleans up at once (see lab_wait).
	sleep "${1:-$LAB_LINGER}" &
	lab_track $!
	lab_wait $!
}

# ---------------------------------------------------------------------------------------------
# Boot files: small fake images so the captures stay small. The content is pseudo-random bytes
# (deterministic), so TFTP transfers have several blocks and a short last block.
lab_fake_file() {
	local path=$1 size=$2
	mkdir -p "$(dirname "$path")"
	python3 -c 'import sys,random
r=random.Random(sys.argv[1]); n=int(sys.argv[2])
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(n)))' "$(basename "$path")" "$size" >"$path"
}

# lab_big_file PATH SIZE: the same for files of tens of megabytes (generated at once).
lab_big_file() {
	mkdir -p "$(dirname "$1")"
	python3 -c 'import sys,random
sys.stdout.buffer.write(random.Random(sys.argv[1]).randbytes(int(sys.argv[2])))' "$(basename "$1")" "$2" >"$1"
}

# lab_bootdir DIR PREFIX MODEL: the files a Pi of MODEL asks for, under DIR/PREFIX.
lab_bootdir() {
	local d=$1/$2 model=$3
	mkdir -p "$d"
	case $model in
	pi4)
		lab_fake_file "$d/start4.elf" 9000
		lab_fake_file "$d/fixup4.dat" 3000
		lab_fake_file "$d/bcm2711-rpi-4-b.dtb" 5000
		lab_fake_file "$d/kernel8.img" 20000
		printf 'arm_64bit=1\nenable_uart=1\n' >"$d/config.txt"
		;;
	pi3)
		lab_fake_file "$d/start.elf" 7000
		lab_fake_file "$d/fixup.dat" 2500
		lab_fake_file "$d/bcm2710-rpi-3-b.dtb" 4000
		lab_fake_file "$d/bcm2710-rpi-3-b-plus.dtb" 4000
		lab_fake_file "$d/kernel8.img" 12000
		lab_fake_file "$d/kernel7.img" 12000
		printf 'enable_uart=1\n' >"$d/config.txt"
		;;
	pi5)
		lab_fake_file "$d/kernel_2712.img" 20000
		lab_fake_file "$d/bcm2712-rpi-5-b.dtb" 5000
		printf 'enable_uart=1\n' >"$d/config.txt"
		;;
	esac
	printf 'console=serial0,115200 root=/dev/nfs nfsroot=%s:/srv/nfs/pi,vers=3 rw ip=dhcp rootwait\n' \
		"$LAB_SRV_IP" >"$d/cmdline.txt"
}

# The Pi 3 boot ROM reads bootcode.bin from the TFTP root.
lab_bootroot_pi3() {
	lab_fake_file "$1/bootcode.bin" 6000
}

# ---------------------------------------------------------------------------------------------
# Servers. Each writes its log under $LAB_TMP/log.

# lab_srv_exec CMD...: the argv prefix that runs CMD in the server namespace with its own mount
# namespace where $LAB_TMP/srv is bind-mounted on /srv, so paths that servers put on the wire
# (TFTP error texts, NFS export paths) are stable: /srv/tftp/..., /srv/nfs/... The final exec
# keeps the pid, so the caller's $! is the server itself.
LAB_SRV_EXEC_SH='[ -d /srv ] || mkdir /srv; mount --bind "$0" /srv && exec "$@"'

# lab_dnsmasq NAME [options...]: dnsmasq as DHCP (+ TFTP when --enable-tftp is given).
# Defaults: DHCP range .100-.199, no DNS, its own lease/pid files, no /etc config.
lab_dnsmasq() {
	local name=$1
	shift
	lab_need dnsmasq
	mkdir -p "$LAB_TMP/srv"
	ip netns exec "$LAB_SRV" unshare --mount --propagation private sh -c "$LAB_SRV_EXEC_SH" \
		"$LAB_TMP/srv" dnsmasq --keep-in-foreground --no-daemon --conf-file=/dev/null \
		--port=0 --user=root --group=root --interface=br0 --bind-interfaces \
		--pid-file="$LAB_TMP/dnsmasq-$name.pid" --dhcp-leasefile="$LAB_TMP/dnsmasq-$name.leases" \
		--log-dhcp --log-facility="$LAB_TMP/log/dnsmasq-$name.log" \
		--dhcp-range="$LAB_NET.100,$LAB_NET.199,255.255.255.0,12h" "$@" \
		>>"$LAB_TMP/log/dnsmasq-$name.out" 2>&1 &
	lab_track $!
	sleep 0.5
	kill -0 $! 2>/dev/null || die "dnsmasq $name did not start: $(cat "$LAB_TMP/log/dnsmasq-$name.out" "$LAB_TMP/log/dnsmasq-$name.log" 2>/dev/null)"
}

# lab_udhcpd CONFIG_LINE...: busybox udhcpd on br0 (range .100-.199) with extra config lines,
# for what dnsmasq cannot do (dnsmasq always puts its own address in siaddr).
lab_udhcpd() {
	local conf=$LAB_TMP/udhcpd.conf l
	{
		printf 'start %s.100\nend %s.199\ninterface br0\nmax_leases 100\n' "$LAB_NET" "$LAB_NET"
		printf 'lease_file %s/udhcpd.leases\npidfile %s/udhcpd.pid\n' "$LAB_TMP" "$LAB_TMP"
		printf 'option subnet 255.255.255.0\noption lease 43200\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$conf"
	: >"$LAB_TMP/udhcpd.leases"
	ip netns exec "$LAB_SRV" busybox udhcpd -f "$conf" >>"$LAB_TMP/log/udhcpd.out" 2>&1 &
	lab_track $!
	sleep 0.3
	kill -0 $! 2>/dev/null || die "udhcpd did not start: $(cat "$LAB_TMP/log/udhcpd.out")"
}

# The usual Pi set-up: DHCP with the "Raspberry Pi Boot" PXE menu, option 66, TFTP from ROOT
# (a path under $LAB_TMP/srv; dnsmasq sees it as /srv/...).
lab_dnsmasq_pi() {
	local root=/srv/${1#"$LAB_TMP"/srv/}
	shift
	lab_dnsmasq main --enable-tftp --tftp-root="$root" \
		'--pxe-service=0,"Raspberry Pi Boot"' --dhcp-option=66,"$LAB_SRV_IP" "$@"
}

# lab_tftpd ROOT [ADDR]: tftpd-hpa as the TFTP server (ROOT under $LAB_TMP/srv).
lab_tftpd() {
	local root=/srv/${1#"$LAB_TMP"/srv/} addr=${2:-$LAB_SRV_IP}
	lab_need in.tftpd
	mkdir -p "$LAB_TMP/srv"
	ip netns exec "$LAB_SRV" unshare --mount --propagation private sh -c "$LAB_SRV_EXEC_SH" \
		"$LAB_TMP/srv" in.tftpd --foreground --address "$addr:69" --secure --user root \
		--verbose "$root" >>"$LAB_TMP/log/tftpd.out" 2>&1 &
	lab_track $!
	sleep 0.3
	kill -0 $! 2>/dev/null || die "in.tftpd did not start: $(cat "$LAB_TMP/log/tftpd.out")"
}

# lab_silent_udp ADDR PORT: a socket that reads and never answers (a hung server): no ICMP
# port unreachable, no reply.
lab_silent_udp() {
	ip netns exec "$LAB_SRV" python3 -c 'import socket,sys
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)
s.bind((sys.argv[1],int(sys.argv[2])))
while True: s.recv(2048)' "$1" "$2" &
	lab_track $!
}

# lab_nfs EXPORT_BLOCKS: rpcbind + nfs-ganesha (NFSv3 + MOUNT + NFSv4) in a private mount
# namespace (own /run for rpcbind's socket and ganesha's pid, own /var/lib/nfs for v4 recovery,
# and $LAB_TMP/srv bind-mounted on /srv so export paths on the wire are stable: /srv/nfs/...).
# $1 is the text of the EXPORT blocks; fill $LAB_TMP/srv before calling.
lab_nfs() {
	local exports=$1 conf=$LAB_TMP/ganesha.conf i
	mkdir -p "$LAB_TMP/srv"
	lab_need rpcbind ganesha.nfsd
	cat >"$conf" <<EOF
NFS_CORE_PARAM {
	Protocols = 3, 4;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	NFS_Port = 2049;
	MNT_Port = 20048;
}
NFSV4 {
	Graceless = true;
	Grace_Period = 0;
	RecoveryBackend = fs;
}
NFS_KRB5 { Active_krb5 = false; }
LOG { Default_Log_Level = EVENT; }
$exports
EOF
	ip netns exec "$LAB_SRV" unshare --mount --propagation private bash -c '
		set -e
		mount -t tmpfs lab-run /run
		mkdir -p /run/rpcbind /run/ganesha
		mount -t tmpfs lab-nfs /var/lib/nfs 2>/dev/null || true
		mkdir -p /var/lib/nfs/ganesha
		[ -d /srv ] || mkdir /srv
		mount --bind "$1/srv" /srv
		rpcbind -f -w &
		echo $! >"$1/pids/rpcbind"
		for i in 1 2 3 4 5 6 7 8 9 10; do [ -S /run/rpcbind.sock ] && break; sleep 0.2; done
		ganesha.nfsd -F -L "$1/log/ganesha.log" -f "$2" -p /run/ganesha/ganesha.pid &
		echo $! >"$1/pids/ganesha"
		wait' lab-nfs "$LAB_TMP" "$conf" >>"$LAB_TMP/log/nfs.out" 2>&1 &
	lab_track $!
	# Ready when MOUNT answers on its port.
	for i in $(seq 1 50); do
		if lab_ns "$LAB_SRV" rpcinfo -T tcp "$LAB_SRV_IP" 100005 3 >/dev/null 2>&1 &&
			lab_ns "$LAB_SRV" rpcinfo -T tcp "$LAB_SRV_IP" 100003 4 >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	die "nfs-ganesha did not come up: $(tail -5 "$LAB_TMP/log/ganesha.log" 2>/dev/null)"
}

# lab_export ID PATH [CLIENTS]: one ganesha EXPORT block (v3 path = PATH, v4 pseudo = PATH).
# With CLIENTS, only those addresses may mount; everyone else gets MNT3ERR_ACCES.
lab_export() {
	local id=$1 path=$2 clients=${3:-}
	if [ -n "$clients" ]; then
		cat <<EOF
EXPORT {
	Export_Id = $id; Path = $path; Pseudo = $path;
	Access_Type = None; Squash = No_Root_Squash; SecType = sys;
	Protocols = 3, 4; Transports = TCP, UDP;
	CLIENT { Clients = $clients; Access_Type = RW; }
	FSAL { Name = VFS; }
}
EOF
	else
		cat <<EOF
EXPORT {
	Export_Id = $id; Path = $path; Pseudo = $path;
	Access_Type = RW; Squash = No_Root_Squash; SecType = sys;
	Protocols = 3, 4; Transports = TCP, UDP;
	FSAL { Name = VFS; }
}
EOF
	fi
}

# A tiny root filesystem for the NFS export.
lab_rootfs() {
	local d=$1
	mkdir -p "$d/etc" "$d/sbin" "$d/dev" "$d/proc"
	printf 'pi-netboot-lab\n' >"$d/etc/hostname"
	printf 'proc /proc proc defaults 0 0\n' >"$d/etc/fstab"
	lab_fake_file "$d/sbin/init" 3000
}

# ---------------------------------------------------------------------------------------------
# Clients.

# The udhcpc event script: configure the address it got (and nothing else).
lab_udhcpc_script() {
	local s=$LAB_TMP/udhcpc.script
	[ -x "$s" ] && {
		echo "$s"
		return
	}
	cat >"$s" <<'EOF'
#!/bin/sh
case "$1" in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	echo "lease $ip siaddr=$siaddr boot_file=$boot_file tftp=$tftp rootpath=$rootpath" ;;
deconfig) ip addr flush dev "$interface" ;;
esac
exit 0
EOF
	chmod 755 "$s"
	echo "$s"
}

# lab_udhcpc NS [udhcpc options...]: a Linux-initramfs-like DHCP (the kernel phase).
lab_udhcpc() {
	local ns=$1
	shift
	lab_ns "$ns" busybox udhcpc -i eth0 -f -q -n -s "$(lab_udhcpc_script)" "$@"
}

lab_pisim_available() { [ -f "$LAB_DIR/pisim.py" ] && [ "${LAB_NO_PISIM:-0}" != 1 ]; }

# lab_pi NS [pisim options...]: run the Pi bootloader simulator on NS's eth0 (foreground).
# Returns pisim's exit status; its output goes to the log.
lab_pi() {
	local ns=$1
	shift
	lab_pisim_available || die "tests/lab/pisim.py not present"
	log "pisim $*"
	ip netns exec "$ns" python3 "$LAB_DIR/pisim.py" --iface eth0 "$@" >>"$LAB_TMP/log/pisim-${ns##*-}.out" 2>&1 &
	lab_track $!
	lab_wait $!
	local rc=$?
	[ "$LAB_VERBOSE" = 1 ] && cat "$LAB_TMP/log/pisim-${ns##*-}.out" >&2
	return $rc
}

# lab_pi_bg NS [pisim options...]: the same in the background; the pid is tracked.
lab_pi_bg() {
	local ns=$1
	shift
	lab_pisim_available || die "tests/lab/pisim.py not present"
	ip netns exec "$ns" python3 "$LAB_DIR/pisim.py" --iface eth0 "$@" >>"$LAB_TMP/log/pisim-${ns##*-}.out" 2>&1 &
	lab_track $!
	LAB_LAST_PID=$!
}

