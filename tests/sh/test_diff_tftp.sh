#!/usr/bin/env bash
# summary: TFTP (RFC 1350/2347), ARP (RFC 826) and ICMP (RFC 792) fields, frame by frame, against
# tshark on every public capture with TFTP/ARP/ICMP, the project's captures and synthetic ones.
#
# tftp_diff.py also knows two cases where tshark's TFTP layer is not one of our TFTP packets:
# an ICMP error quoting TFTP (we must report the ICMP event, owner "tftp"), and frames the
# snaplen cut (header fields compared strictly, strings past the cut only with truncated=1).
set -u

skip() { echo "SKIP: $*"; exit 77; }
: "${NBT:?NBT must name the netboot-trace binary}"
: "${NBT_SRC:?NBT_SRC must name the source tree}"
command -v tshark >/dev/null 2>&1 || skip "tshark not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 not installed"
[ -n "${SHARED_CAPTURES:-}" ] && [ -f "$SHARED_CAPTURES/MANIFEST.tsv" ] ||
	skip "SHARED_CAPTURES not available"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nbt-tftp-diff.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
helper="$NBT_SRC/tests/sh/tftp_diff.py"

# Public captures whose protocol column (tshark's hierarchy) lists tftp, arp or icmp; the
# bzip2 ones are the large NFS traces, whose few ARP frames are not worth unpacking 100+ MB.
caps=()
while IFS=$'\t' read -r path _; do
	[ -f "$SHARED_CAPTURES/$path" ] && caps+=("$SHARED_CAPTURES/$path")
done < <(awk -F'\t' 'NR > 1 && $11 ~ /(^|[ >])(tftp|arp|icmp):/ && $1 !~ /\.bz2$/' \
	"$SHARED_CAPTURES/MANIFEST.tsv")
[ "${#caps[@]}" -gt 0 ] || skip "no TFTP/ARP/ICMP capture listed in MANIFEST.tsv"
# tftp_diff.exclude: the few own captures where tshark cannot be the oracle (each says why).
excluded() { awk -F'\t' -v n="$1" '!/^#/ && $1 == n { found = 1 } END { exit !found }' \
	"$NBT_SRC/tests/sh/tftp_diff.exclude"; }
for f in "$NBT_SRC"/captures/*.pcap "$NBT_SRC"/captures/*.pcapng; do
	[ -f "$f" ] && ! excluded "$(basename "$f")" && caps+=("$f")
done
while read -r f; do caps+=("$f"); done < <(python3 "$helper" --synth "$tmp")

python3 "$helper" "$NBT" "${caps[@]}"
