#!/usr/bin/env bash
# summary: installs what netboot-trace needs on Debian 12: `deps.sh` to build and run,
# `deps.sh --test` adds everything the test suite uses (tshark oracle, lab servers).
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config libpcap-dev libjson-c-dev libncurses-dev
	zlib1g-dev liblzma-dev libzstd-dev)
test_pkgs=(libcmocka-dev clang libclang-rt-14-dev valgrind tshark tcpdump python3 python3-jsonschema
	bzip2 time gzip xz-utils zstd
	procps psmisc tcpreplay tmux clang-format)
# The capture lab's servers and clients: tests/lab/packages.txt is the one list (one package a
# line, '#' starts a comment).
lab_list=$(dirname "${BASH_SOURCE[0]}")/lab/packages.txt

pkgs=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then
	[ -r "$lab_list" ] || {
		echo "deps.sh: cannot read $lab_list" >&2
		exit 1
	}
	mapfile -t lab_pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$lab_list")
	# Once each, in order (tshark, tcpdump and python3 are in both lists).
	mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" "${test_pkgs[@]}" "${lab_pkgs[@]}" | awk '!seen[$0]++')
fi

missing=()
for p in "${pkgs[@]}"; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: run as root (or with sudo) to install: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the default (no) is fine.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
