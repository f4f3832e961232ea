# summary: can the capture lab run here? Sourced by the tests that start it, with their skip/fail.
# shellcheck shell=bash
#
# skip WHY / fail WHY: end the test as skipped (77, ctest's skip code) or failed.
# lab_unavailable [PROGRAM...]: when the lab cannot run (not root, one of its programs or the
# extra PROGRAMs missing, pisim.py absent, no network namespaces) prints why and returns 0;
# when it can, prints nothing and returns 1.  Use: why=$(lab_unavailable tshark) && skip "$why"
LAB_CAN_RUN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

skip() {
	echo "SKIP: $*"
	exit 77
}
fail() {
	echo "FAIL: $*"
	exit 1
}

lab_unavailable() {
	local b probe=nbtlab-probe-$$
	if [ "$(id -u)" != 0 ]; then
		echo "the capture lab needs root (network namespaces)"
		return 0
	fi
	for b in ip unshare dnsmasq ganesha.nfsd rpcbind busybox nfs-ls nfs-cat tcpdump python3 "$@"; do
		if ! command -v "$b" >/dev/null 2>&1; then
			echo "$b not installed (tests/lab/packages.txt)"
			return 0
		fi
	done
	if [ ! -f "$LAB_CAN_RUN_DIR/pisim.py" ]; then
		echo "tests/lab/pisim.py not present"
		return 0
	fi
	if ! ip netns add "$probe" 2>/dev/null; then
		echo "cannot create a network namespace here"
		return 0
	fi
	ip netns del "$probe"
	return 1
}
