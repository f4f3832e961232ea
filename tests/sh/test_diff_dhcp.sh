#!/usr/bin/env bash
# summary: differential test of the DHCP dissector (RFC 2131/2132/4578) against tshark on public captures.
#
# For every capture that MANIFEST.tsv lists with DHCP (.bz2 ones are decompressed to a temporary
# folder, never into the tree) and every capture under $NBT_SRC/captures/, diff_dhcp.py compares
# netboot-trace's "--dump" dhcp lines with tshark's fields, frame by frame and field by field.
# Exit 77 (skipped) without tshark, python3 or the shared captures.
set -u

: "${NBT:?NBT must name the netboot-trace binary}"
: "${NBT_SRC:?NBT_SRC must name the source tree}"
SHARED_CAPTURES=${SHARED_CAPTURES:-}

command -v tshark >/dev/null 2>&1 || { echo "skip: no tshark"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skip: no python3"; exit 77; }
if [ -z "$SHARED_CAPTURES" ] || [ ! -f "$SHARED_CAPTURES/MANIFEST.tsv" ]; then
	echo "skip: no shared captures (SHARED_CAPTURES=$SHARED_CAPTURES)"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Column 11 is the tshark protocol hierarchy ("eth:4 >ip:4 >>udp:4 >>>dhcp:4"); dhcpv6 is not ours.
mapfile -t listed < <(awk -F'\t' 'NR > 1 && $11 ~ /(^|>)dhcp:/ { print $1 }' \
	"$SHARED_CAPTURES/MANIFEST.tsv")

captures=()
for rel in "${listed[@]}"; do
	f="$SHARED_CAPTURES/$rel"
	[ -f "$f" ] || { echo "missing listed capture: $rel"; continue; }
	case "$f" in
	*.bz2)
		out="$tmp/$(echo "$rel" | tr / _)"
		out=${out%.bz2}
		bzip2 -dc "$f" >"$out" || { echo "cannot decompress $rel"; exit 1; }
		captures+=("$out")
		;;
	*) captures+=("$f") ;;
	esac
done
shopt -s nullglob
for f in "$NBT_SRC"/captures/*.pcap "$NBT_SRC"/captures/*.pcapng; do
	captures+=("$f")
done

[ ${#captures[@]} -gt 0 ] || { echo "skip: no DHCP captures found"; exit 77; }

# A synthetic Pi 4 / Pi 3 / dnsmasq exchange (written to the temporary folder): tshark checks the
# raw bytes of options 43/97 and the overloaded fields; the Pi readings of option 97 and the
# "Raspberry Pi Boot" test, which tshark does not make, are checked against the generator's inputs.
status=0
pi="$tmp/synthetic-pi.pcap"
python3 "$NBT_SRC/tests/sh/diff_dhcp.py" --gen-pi "$pi" || { echo "cannot write $pi"; exit 1; }
captures+=("$pi")
pi_dump=$("$NBT" -r "$pi" --dump)
expect_pi() { # frame, fixed-string fragment of its dhcp line
	if ! grep -qF -- "$2" <<<"$(grep "^$1 dhcp " <<<"$pi_dump")"; then
		echo "synthetic-pi.pcap frame $1: expected '$2' in: $(grep "^$1 dhcp " <<<"$pi_dump")"
		status=1
	fi
}
expect_pi 1 'pi97=rpi fourcc="RPi4" board_rev=0xc03111 mac_ok=1 serial=38c128c0'
expect_pi 1 'rpi_boot=0'
expect_pi 2 'pxe_menu="Raspberry Pi Boot" pxe_prompt="Raspberry Pi Boot" rpi_boot=1'
expect_pi 3 'rpi_boot=1'
expect_pi 4 'pi97=legacy serial=1234abcd'
expect_pi 5 'ports=67/68 proxy=1'
expect_pi 6 'ports=4011 proxy=1'
expect_pi 7 'opt52=3 opts=53,52,67,66 opt66="tftp.lan" opt67="start4.elf"'
[ "$(grep -c ' dhcp ' <<<"$pi_dump")" -eq 7 ] || { echo "synthetic-pi.pcap: want 7 dhcp lines"; status=1; }
if grep -q ' anomaly ' <<<"$pi_dump"; then
	echo "synthetic-pi.pcap: unexpected anomaly: $(grep ' anomaly ' <<<"$pi_dump")"
	status=1
fi

for f in "${captures[@]}"; do
	label=${f#"$SHARED_CAPTURES"/}
	label=${label#"$tmp"/}
	if ! python3 "$NBT_SRC/tests/sh/diff_dhcp.py" "$NBT" "$f" "$label"; then
		status=1
	fi
done
[ $status -eq 0 ] && echo "all ${#captures[@]} captures agree with tshark"
exit $status
