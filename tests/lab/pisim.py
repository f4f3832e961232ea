#!/usr/bin/env python3
# summary: Raspberry Pi 3/4/5 network-boot simulator for the capture lab (DHCP RFC 2131/2132/4578,
# TFTP RFC 1350/2347/2348/2349, a kernel ip=dhcp look-alike or udhcpc, NFS root check via libnfs).
"""pisim.py - behave on the wire like a network-booting Raspberry Pi (see PI-NETBOOT.md).

Command line (the lab's contract; everything else is an added option, see --help):
  pisim.py --iface IF --model pi4|pi3|pi5 --mac MAC --serial 8HEX [--prefix serial|mac|root|STRING]
           [--dhcp-retry S] [--dhcp-timeout S] [--file-timeout S] [--tftp-server IP]
           [--drop-every N] [--stop-after FILE:BLOCKS] [--no-kernel-dhcp]
           [--nfs-root SERVER:/path] [--nfs-version 2|3|4] [--xid HEX]

Standard library only. Run as root inside a network namespace where IF is a veth end with no IPv4
address. The simulator sets the MAC itself when IF does not already carry --mac (`ip link set
IF address MAC`, with the link taken down first only if the driver refuses a live change),
disables IPv6 on IF (a Pi firmware sends no IPv6; --keep-ipv6 leaves it), turns off TX checksum
offload on IF so its packets carry real checksums in a capture (--keep-offload leaves it), and
brings IF up.

Steps, one progress line each on stderr:
  1. firmware DHCP over an AF_PACKET socket (frames built by hand);
  2. `ip addr add` of the offered address, then the model's TFTP file list;
  3. kernel DHCP (unless --no-kernel-dhcp): by default a built-in look-alike of the kernel's
     ip=dhcp client (net/ipv4/ipconfig.c: 576-byte datagram, no option 60, request list
     1,3,6,12,15,17,26,40,42, the fingerprint PI-NETBOOT.md section 1 describes); with
     --kernel-dhcp udhcpc, busybox udhcpc as an initramfs would run it;
  4. NFS root check with libnfs nfs-ls / nfs-cat (only with --nfs-root); --nfs-version 2 instead
     plays the kernel's own nfsroot mount with its default vers=2 (raw ONC RPC over TCP, as
     fs/nfs/nfsroot.c NFS_DEF_OPTIONS "vers=2,tcp,rsize=4096,wsize=4096" asks).

Exit codes: 0 boot completed; 1 usage or local error; 2 no acceptable DHCP offer/ACK before
--dhcp-timeout; 3 no TFTP server address; 4 required file missing or other TFTP error;
5 TFTP timeout (--file-timeout without progress); 6 --stop-after reached; 7 kernel DHCP failed;
8 NFS mount/read failed. On exits 2-8 the IPv4 address is flushed from IF (the Pi "resets"), so
late server retransmissions draw no ICMP; on exit 0 the kernel-DHCP address stays.

Wire details chosen from public Pi captures (flags, option order, sizes) are documented next to
the code that produces them. Where the firmware is not documented the choice is marked "guess".
"""

import argparse
import ipaddress
import os
import random
import select
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

EXIT_OK = 0
EXIT_USAGE = 1
EXIT_DHCP = 2
EXIT_NO_TFTP = 3
EXIT_FILE = 4
EXIT_TFTP_TIMEOUT = 5
EXIT_STOPPED = 6
EXIT_KERNEL_DHCP = 7
EXIT_NFS = 8

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
PXE_VENDOR_CLASS = b"PXEClient:Arch:00000:UNDI:002001"
PI_BOOT_TEXT = b"Raspberry Pi Boot"
PI3_XID = 0x26F30339

DHCPDISCOVER, DHCPOFFER, DHCPREQUEST, DHCPACK, DHCPNAK = 1, 2, 3, 5, 6
DHCP_NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK"}

TFTP_RRQ, TFTP_DATA, TFTP_ACK, TFTP_ERROR, TFTP_OACK = 1, 3, 4, 5, 6

# Per-model wire behaviour.
#  prl: parameter request list in the order seen in captures. Pi 4 (rpi-eeprom issue 58):
#       1,3,43,60,66,67,128..135. Pi 3 ROM (tcpdump on raspberrypi.stackexchange 148325):
#       43,60,67,128..135,66,1,3. Pi 5: assumed identical to Pi 4 (guess).
#  ttl/udp_csum: the Pi 3 ROM sends TTL 128 and UDP checksum 0 ("[no cksum]"); the Pi 4 EEPROM
#       fills the UDP checksum. Pi 4/5 TTL 64 is a guess.
#  request: Pi 3 takes the OFFER without REQUEST/ACK (PI-NETBOOT.md section 1).
#  siaddr: Pi 3 ignores siaddr as TFTP server (section 2).
MODELS = {
    "pi3": {
        "fourcc": None,
        "rev": 0x00A02082,
        "prl": [43, 60, 67] + list(range(128, 136)) + [66, 1, 3],
        "ttl": 128,
        "udp_csum": False,
        "request": False,
        "siaddr": False,
        "blksize": 1024,
    },
    "pi4": {
        "fourcc": b"RPi4",
        "rev": 0x00C03111,
        "prl": [1, 3, 43, 60, 66, 67] + list(range(128, 136)),
        "ttl": 64,
        "udp_csum": True,
        "request": True,
        "siaddr": True,
        "blksize": 1024,
    },
    "pi5": {
        "fourcc": b"RPi5",
        "rev": 0x00D04170,
        "prl": [1, 3, 43, 60, 66, 67] + list(range(128, 136)),
        "ttl": 64,
        "udp_csum": True,
        "request": True,
        "siaddr": True,
        "blksize": 1468,
    },
}


class SimExit(Exception):
    """Terminates the simulation with an exit code and a message."""

    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code
        self.msg = msg


class Log:
    def __init__(self, model, verbose):
        self.model = model
        self.verbose = verbose
        self.t0 = time.monotonic()

    def step(self, step, msg):
        dt = time.monotonic() - self.t0
        print(f"pisim[{self.model}] {dt:7.2f}s {step}: {msg}", file=sys.stderr, flush=True)

    def debug(self, step, msg):
        if self.verbose:
            self.step(step, msg)


# ---------------------------------------------------------------------------------------------
# Small helpers


def run(cmd, check=True, **kw):
    """Run a command list; return CompletedProcess. Raises SimExit(1) when check fails."""
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if check and res.returncode != 0:
        raise SimExit(EXIT_USAGE, f"{' '.join(cmd)} failed: {res.stderr.strip()}")
    return res


def parse_mac(text):
    parts = text.replace("-", ":").split(":")
    if len(parts) != 6:
        raise ValueError(f"bad MAC {text!r}")
    return bytes(int(p, 16) for p in parts)


def mac_str(mac, sep=":"):
    return sep.join(f"{b:02x}" for b in mac)


def inet_checksum(data):
    """RFC 1071 one's-complement sum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def link_info(ifname):
    out = run(["ip", "-o", "link", "show", "dev", ifname]).stdout
    mac = None
    toks = out.split()
    if "link/ether" in toks:
        mac = parse_mac(toks[toks.index("link/ether") + 1])
    return mac, out


# ---------------------------------------------------------------------------------------------
# DHCP message construction (RFC 2131 section 2, RFC 2132 options, RFC 4578 PXE options)


def option97(model, mac, serial, legacy):
    """Client machine identifier, 17 bytes: type 0 then four 32-bit little-endian words.

    Pi 4/5 default (DHCP_OPTION97): fourcc, board revision, low 32 bits of the MAC, serial.
    Little-endian throughout (PI-NETBOOT.md section 1): the MAC word, read little-endian,
    equals chaddr[2..5] read as a big-endian number, which is how an analyzer can check the
    byte order. Pi 3 / DHCP_OPTION97=0: type 0 + serial four times (the Pi 3 capture shows
    serial 0x5564247d as bytes 7d 24 64 55)."""
    if model["fourcc"] is None or legacy:
        return b"\0" + struct.pack("<I", serial) * 4
    mac_low = struct.unpack(">I", mac[2:6])[0]
    return b"\0" + model["fourcc"] + struct.pack("<III", model["rev"], mac_low, serial)


def build_options(msgtype, model, opt97, extra, max_msg_size):
    """Options in the order of the Pi captures: 53, 55, 93, 94, 97, 60, end (no padding:
    the Pi 3 and Pi 4 DISCOVERs are 322-byte BOOTP messages). REQUEST inserts 50/54 after 53
    (order a guess). Option 57 is not in any Pi capture seen; --max-msg-size adds it."""
    out = bytearray([53, 1, msgtype])
    for code, val in extra:
        out += bytes([code, len(val)]) + val
    if max_msg_size:
        out += bytes([57, 2]) + struct.pack("!H", max_msg_size)
    prl = bytes(model["prl"])
    out += bytes([55, len(prl)]) + prl
    out += bytes([93, 2, 0, 0])
    out += bytes([94, 3, 1, 2, 1])
    out += bytes([97, len(opt97)]) + opt97
    out += bytes([60, len(PXE_VENDOR_CLASS)]) + PXE_VENDOR_CLASS
    out += b"\xff"
    return bytes(out)


def build_bootp(xid, mac, options, secs=0):
    # op 1, htype 1, hlen 6, hops 0, xid, secs, flags 0x0000: both the Pi 3 and the Pi 4
    # captures show "Flags [none] (0x0000)" (unicast replies to yiaddr/chaddr) and secs 0.
    hdr = struct.pack("!BBBBIHH", 1, 1, 6, 0, xid, secs, 0x0000)
    hdr += b"\0" * 16  # ciaddr, yiaddr, siaddr, giaddr
    hdr += mac + b"\0" * 10 + b"\0" * 64 + b"\0" * 128
    return hdr + b"\x63\x82\x53\x63" + options


def build_frame(mac, payload, ttl, udp_csum, ip_frag=0):
    """Ethernet II + IPv4 + UDP 0.0.0.0:68 -> 255.255.255.255:67 with correct checksums
    (udp_csum False: checksum field 0, "no checksum", which RFC 768 allows)."""
    src, dst = b"\0\0\0\0", b"\xff\xff\xff\xff"
    ulen = 8 + len(payload)
    udp = struct.pack("!HHHH", 68, 67, ulen, 0) + payload
    if udp_csum:
        pseudo = src + dst + struct.pack("!BBH", 0, 17, ulen)
        csum = inet_checksum(pseudo + udp) or 0xFFFF  # RFC 768: 0 is sent as all ones
        udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, ip_frag, ttl, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", inet_checksum(ip)) + ip[12:]
    return b"\xff" * 6 + mac + struct.pack("!H", ETH_P_IP) + ip + udp


def parse_options(data):
    """Return {code: bytes} from a DHCP option area; tolerant of pads and truncation."""
    opts = {}
    i = 0
    while i < len(data):
        code = data[i]
        if code == 0:
            i += 1
            continue
        if code == 255 or i + 1 >= len(data):
            break
        ln = data[i + 1]
        val = data[i + 2 : i + 2 + ln]
        if len(val) < ln:
            break
        opts[code] = opts.get(code, b"") + val  # RFC 3396 concatenation
        i += 2 + ln
    return opts


def parse_reply(frame, mac, xid):
    """Parse an Ethernet frame; return a dict for a BOOTREPLY to (mac, xid) or None."""
    if len(frame) < 14 + 20 + 8 or struct.unpack("!H", frame[12:14])[0] != ETH_P_IP:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[0] >> 4 != 4 or ihl < 20 or ip[9] != 17 or len(ip) < ihl + 8:
        return None
    if struct.unpack("!H", ip[6:8])[0] & 0x3FFF:  # fragment: the firmware does not reassemble
        return None
    udp = ip[ihl:]
    sport, dport, ulen = struct.unpack("!HHH", udp[:6])
    if dport != 68:
        return None
    bootp = udp[8 : max(8, min(ulen, len(udp)))]
    if len(bootp) < 240 or bootp[0] != 2 or bootp[236:240] != b"\x63\x82\x53\x63":
        return None
    if struct.unpack("!I", bootp[4:8])[0] != xid or bootp[28:34] != mac:
        return None
    opts = parse_options(bootp[240:])
    mtype = (opts.get(53) or b"\0")[0]
    return {
        "type": mtype,
        "src": socket.inet_ntoa(ip[12:16]),
        "sport": sport,
        "yiaddr": socket.inet_ntoa(bootp[16:20]),
        "siaddr": socket.inet_ntoa(bootp[20:24]),
        "giaddr": socket.inet_ntoa(bootp[24:28]),
        "opts": opts,
    }


def dotted_ip(val):
    """Option 66 as a dotted IPv4 address, or None (a host name is not resolved by a Pi)."""
    text = val.rstrip(b"\0").decode("ascii", "replace").strip()
    try:
        return str(ipaddress.IPv4Address(text))
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Step 1: firmware DHCP


class FirmwareDhcp:
    def __init__(self, args, model, log):
        self.args = args
        self.model = model
        self.log = log
        self.mac = args.mac_bytes
        if args.xid is not None:
            self.xid = args.xid
        elif args.model == "pi3":
            self.xid = PI3_XID
        else:
            self.xid = random.SystemRandom().getrandbits(32)
        self.opt97 = option97(model, self.mac, args.serial_int, args.legacy_opt97)
        if args.opt97_filler is not None:  # a Pi 3 ROM seen sending 0 + 0x44 x 16 (firmware#859)
            self.opt97 = b"\0" + bytes([int(args.opt97_filler, 16)]) * 16
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.sock.bind((args.iface, ETH_P_IP))

    def close(self):
        self.sock.close()

    def send(self, msgtype, extra=()):
        opts = build_options(msgtype, self.model, self.opt97, extra, self.args.max_msg_size)
        frame = build_frame(
            self.mac, build_bootp(self.xid, self.mac, opts), self.model["ttl"], self.model["udp_csum"]
        )
        try:
            self.sock.send(frame)
        except OSError as e:  # e.g. ENETDOWN while the link flaps: the retry timer resends
            self.log.step("dhcp", f"warning: send failed: {e}")

    def wait(self, until, want):
        """Receive replies until `until`; return the first one accepted by want(reply)."""
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.sock], [], [], left)
            if not ready:
                return None
            frame, addr = self.sock.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            rep = parse_reply(frame, self.mac, self.xid)
            if rep is not None and want(rep):
                return rep

    def acceptable_offer(self, rep):
        if rep["type"] != DHCPOFFER:
            return False
        # The firmware looks for the menu text anywhere in option 43 (PXE sub-option 9 from
        # dnsmasq pxe-service, or a raw string): search the raw bytes.
        if PI_BOOT_TEXT not in rep["opts"].get(43, b""):
            self.log.step("dhcp", f"ignoring OFFER from {rep['src']}: no 'Raspberry Pi Boot' in option 43")
            return False
        if rep["yiaddr"] == "0.0.0.0":
            self.log.step("dhcp", f"ignoring OFFER from {rep['src']}: no address (proxyDHCP not supported)")
            return False
        if self.args.relay_bug and rep["giaddr"] != "0.0.0.0":
            # --relay-bug: a boot ROM that does not complete DHCP through a relay agent.
            self.log.step("dhcp", f"ignoring OFFER from {rep['src']}: relayed (giaddr {rep['giaddr']})")
            return False
        return True

    def run(self):
        args = self.args
        deadline = time.monotonic() + args.dhcp_timeout
        attempt = 0
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise SimExit(EXIT_DHCP, f"no usable DHCP offer within {args.dhcp_timeout:g}s "
                              f"({attempt} DISCOVERs, xid 0x{self.xid:08x})")
            attempt += 1
            self.send(DHCPDISCOVER)
            self.log.step("dhcp", f"DISCOVER #{attempt} xid 0x{self.xid:08x} mac {mac_str(self.mac)}")
            offer = self.wait(min(now + args.dhcp_retry, deadline), self.acceptable_offer)
            if offer is None:
                continue
            self.log.step("dhcp", f"OFFER {offer['yiaddr']} from {offer['src']}")
            if not self.model["request"]:
                return offer, offer
            ack = self.request(offer, deadline)
            if ack is not None:
                return offer, ack

    def request(self, offer, deadline):
        server_id = offer["opts"].get(54, b"")[:4]
        if len(server_id) != 4:
            server_id = socket.inet_aton(offer["src"])
        extra = [(50, socket.inet_aton(offer["yiaddr"])), (54, server_id)]
        self.send(DHCPREQUEST, extra)
        self.log.step("dhcp", f"REQUEST {offer['yiaddr']} server {socket.inet_ntoa(server_id)}")
        until = min(time.monotonic() + self.args.req_timeout, deadline)
        rep = self.wait(until, lambda r: r["type"] in (DHCPACK, DHCPNAK))
        if rep is None:
            self.log.step("dhcp", f"no ACK within {self.args.req_timeout:g}s, starting over")
            return None
        if rep["type"] == DHCPNAK:
            self.log.step("dhcp", f"NAK from {rep['src']}, starting over")
            return None
        self.log.step("dhcp", f"ACK {rep['yiaddr']} from {rep['src']}")
        return rep


def choose_tftp_server(args, model, offer, ack, log):
    """--tftp-server (TFTP_IP) > option 66 as dotted IP > siaddr (Pi 4/5 only)."""
    if args.tftp_server:
        return args.tftp_server, "--tftp-server"
    for rep in (ack, offer):
        if 66 in rep["opts"]:
            ip = dotted_ip(rep["opts"][66])
            if ip:
                return ip, "option 66"
            log.step("dhcp", f"option 66 {rep['opts'][66]!r} is not an IP address: not resolved")
            break
    if model["siaddr"]:
        for rep in (ack, offer):
            if rep["siaddr"] != "0.0.0.0":
                return rep["siaddr"], "siaddr"
    return None, None


def prefix_len(rep):
    mask = rep["opts"].get(1, b"")
    if len(mask) == 4:
        return bin(struct.unpack("!I", mask)[0]).count("1")
    return 24


# ---------------------------------------------------------------------------------------------
# Step 2: TFTP client (RFC 1350 with option extension RFC 2347, blksize 2348, tsize 2349)


def tftp_error(code, msg):
    return struct.pack("!HH", TFTP_ERROR, code) + msg.encode() + b"\0"


def parse_oack(data):
    parts = data.split(b"\0")
    opts = {}
    for i in range(0, len(parts) - 1, 2):
        opts[parts[i].decode("ascii", "replace").lower()] = parts[i + 1].decode("ascii", "replace")
    return opts


class Tftp:
    def __init__(self, args, server, local_ip, log):
        self.args = args
        self.server = server
        self.local_ip = local_ip
        self.log = log
        self.data_seen = 0  # every DATA received, for --drop-every
        self.dropped = 0
        self.stop_name, self.stop_blocks = args.stop_after or (None, None)
        self.ahead_name, self.ahead_block = args.ack_ahead or (None, None)
        # Block numbers are 16 bits. Servers such as dnsmasq and tftpd-hpa roll over to 0 after
        # 65535 (RFC 1350 has no rule); --no-rollover is a client whose counter does not.
        self.block_mask = 0xFFFFFFFF if args.no_rollover else 0xFFFF

    def _socket(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, self.args.iface.encode())
        s.bind((self.local_ip, 0))  # a fresh ephemeral port (our TID) per transfer
        return s

    def _send(self, s, pkt, dest):
        """sendto that survives a failed ARP (EHOSTUNREACH after the neighbour entry fails)
        or ICMP errors: a Pi just keeps retrying until its file timeout."""
        try:
            s.sendto(pkt, dest)
        except OSError as e:
            self.log.debug("tftp", f"send to {dest[0]}:{dest[1]} failed: {e}")

    def _rrq(self, name, options):
        pkt = struct.pack("!H", TFTP_RRQ) + name.encode() + b"\0octet\0"
        for k, v in options:
            pkt += k.encode() + b"\0" + str(v).encode() + b"\0"
        return pkt

    def _stop_matches(self, name, short):
        return self.stop_name is not None and self.stop_name in (name, short)

    def _ahead_matches(self, name, short, block):
        return self.ahead_name in (name, short) and block == self.ahead_block

    def fetch(self, name, short, options, probe):
        """Transfer one file. Returns ("ok", bytes, blocks, tsize), ("probe", tsize) or
        ("error", code, message). Raises SimExit on timeout or --stop-after."""
        s = self._socket()
        try:
            return self._transfer(s, name, short, options, probe)
        except SimExit:
            # drop the address while the socket is still open: a retransmission arriving in
            # between would otherwise draw ICMP port unreachable, which a hung Pi never sends
            run(["ip", "-4", "addr", "flush", "dev", self.args.iface], check=False)
            raise
        finally:
            s.close()

    def _transfer(self, s, name, short, options, probe):
        args = self.args
        last_pkt = self._rrq(name, options)
        dest = (self.server, 69)
        tid = None
        blksize = 512  # until an OACK says otherwise (RFC 2347: no OACK means no options)
        tsize = None
        expected = 1
        blocks = 0
        total = 0
        retx = 0
        oack_acked = False
        # --ack-ahead: "held" once the ACK of the chosen block is withheld, "ahead" once the
        # server's repeat of it was taken for the next block and that one ACKed.
        held = ahead = False
        mask = self.block_mask
        self._send(s, last_pkt, dest)
        now = time.monotonic()
        last_progress = now
        next_retx = now + args.tftp_retry
        while True:
            now = time.monotonic()
            if now >= last_progress + args.file_timeout:
                raise SimExit(EXIT_TFTP_TIMEOUT, f"TFTP timeout on {name}: no progress for "
                              f"{args.file_timeout:g}s after block {blocks} ({total} bytes, "
                              f"{retx} retransmissions)")
            wait = min(next_retx, last_progress + args.file_timeout) - now
            ready, _, _ = select.select([s], [], [], max(wait, 0))
            if not ready:
                if time.monotonic() >= next_retx:
                    retx += 1
                    self._send(s, last_pkt, dest)
                    self.log.debug("tftp", f"{name}: retransmit after timeout (#{retx})")
                    next_retx = time.monotonic() + args.tftp_retry
                continue
            try:
                data, (ip, port) = s.recvfrom(65536)
            except OSError:
                continue  # an ICMP error reported on the socket; keep waiting
            if ip != self.server or len(data) < 4:
                continue
            if tid is None:
                tid = port  # RFC 1350: the server answers from its own new port
                dest = (ip, port)
            elif port != tid:
                self._send(s, tftp_error(5, "Unknown transfer ID"), (ip, port))
                continue
            op = struct.unpack("!H", data[:2])[0]
            if op == TFTP_ERROR:
                code = struct.unpack("!H", data[2:4])[0]
                msg = data[4:].split(b"\0")[0].decode("utf-8", "replace")
                return ("error", code, msg)
            if op == TFTP_OACK:
                if expected != 1 or oack_acked:
                    continue  # a repeated OACK: the first one was answered
                opts = parse_oack(data[2:])
                try:
                    blksize = int(opts.get("blksize", blksize))
                    tsize = int(opts["tsize"]) if "tsize" in opts else None
                except ValueError:  # RFC 2347: a client may refuse a bad OACK with ERROR 8
                    self._send(s, tftp_error(8, "bad option value"), dest)
                    return ("error", 8, f"bad OACK {opts}")
                if probe:
                    # The Pi's tsize probe: read the size, end it with ERROR 0.
                    self._send(s, tftp_error(0, "Early terminate"), dest)
                    return ("probe", tsize)
                if args.slow_oack_ack and args.slow_oack_ack in (name, short):
                    # Slower than the server's first retransmission (tftpd-hpa: 1 s), so it
                    # sends the OACK again (raspberrypi/firmware#1041); that one is ignored.
                    time.sleep(1.5)
                last_pkt = struct.pack("!HH", TFTP_ACK, 0)
                self._send(s, last_pkt, dest)
                oack_acked = True
                last_progress = time.monotonic()
                next_retx = last_progress + args.tftp_retry
                continue
            if op != TFTP_DATA:
                continue
            if probe:  # server ignored the options: no size to read, end it the same way
                self._send(s, tftp_error(0, "Early terminate"), dest)
                return ("probe", None)
            self.data_seen += 1
            if args.drop_every and self.data_seen % args.drop_every == 0:
                self.dropped += 1
                self.log.debug("tftp", f"{name}: dropping DATA #{self.data_seen}")
                continue
            blk = struct.unpack("!H", data[2:4])[0]
            payload = data[4:]
            if blk == expected & mask:
                if self.stop_name and self._stop_matches(name, short) and blocks >= self.stop_blocks:
                    self._linger(s, name, blocks, total, tsize)
                blocks += 1
                if not held and self._ahead_matches(name, short, blocks):
                    # Too slow to ACK this block: the server's timer fires and it sends the
                    # block again (raspberrypi/firmware#1631).
                    held = True
                    total += len(payload)
                    expected = blk + 1
                    next_retx = time.monotonic() + 3600
                    continue
                total += len(payload)
                last_pkt = struct.pack("!HH", TFTP_ACK, blk)
                self._send(s, last_pkt, dest)
                expected = blk + 1
                last_progress = time.monotonic()
                next_retx = last_progress + args.tftp_retry
                if len(payload) < blksize:
                    return ("ok", total, blocks, tsize)
            elif held and not ahead and blk == (expected - 1) & mask:
                # firmware#1631: start4.elf takes the repeated block for the next one, ACKs a
                # block the server never sent, and ACKs it again for every repeat after.
                ahead = True
                blocks += 1
                last_pkt = struct.pack("!HH", TFTP_ACK, expected & 0xFFFF)
                self._send(s, last_pkt, dest)
                expected += 1
                next_retx = time.monotonic() + args.tftp_retry
            elif ahead:
                self._send(s, last_pkt, dest)
            elif blk == (expected - 1) & mask:
                self._send(s, last_pkt, dest)  # our ACK was lost: repeat it

    def _linger(self, s, name, blocks, total, tsize):
        """--stop-after: stay silent on the open socket (no ICMP unreachable, like a Pi that
        hung) while the server retransmits, then exit 6. With --stop-close the socket is closed
        instead, as a client that abandoned the transfer: its kernel then answers the server's
        retransmitted DATA with ICMP port unreachable."""
        pct = f", {100.0 * total / tsize:.1f}% of tsize {tsize}" if tsize else ""
        self.log.step("tftp", f"{name}: stop-after reached at block {blocks} ({total} bytes{pct}); "
                      f"{'closing the socket' if self.args.stop_close else 'going silent'} "
                      f"for {self.args.stop_linger:g}s")
        if self.args.stop_close:
            s.close()
            time.sleep(self.args.stop_linger)
            raise SimExit(EXIT_STOPPED, f"abandoned {name} after block {blocks} ({total} bytes{pct})")
        end = time.monotonic() + self.args.stop_linger
        while time.monotonic() < end:
            ready, _, _ = select.select([s], [], [], max(0, end - time.monotonic()))
            if ready:
                try:
                    s.recvfrom(65536)
                except OSError:
                    pass
        raise SimExit(EXIT_STOPPED, f"stopped ACKing {name} after block {blocks} ({total} bytes{pct})")


# Boot file lists. Each step: (file, kind, required, fallback, opts) where kind is "probe" (tsize
# probe ended with ERROR 0) or "read"; fallback marks the step that decides between the prefix
# folder and the TFTP root; opts False = plain RFC 1350 RRQ (the Pi 3 boot ROM's bootcode.bin,
# whose DATA blocks are 512 bytes), "root" = same, always at the TFTP root.
def file_plan(model_name, dtb):
    if model_name == "pi4":
        return [
            ("start4.elf", "probe", True, True, True),
            ("config.txt", "read", False, False, True),
            ("start4.elf", "probe", True, False, True),
            ("start4.elf", "read", True, False, True),
            ("fixup4.dat", "read", True, False, True),
            ("recovery.bin", "probe", False, False, True),
            ("pieeprom.sig", "probe", False, False, True),
            ("cmdline.txt", "read", False, False, True),
            (dtb or "bcm2711-rpi-4-b.dtb", "read", True, False, True),
            ("overlays/overlay_map.dtb", "read", False, False, True),
            ("kernel8.img", "read", True, False, True),
        ]
    if model_name == "pi5":
        return [
            ("config.txt", "read", False, True, True),
            (dtb or "bcm2712-rpi-5-b.dtb", "read", True, False, True),
            ("cmdline.txt", "read", False, False, True),
            ("kernel_2712.img", "read", True, False, True),
        ]
    # Pi 3: the boot ROM reads bootcode.bin and bootsig.bin at the root without options; the
    # loaded bootcode.bin then tries <serial>/start.elf and falls back to the root. Whether
    # bootcode.bin's TFTP sends tsize/blksize is a guess (it does here).
    return [
        ("bootcode.bin", "read", True, False, "root"),
        ("bootsig.bin", "read", False, False, "root"),
        ("start.elf", "read", True, True, True),
        ("fixup.dat", "read", True, False, True),
        ("config.txt", "read", False, False, True),
        ("cmdline.txt", "read", False, False, True),
        (dtb or "bcm2710-rpi-3-b.dtb", "read", True, False, True),
        ("kernel8.img", "read", True, False, True),
    ]


def tftp_prefix(args):
    if args.prefix == "serial":
        return f"{args.serial_int:08x}/"
    if args.prefix == "mac":
        return mac_str(args.mac_bytes, "-") + "/"
    if args.prefix == "root":
        return ""
    return args.prefix  # TFTP_PREFIX_STR, used as given


def bootcode_dhcp(args, model, log):
    """--bootcode-dhcp: the loaded bootcode.bin of a Pi 3 runs DHCP again before it asks for
    start.elf ('Sending DHCP request' on its UART, raspberrypi/firmware#1124): the same fixed
    xid, DISCOVER and OFFER, no REQUEST."""
    # The address is configured by now, so the server's unicast OFFER reaches the kernel's UDP
    # stack too: a socket on port 68 keeps it from answering ICMP port unreachable, which the
    # firmware's own stack does not send.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as hold:
        hold.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hold.bind(("0.0.0.0", 68))
        dhcp = FirmwareDhcp(args, model, log)
        try:
            dhcp.run()
        finally:
            dhcp.close()
    log.step("dhcp", "bootcode.bin's DHCP answered")


def probe_loop(tftp, name, short, options, args, log):
    """--probe-loop: the size probe of one file answered and ended with 'Early terminate',
    then asked again 2 s later, never followed by the read (the endless loop of
    raspberrypi/rpi-eeprom#74), until the file timeout."""
    end = time.monotonic() + args.file_timeout
    n = 0
    while time.monotonic() < end:
        res = tftp.fetch(name, short, options, True)
        n += 1
        log.debug("tftp", f"{name}: probe #{n} -> {res}")
        time.sleep(2.0)
    raise SimExit(EXIT_TFTP_TIMEOUT, f"{name}: {n} size probes and never a read")


def tftp_boot(args, model, server, local_ip, log):
    tftp = Tftp(args, server, local_ip, log)
    prefix = tftp_prefix(args)
    blksize = args.blksize or model["blksize"]
    for short, kind, required, fallback, opts in file_plan(args.model, args.dtb):
        if opts is True:
            options = [("tsize", 0), ("blksize", blksize)]
        else:
            options = []
        names = [short] if opts == "root" else [prefix + short]
        if fallback and prefix:
            names.append(short)
        if kind == "probe" and args.probe_loop in (short, prefix + short):
            probe_loop(tftp, prefix + short, short, options, args, log)
        for i, name in enumerate(names):
            res = tftp.fetch(name, short, options, kind == "probe")
            if res[0] != "error" or res[1] != 1 or i == len(names) - 1:
                break
            log.step("tftp", f"{name} not found under '{prefix}', retrying at the TFTP root")
        if fallback and prefix and name != prefix + short:
            prefix = ""
            log.step("tftp", "using the TFTP root folder from now on")
        if res[0] == "ok":
            ts = f" (tsize {res[3]})" if res[3] is not None else ""
            log.step("tftp", f"{name}: {res[1]} bytes in {res[2]} blocks{ts}")
        elif res[0] == "probe":
            log.step("tftp", f"{name}: tsize probe -> {res[1]}, sent ERROR 0 'Early terminate'")
        elif required:
            also = f" (also not found as {names[0]})" if len(names) > 1 and name != names[0] else ""
            raise SimExit(EXIT_FILE, f"required file {name} from {server}: TFTP error {res[1]} "
                          f"'{res[2]}'{also}")
        else:
            log.step("tftp", f"{name}: TFTP error {res[1]} '{res[2]}' (optional, continuing)")
        if short == "bootsig.bin" and args.bootcode_dhcp:
            bootcode_dhcp(args, model, log)
    if tftp.dropped:
        log.step("tftp", f"dropped {tftp.dropped} DATA packets on purpose (--drop-every)")


# ---------------------------------------------------------------------------------------------
# Step 3a: kernel DHCP as Linux net/ipv4/ipconfig.c does it for ip=dhcp (the default here)


class KernelDhcp(FirmwareDhcp):
    """The second DHCP of a boot, shaped like the kernel's ip=dhcp client: a 576-byte IP
    datagram (BOOTP header + 312-byte option area, zero padded), DF set, TTL 64, UDP checksum 0,
    flags 0, secs = seconds since the first DISCOVER, a random xid, options 53 [54 50] 55 =
    1,3,6,12,15,17,26,40,42 [60 only with --kernel-vendor] 255: no 57, no 61, no 93/94/97.
    Timing: first wait 2-3 s, then x7/4 up to 30 s, 6 sends; the REQUEST follows the OFFER at
    once; a NAK is dropped and the wait runs out before a new DISCOVER."""

    PRL = bytes([1, 3, 6, 12, 15, 17, 26, 40, 42])

    def __init__(self, args, log):
        self.args = args
        self.log = log
        self.mac = args.mac_bytes
        self.xid = random.SystemRandom().getrandbits(32)
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
        self.sock.bind((args.iface, ETH_P_IP))
        self.t0 = time.monotonic()

    def send(self, msgtype, extra=()):
        opts = bytearray(b"\x63\x82\x53\x63" + bytes([53, 1, msgtype]))
        for code, val in extra:
            opts += bytes([code, len(val)]) + val
        opts += bytes([55, len(self.PRL)]) + self.PRL
        if self.args.kernel_vendor:
            vc = self.args.kernel_vendor.encode()[:255]
            opts += bytes([60, len(vc)]) + vc
        opts += b"\xff"
        opts += bytes(312 - len(opts))
        bootp = build_bootp(self.xid, self.mac, b"", int(time.monotonic() - self.t0))[:-4] + opts
        try:
            self.sock.send(build_frame(self.mac, bytes(bootp), 64, False, 0x4000))
        except OSError as e:
            self.log.step("kernel-dhcp", f"warning: send failed: {e}")

    def request(self, offer):
        sid = offer["opts"].get(54, b"")[:4]
        if len(sid) != 4:
            sid = socket.inet_aton(offer["src"])
        self.send(DHCPREQUEST, [(54, sid), (50, socket.inet_aton(offer["yiaddr"]))])
        self.log.step("kernel-dhcp", f"REQUEST {offer['yiaddr']}")

    def run(self):
        timeout = 2.0 + random.SystemRandom().random()
        offer = None  # kept across a lost ACK: the kernel then repeats the REQUEST
        for attempt in range(1, self.args.kernel_dhcp_tries + 1):
            if offer is None:
                self.send(DHCPDISCOVER)
                self.log.step("kernel-dhcp", f"DISCOVER #{attempt} xid 0x{self.xid:08x} (ipconfig-like)")
            else:
                self.request(offer)
            until = time.monotonic() + timeout
            if offer is None:
                offer = self.wait(until, lambda r: r["type"] == DHCPOFFER and r["yiaddr"] != "0.0.0.0")
                if offer is None:
                    timeout = min(timeout * 7 / 4, 30.0)
                    continue
                self.log.step("kernel-dhcp", f"OFFER {offer['yiaddr']} from {offer['src']}")
                self.request(offer)  # at once, without using up a retry
                until = time.monotonic() + timeout
            rep = self.wait(until, lambda r: r["type"] in (DHCPACK, DHCPNAK))
            if rep is not None and rep["type"] == DHCPACK:
                self.log.step("kernel-dhcp", f"ACK {rep['yiaddr']} from {rep['src']}")
                return rep
            if rep is not None:  # NAK: forget the offer, sit out the timeout
                self.log.step("kernel-dhcp", f"NAK from {rep['src']}, waiting out the timeout")
                offer = None
                self.wait(until, lambda r: False)
            timeout = min(timeout * 7 / 4, 30.0)
        raise SimExit(EXIT_KERNEL_DHCP, f"kernel DHCP: no lease after {self.args.kernel_dhcp_tries} "
                      f"DISCOVERs (xid 0x{self.xid:08x})")


def kernel_dhcp_ipconfig(args, log):
    run(["ip", "-4", "addr", "flush", "dev", args.iface])
    if args.kernel_delay > 0:
        time.sleep(args.kernel_delay)  # "kernel boot" between the last file and ip=dhcp
    k = KernelDhcp(args, log)
    try:
        ack = k.run()
    finally:
        k.close()
    plen = prefix_len(ack)
    run(["ip", "addr", "add", f"{ack['yiaddr']}/{plen}", "dev", args.iface])
    root = ack["opts"].get(17, b"").rstrip(b"\0").decode("ascii", "replace")
    log.step("kernel-dhcp", f"lease {ack['yiaddr']}/{plen}" + (f", root-path {root}" if root else ""))


# ---------------------------------------------------------------------------------------------
# Step 3b: kernel DHCP via busybox udhcpc (--kernel-dhcp udhcpc: an initramfs-like client)

UDHCPC_SCRIPT = """#!/bin/sh
# udhcpc event script written by pisim.py: configure the leased address only (no route, no DNS).
case "$1" in
deconfig) ip -4 addr flush dev "$interface" ;;
bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    echo "pisim-udhcpc: $ip/${mask:-24} server ${serverid:-?} rootpath ${rootpath:-}" >&2
    ;;
esac
exit 0
"""


def kernel_dhcp(args, log):
    busybox = shutil.which("busybox")
    if not busybox:
        raise SimExit(EXIT_KERNEL_DHCP, "busybox not found (needed for the kernel DHCP step)")
    run(["ip", "-4", "addr", "flush", "dev", args.iface])
    if args.kernel_delay > 0:
        time.sleep(args.kernel_delay)  # "kernel boot" between the last file and ip=dhcp
    tmpdir = tempfile.mkdtemp(prefix="pisim-")
    script = os.path.join(tmpdir, "udhcpc.script")
    try:
        with open(script, "w") as f:
            f.write(UDHCPC_SCRIPT)
        os.chmod(script, 0o755)
        # -C: no client-id (the kernel sends none); -o + -O: a kernel-like request list
        # (ipconfig asks for 1,3,6,12,15,17,26,40,42); -V "" suppresses busybox's default
        # option 60 "udhcp 1.35.0" (the kernel sends none); --kernel-vendor sets one, e.g.
        # "Linux ipconfig" like klibc. udhcpc still sends option 57 = 576, as the kernel does.
        cmd = [busybox, "udhcpc", "-i", args.iface, "-n", "-q", "-f", "-C",
               "-t", str(args.kernel_dhcp_tries), "-T", "1", "-s", script, "-o"]
        for name in ("subnet", "router", "dns", "hostname", "domain", "rootpath", "mtu",
                     "nisdomain", "ntpsrv"):
            cmd += ["-O", name]
        cmd += ["-V", args.kernel_vendor or ""]
        log.step("kernel-dhcp", "running " + " ".join(shlex.quote(c) for c in cmd[1:]))
        timeout = args.kernel_dhcp_tries * 2 + 15
        try:
            res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 timeout=timeout)
        except subprocess.TimeoutExpired:
            raise SimExit(EXIT_KERNEL_DHCP, f"udhcpc did not finish within {timeout}s")
        for line in res.stdout.splitlines():
            log.debug("kernel-dhcp", line)
        if res.returncode != 0:
            tail = res.stdout.strip().splitlines()[-1:] or [""]
            raise SimExit(EXIT_KERNEL_DHCP, f"udhcpc failed (exit {res.returncode}): {tail[0]}")
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    addr = run(["ip", "-4", "-o", "addr", "show", "dev", args.iface]).stdout.split()
    ip = addr[addr.index("inet") + 1] if "inet" in addr else "?"
    log.step("kernel-dhcp", f"lease {ip}")


# ---------------------------------------------------------------------------------------------
# Step 4: NFS root check via libnfs utilities


RPC_PMAP, RPC_MOUNT, RPC_NFS = 100000, 100005, 100003
RPC_ACCEPT_NAMES = {0: "SUCCESS", 1: "PROG_UNAVAIL", 2: "PROG_MISMATCH", 3: "PROC_UNAVAIL",
                    4: "GARBAGE_ARGS", 5: "SYSTEM_ERR"}


def rpc_call_msg(xid, prog, vers, proc, body):
    """An ONC RPC call (RFC 5531 s9) with AUTH_UNIX credentials (uid 0, as the kernel mounts)."""
    cred = struct.pack(">I", int(time.time()) & 0xFFFFFFFF) + struct.pack(">I", 0) + \
        struct.pack(">III", 0, 0, 0)  # stamp, machinename "", uid, gid, no gids
    return (struct.pack(">IIIIII", xid, 0, 2, prog, vers, proc) +
            struct.pack(">II", 1, len(cred)) + cred + struct.pack(">II", 0, 0) + body)


def rpc_reply_stat(msg, xid):
    """(accept_stat, (low, high) or None, results) of a reply to xid; raises on anything else."""
    xid_r, mtype, rstat = struct.unpack(">III", msg[:12])
    if xid_r != xid or mtype != 1:
        raise SimExit(EXIT_NFS, f"RPC: unexpected message (xid {xid_r:#x}, type {mtype})")
    if rstat != 0:
        raise SimExit(EXIT_NFS, f"RPC: call denied (reject_stat {struct.unpack('>I', msg[12:16])[0]})")
    vlen = struct.unpack(">I", msg[16:20])[0]
    off = 20 + ((vlen + 3) & ~3)
    astat = struct.unpack(">I", msg[off:off + 4])[0]
    rng = struct.unpack(">II", msg[off + 4:off + 12]) if astat == 2 else None
    return astat, rng, msg[off + 4:]


def rpc_tcp_call(server, port, xid, prog, vers, proc, body, timeout):
    """One call on its own TCP connection, record-marked (RFC 5531 s11), from a reserved port
    as the kernel's mount does."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sk:
        sk.settimeout(timeout)
        for lport in range(800, 1000):  # privileged source port (nfsd's "secure" default)
            try:
                sk.bind(("0.0.0.0", lport))
                break
            except OSError:
                continue
        sk.connect((server, port))
        msg = rpc_call_msg(xid, prog, vers, proc, body)
        sk.sendall(struct.pack(">I", 0x80000000 | len(msg)) + msg)
        data = b""
        while True:
            while len(data) < 4:
                chunk = sk.recv(4096)
                if not chunk:
                    raise SimExit(EXIT_NFS, f"RPC: {server}:{port} closed the connection")
                data += chunk
            mark = struct.unpack(">I", data[:4])[0]
            n = mark & 0x7FFFFFFF
            while len(data) < 4 + n:
                chunk = sk.recv(65536)
                if not chunk:
                    raise SimExit(EXIT_NFS, f"RPC: {server}:{port} closed mid-record")
                data += chunk
            if mark & 0x80000000:
                return data[4:4 + n]
            data = data[4 + n:]


def nfs_root_v2(args, log, server, path):
    """The kernel's nfsroot with its default vers=2: MOUNT v1 (the MOUNT version of NFSv2,
    RFC 1094 appendix A) through rpcbind, then NFSv2 calls to 2049. A server without NFSv2 refuses
    one of them: portmap has no MOUNT v1, the NFS program answers PROG_MISMATCH with the versions
    it has, or (nfs-ganesha) MNT v1 gets PROC_UNAVAIL."""
    xid = random.randrange(1, 1 << 31)
    t = args.nfs_timeout
    getport = struct.pack(">IIII", RPC_MOUNT, 1, 6, 0)  # PMAPPROC_GETPORT, RFC 1833 s3.2
    astat, _, res = rpc_reply_stat(rpc_tcp_call(server, 111, xid, RPC_PMAP, 2, 3, getport, t), xid)
    mport = struct.unpack(">I", res[:4])[0] if astat == 0 else 0
    log.step("nfs", f"portmap: MOUNT v1 over TCP at port {mport}")
    if mport:
        xid += 1
        p = path.encode()
        body = struct.pack(">I", len(p)) + p + bytes((4 - len(p) % 4) % 4)
        astat, rng, res = rpc_reply_stat(rpc_tcp_call(server, mport, xid, RPC_MOUNT, 1, 1, body, t), xid)
        if astat != 0:
            raise SimExit(EXIT_NFS, f"MOUNT v1 refused: {RPC_ACCEPT_NAMES.get(astat, astat)}"
                          + (f" (versions {rng[0]}-{rng[1]})" if rng else ""))
        log.step("nfs", f"MNT v1 {path}: status {struct.unpack('>I', res[:4])[0]}")
    # Linux then probes the server with GETATTR of the root handle (NFSPROC_GETATTR, RFC 1094
    # s2.2.1); a 32-byte zero handle is enough to draw the version answer.
    xid += 1
    astat, rng, _ = rpc_reply_stat(rpc_tcp_call(server, 2049, xid, RPC_NFS, 2, 1, bytes(32), t), xid)
    if astat != 0:
        raise SimExit(EXIT_NFS, f"NFSv2 refused: {RPC_ACCEPT_NAMES.get(astat, astat)}"
                      + (f" (server offers versions {rng[0]}-{rng[1]})" if rng else ""))
    log.step("nfs", "NFSv2 GETATTR answered")


def nfs_root(args, log):
    server, _, path = args.nfs_root.partition(":")
    if not server or not path.startswith("/"):
        raise SimExit(EXIT_USAGE, f"--nfs-root wants SERVER:/path, got {args.nfs_root!r}")
    if args.nfs_version == 2:
        return nfs_root_v2(args, log, server, path)
    query = f"?version={args.nfs_version}"
    base = f"nfs://{server}{path.rstrip('/')}"
    for tool, url in (("nfs-ls", f"{base}{query}"),
                      ("nfs-cat", f"{base}/{args.nfs_file.lstrip('/')}{query}")):
        exe = shutil.which(tool)
        if not exe:
            raise SimExit(EXIT_NFS, f"{tool} not found (Debian package libnfs-utils)")
        try:
            res = subprocess.run([exe, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, errors="replace", timeout=args.nfs_timeout)
        except subprocess.TimeoutExpired:
            raise SimExit(EXIT_NFS, f"{tool} {url}: no answer within {args.nfs_timeout:g}s")
        if res.returncode != 0:
            msg = (res.stderr.strip() or res.stdout.strip()).replace("\n", " | ")
            raise SimExit(EXIT_NFS, f"{tool} {url} failed (exit {res.returncode}): {msg}")
        first = (res.stdout.strip().splitlines() or [""])[0]
        log.step("nfs", f"{tool} {url}: ok ({len(res.stdout.splitlines())} lines; first: {first[:60]!r})")


# ---------------------------------------------------------------------------------------------
# Command line and main


def parse_args(argv):
    class Parser(argparse.ArgumentParser):
        def error(self, message):  # exit 1, not argparse's 2 (2 means "no DHCP" here)
            self.print_usage(sys.stderr)
            print(f"pisim.py: error: {message}", file=sys.stderr)
            sys.exit(EXIT_USAGE)

    p = Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--iface", required=True, help="veth end inside the Pi namespace")
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--mac", required=True, help="client MAC (set on IF if different)")
    p.add_argument("--serial", required=True, help="board serial, 8 hex digits")
    p.add_argument("--prefix", default="serial", help="serial (default) | mac | root | STRING")
    p.add_argument("--dhcp-retry", type=float, default=4.0, help="seconds between DISCOVERs")
    p.add_argument("--dhcp-timeout", type=float, default=45.0, help="give up DHCP after S")
    p.add_argument("--req-timeout", type=float, default=4.0, help="wait for ACK (Pi 4/5)")
    p.add_argument("--file-timeout", type=float, default=30.0, help="TFTP: give up after S without progress")
    p.add_argument("--tftp-retry", type=float, default=1.5, help="TFTP retransmit interval")
    p.add_argument("--tftp-server", help="TFTP_IP override")
    p.add_argument("--blksize", type=int, help="override the model's TFTP blksize (8..65464)")
    p.add_argument("--dtb", help="device tree file name instead of the model default")
    p.add_argument("--drop-every", type=int, default=0, help="drop every Nth DATA received")
    p.add_argument("--stop-after", help="FILE:BLOCKS - stop ACKing FILE after BLOCKS blocks (exit 6)")
    p.add_argument("--stop-close", action="store_true",
                   help="with --stop-after: close the transfer socket (ICMP port unreachable)")
    p.add_argument("--stop-linger", type=float, default=3.0, help="silence before exit 6")
    p.add_argument("--no-rollover", action="store_true",
                   help="block counter that does not wrap past 65535 (rpi-eeprom#720)")
    p.add_argument("--ack-ahead", help="FILE:BLOCK - ACK BLOCK late, then take the server's "
                   "repeat of it for BLOCK+1 and ACK that (raspberrypi/firmware#1631)")
    p.add_argument("--slow-oack-ack", metavar="FILE",
                   help="ACK FILE's OACK after 1.5 s, so the server repeats it (firmware#1041)")
    p.add_argument("--probe-loop", metavar="FILE", help="probe FILE's size again and again "
                   "every 2 s and never read it, until --file-timeout (rpi-eeprom#74)")
    p.add_argument("--no-kernel-dhcp", action="store_true")
    p.add_argument("--kernel-delay", type=float, default=0.5, help="pause before kernel DHCP")
    p.add_argument("--kernel-dhcp", choices=("ipconfig", "udhcpc"), default="ipconfig",
                   help="kernel DHCP client: built-in ip=dhcp look-alike (default) or busybox udhcpc")
    p.add_argument("--kernel-dhcp-tries", type=int, default=6, help="DISCOVERs (udhcpc -t)")
    p.add_argument("--kernel-vendor", help="option 60 for the kernel DHCP (e.g. 'Linux ipconfig')")
    p.add_argument("--bootcode-dhcp", action="store_true",
                   help="Pi 3: bootcode.bin's own DHCP after bootsig.bin")
    p.add_argument("--relay-bug", action="store_true",
                   help="ignore OFFERs that came through a relay agent (giaddr set)")
    p.add_argument("--arp-bug", help="zero | aa | MAC: send TFTP to this MAC, ignoring ARP")
    p.add_argument("--nfs-root", help="SERVER:/path to check with nfs-ls / nfs-cat")
    p.add_argument("--nfs-version", type=int, choices=(2, 3, 4), default=3)
    p.add_argument("--nfs-file", default="etc/hostname", help="file under the root for nfs-cat")
    p.add_argument("--nfs-timeout", type=float, default=30.0)
    p.add_argument("--xid", help="firmware DHCP xid in hex (Pi 3 default 0x26f30339)")
    p.add_argument("--legacy-opt97", action="store_true", help="Pi 4/5 with DHCP_OPTION97=0")
    p.add_argument("--board-rev", help="board revision for option 97, hex")
    p.add_argument("--opt97-filler", help="option 97 as type 0 + this byte (hex) 16 times")
    p.add_argument("--max-msg-size", type=int, default=0, help="also send option 57 with this value")
    p.add_argument("--keep-ipv6", action="store_true", help="do not disable IPv6 on IF")
    p.add_argument("--keep-offload", action="store_true",
                   help="leave TX checksum offload on IF (captures then show partial checksums)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    try:
        args.mac_bytes = parse_mac(args.mac)
    except ValueError as e:
        p.error(str(e))
    if len(args.serial) != 8 or any(c not in "0123456789abcdefABCDEF" for c in args.serial):
        p.error("--serial wants 8 hex digits")
    args.serial_int = int(args.serial, 16)
    try:
        args.xid = int(args.xid, 16) & 0xFFFFFFFF if args.xid else None
        args.board_rev = int(args.board_rev, 16) if args.board_rev else None
    except ValueError as e:
        p.error(str(e))
    if args.tftp_server:
        try:
            ipaddress.IPv4Address(args.tftp_server)
        except ValueError:
            p.error("--tftp-server wants a dotted IPv4 address")
    for opt in ("stop_after", "ack_ahead"):
        val = getattr(args, opt)
        if val:
            name, _, blocks = val.rpartition(":")
            if not name or not blocks.isdigit():
                p.error(f"--{opt.replace('_', '-')} wants FILE:BLOCKS")
            setattr(args, opt, (name, int(blocks)))
    if args.blksize is not None and not 8 <= args.blksize <= 65464:
        p.error("--blksize must be 8..65464 (RFC 2348)")
    if args.drop_every < 0:
        p.error("--drop-every must be >= 0")
    return args


def disable_tx_checksum_offload(ifname):
    """ETHTOOL_STXCSUM 0 via SIOCETHTOOL (no ethtool binary needed). With offload on, a veth
    hands partially checksummed frames to tcpdump, which shows "bad checksum" on every UDP/TCP
    packet the simulated Pi sends; a real Pi's NIC puts correct checksums on the wire."""
    import ctypes
    import fcntl

    siocethtool, ethtool_stxcsum = 0x8946, 0x17
    val = ctypes.create_string_buffer(struct.pack("II", ethtool_stxcsum, 0))
    ifr = struct.pack("16sP", ifname.encode()[:15], ctypes.addressof(val))
    ifr += bytes(40 - len(ifr))  # struct ifreq is 40 bytes on LP64
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), siocethtool, ifr)


def prepare_link(args, log):
    cur, _ = link_info(args.iface)
    if not args.keep_offload:
        try:
            disable_tx_checksum_offload(args.iface)
        except OSError as e:
            log.step("link", f"warning: cannot turn off TX checksum offload on {args.iface}: {e}")
    if not args.keep_ipv6:
        path = f"/proc/sys/net/ipv6/conf/{args.iface}/disable_ipv6"
        try:
            with open(path, "w") as f:
                f.write("1\n")
        except OSError:
            pass
    if cur != args.mac_bytes:
        setmac = ["ip", "link", "set", "dev", args.iface, "address", mac_str(args.mac_bytes)]
        if run(setmac, check=False).returncode != 0:  # driver without live address change
            run(["ip", "link", "set", "dev", args.iface, "down"])
            run(setmac)
    run(["ip", "-4", "addr", "flush", "dev", args.iface])
    run(["ip", "link", "set", "dev", args.iface, "up"])
    end = time.monotonic() + 3
    while "LOWER_UP" not in link_info(args.iface)[1] and time.monotonic() < end:
        time.sleep(0.05)
    if "LOWER_UP" not in link_info(args.iface)[1]:
        log.step("link", f"warning: {args.iface} has no carrier (is the peer up?)")
    log.step("link", f"{args.iface} up, mac {mac_str(args.mac_bytes)}, serial {args.serial_int:08x}")


def arp_bug(args, server, local_ip, log):
    """--arp-bug MAC: ask ARP who-has SERVER by hand (the reply comes and is ignored), then send
    everything for SERVER to MAC, as a bootloader whose ARP failed does (PI-NETBOOT.md s3): the
    kernel's neighbour entry is made permanent at that MAC, so its own ARP never runs."""
    mac = parse_mac(args.mac)
    bogus = {"zero": "00:00:00:00:00:00", "aa": "aa:aa:aa:aa:aa:aa"}.get(args.arp_bug, args.arp_bug)
    arp = struct.pack(">HHBBH", 1, ETH_P_IP, 6, 4, 1) + mac + socket.inet_aton(local_ip) + \
        bytes(6) + socket.inet_aton(server)
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sk:
        sk.bind((args.iface, 0))
        sk.send(b"\xff" * 6 + mac + struct.pack(">H", 0x0806) + arp + bytes(18))
    time.sleep(0.2)
    run(["ip", "neigh", "replace", server, "lladdr", bogus, "dev", args.iface, "nud", "permanent"])
    log.step("tftp", f"ARP who-has {server} sent; its reply ignored, frames go to {bogus} (--arp-bug)")


def simulate(args, log):
    model = dict(MODELS[args.model])
    if args.board_rev is not None:
        model["rev"] = args.board_rev
    prepare_link(args, log)

    dhcp = FirmwareDhcp(args, model, log)
    try:
        offer, ack = dhcp.run()
    finally:
        dhcp.close()
    server, source = choose_tftp_server(args, model, offer, ack, log)
    if not server:
        raise SimExit(EXIT_NO_TFTP, "no TFTP server: no --tftp-server, no dotted-IP option 66"
                      + (", siaddr 0.0.0.0" if model["siaddr"] else " (a Pi 3 ignores siaddr)"))
    plen = prefix_len(ack)
    run(["ip", "addr", "add", f"{ack['yiaddr']}/{plen}", "dev", args.iface])
    log.step("dhcp", f"configured {ack['yiaddr']}/{plen}; TFTP server {server} (from {source})")
    if ipaddress.IPv4Address(server) not in ipaddress.IPv4Network(f"{ack['yiaddr']}/{plen}", strict=False):
        log.step("dhcp", f"warning: TFTP server {server} is off-link and pisim adds no route: "
                 "the RRQs will fail (exit 5)")

    if args.arp_bug:
        arp_bug(args, server, ack["yiaddr"], log)
    tftp_boot(args, model, server, ack["yiaddr"], log)
    log.step("tftp", "all boot files transferred")

    if args.no_kernel_dhcp:
        log.step("kernel-dhcp", "skipped (--no-kernel-dhcp)")
    elif args.kernel_dhcp == "udhcpc":
        kernel_dhcp(args, log)
    else:
        kernel_dhcp_ipconfig(args, log)
    if args.nfs_root:
        nfs_root(args, log)
    log.step("done", "boot completed")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log = Log(args.model, args.verbose)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        log.step("error", "must run as root (AF_PACKET socket, ip addr/link)")
        return EXIT_USAGE
    try:
        simulate(args, log)
    except SimExit as e:
        log.step("fail", f"{e.msg} (exit {e.code})")
        if e.code != EXIT_USAGE:
            # A Pi that gives up resets: its address is gone, so late retransmissions from the
            # server are dropped silently instead of drawing ICMP port unreachable from us.
            run(["ip", "-4", "addr", "flush", "dev", args.iface], check=False)
        return e.code
    except KeyboardInterrupt:
        return 130
    except OSError as e:
        log.step("fail", f"local error: {e} (exit {EXIT_USAGE})")
        return EXIT_USAGE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
