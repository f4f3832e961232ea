#!/usr/bin/env python3
# summary: turn TX checksum offload off on network interfaces (SIOCETHTOOL, ETHTOOL_STXCSUM).
#
# usage: txcsum-off.py IF...   (run inside the interface's namespace, as root)
# With offload on, a packet sent through a veth or bridge is captured before its UDP/TCP
# checksum is filled in, so every locally sent packet shows a "bad" checksum. The lab wants the
# checksums a real NIC would put on the wire; without the ethtool binary this is the ioctl of
# linux/ethtool.h: struct ethtool_value { u32 cmd; u32 data; } with cmd ETHTOOL_STXCSUM (0x17).
import ctypes
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x17
IFNAMSIZ = 16


def txcsum_off(ifname: str) -> None:
    val = ctypes.create_string_buffer(struct.pack("II", ETHTOOL_STXCSUM, 0))
    # struct ifreq: 16-byte name, then the ifr_data pointer.
    ifr = struct.pack("16sP", ifname.encode()[: IFNAMSIZ - 1], ctypes.addressof(val))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), SIOCETHTOOL, ifr)


def main() -> int:
    rc = 0
    for name in sys.argv[1:]:
        try:
            txcsum_off(name)
        except OSError as e:
            print(f"txcsum-off: {name}: {e}", file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
