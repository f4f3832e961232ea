#!/usr/bin/env python3
# summary: differential check of ONC RPC/MOUNT/NFS fields (RFC 5531, 1813, 7530) against tshark's PDML.
"""Usage: rpc_diff.py [--subset] NBT CAPTURE

Runs `NBT -r CAPTURE --dump` and `tshark -r CAPTURE -Y rpc -T pdml`, builds per
frame the sequence of RPC messages each reports (a frame completing several
TCP records carries several), and compares them field by field:
xid, msg type, program/version/procedure (replies: only when matched to a
call), reply_stat/accept_stat, MOUNT path/status, NFSv4 op list, COMPOUND
status and per-op statuses.  Prints the differing frames; exit 1 if any.
--subset: for captures where tshark loses TCP record sync (it cannot reassemble
segments cut by the snaplen or after a hole): every message tshark decodes must
match ours, but frames where tshark decodes nothing are not compared.

Frames the snaplen cut (frame caplen < len, tshark's "[Packet size limited
during capture]"): the RPC header fields both sides can see (xid, msg type,
prog/vers/proc, reply_stat, accept_stat) are compared strictly; a program field
past the cut (MOUNT path/status, NFSv4 ops and statuses) must either be equal
or our message must say body="truncated".  Such frames are compared, never
skipped, and counted in the summary line.
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

KNOWN_PROGS = (100000, 100003, 100005)
# RPC header fields: what both sides see in a frame the snaplen cut after the header.
HEADER = ('xid', 'msgtyp', 'prog', 'vers', 'proc', 'replystat', 'accept')
FIELD_RE = re.compile(r' ([a-z_0-9]+)=("(?:[^"\\]|\\.)*"|\S*)')


def unquote(v):
    if v.startswith('"'):
        v = v[1:-1]
        return re.sub(r'\\x([0-9a-f]{2})', lambda m: chr(int(m.group(1), 16)), v)
    return v


def ours(nbt, cap):
    out = subprocess.run([nbt, '-r', cap, '--dump'], capture_output=True, text=True,
                         errors='replace', check=False)
    if out.returncode not in (0, 1):  # 1: the capture has anomalies, still usable
        sys.stderr.write(out.stderr)
        raise SystemExit('%s failed with %d on %s' % (nbt, out.returncode, cap))
    frames = {}
    for line in out.stdout.splitlines():
        parts = line.split(' ', 2)
        if len(parts) < 3 or parts[1] != 'rpc':
            continue
        f = {k: unquote(v) for k, v in FIELD_RE.findall(' ' + parts[2])}
        frames.setdefault(int(parts[0]), []).append(norm_ours(f))
    return frames


def ilist(s):
    return tuple(int(x) for x in s.split(',') if x != '')


def norm_ours(f):
    m = {'xid': int(f['xid'], 16), 'msgtyp': 1 if f['msg'] == 'reply' else 0}
    if f.get('matched') == '0':
        m['unmatched'] = True
    if f['msg'] == 'call' or f.get('matched') == '1':
        m['prog'] = int(f['prog'])
        m['vers'] = int(f['vers'])
        m['proc'] = int(f['proc'])
    if 'reply_stat' in f:
        m['replystat'] = int(f['reply_stat'])
    if 'accept_stat' in f:
        m['accept'] = int(f['accept_stat'])
    if 'path' in f:
        m['mpath'] = f['path']
    if 'mount_status' in f:
        m['mstatus'] = int(f['mount_status'])
    if 'ops' in f:
        m['ops'] = ilist(f['ops'])
    if f.get('body') == 'truncated':
        m['trunc'] = True
    if f['msg'] == 'reply' and 'op_status' in f:
        m['nfs4stat'] = (int(f['nfs_status']),) + ilist(f['op_status'])
    return m


def tshark_msgs(cap):
    # Decode As: the oracle gets the same port assignment we use (tshark otherwise
    # prefers e.g. DLEP on 854 or DNS on 53 when a client port collides).
    decode = []
    for proto in ('udp', 'tcp'):
        for port in (111, 2049):
            decode += ['-d', '%s.port==%d,rpc' % (proto, port)]
    p = subprocess.Popen(['tshark', '-n', '-r', cap] + decode + ['-Y', 'rpc', '-T', 'pdml'],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    frames = {}
    short = set()
    for _, pkt in ET.iterparse(p.stdout, events=('end',)):
        if pkt.tag != 'packet':
            continue
        num = None
        msgs = []
        for proto in pkt.findall('proto'):
            name = proto.get('name')
            if name == 'geninfo':
                g = {fld.get('name'): fld.get('show') for fld in proto.findall('field')}
                num = int(g['num'])
                if int(g.get('caplen', 0)) < int(g.get('len', 0)):
                    short.add(num)
            elif name == 'rpc':
                msgs.append(rpc_fields(proto))
            elif name in ('nfs', 'mount') and msgs:
                prog_fields(name, proto, msgs[-1])
        msgs = [m for m in msgs if m is not None]
        if any(e.get('name') == '_ws.unreassembled' for e in pkt.iter()):
            for m in msgs:
                m['float'] = True
        frames[num] = msgs
        pkt.clear()
    p.wait()
    return frames, short


def first(proto, name):
    for fld in proto.iter('field'):
        if fld.get('name') == name:
            return fld.get('show')
    return None


def rpc_fields(proto):
    xid = first(proto, 'rpc.xid')
    if xid is None:
        return None
    m = {'xid': int(xid, 16), 'msgtyp': int(first(proto, 'rpc.msgtyp'))}
    for key, fld in (('prog', 'rpc.program'), ('vers', 'rpc.programversion'),
                     ('proc', 'rpc.procedure'), ('replystat', 'rpc.replystat'),
                     ('accept', 'rpc.state_accept')):
        v = first(proto, fld)
        if v is not None:
            m[key] = int(v)
    return m


def prog_fields(name, proto, m):
    if name == 'mount':
        path = first(proto, 'mount.path')
        if path is not None:
            m['t_mpath'] = path
        st = first(proto, 'mount.status')
        if st is not None:
            m['mstatus'] = int(st)
        return
    ops = [f for f in proto.iter('field') if f.get('name') == 'nfs.opcode']
    if not ops:
        return
    m['ops'] = tuple(int(f.get('show')) for f in ops)
    if m['msgtyp'] == 1:
        stats = [int(f.get('show')) for f in proto.findall('field')
                 if f.get('name') == 'nfs.nfsstat4']
        for op in ops:
            stats += [int(f.get('show')) for f in op.findall('field')
                      if f.get('name') == 'nfs.nfsstat4']
        m['nfs4stat'] = tuple(stats)


def comparable(t, o):
    """Drops fields one side cannot know, so the rest is compared strictly."""
    o = dict(o)
    t = dict(t)
    # tshark prints mount.path only on calls; our replies repeat the call's path.
    if 't_mpath' in t:
        t['mpath'] = t.pop('t_mpath')
    elif t['msgtyp'] == 1:
        o.pop('mpath', None)
    if 'mpath' in o and 'mpath' not in t:
        t['mpath'] = None
    # Over TCP only the first 64 KiB of a record are kept: ops after a large WRITE
    # are beyond them, so our (flagged) truncated op list must be a prefix of tshark's.
    if o.pop('trunc', False):
        for k in ('ops', 'nfs4stat'):
            if k in o and k in t and t[k][:len(o[k])] == o[k]:
                t[k] = o[k]
    return t, o


def same_past_cut(t, o):
    """A frame the snaplen cut: header fields strictly equal; the rest equal, or, when
    our message says its body was truncated, left out by us (never a different value)."""
    trunc = o.get('trunc', False)
    a, b = comparable(t, o)
    if any(a.get(k) != b.get(k) for k in HEADER):
        return False
    return all(a.get(k) == b.get(k) or (trunc and b.get(k) is None) for k in set(a) | set(b))


def settle_unreassembled(theirs, mine):
    """tshark cannot reassemble a record whose segments the snaplen cut; it then
    decodes the record's start in its first frame (flagged _ws.unreassembled),
    while we report it in the frame that completes it.  Such a message must match
    one of ours with the same xid and type within the next 64 frames; both are
    then set aside.  Unflagged messages are never moved."""
    moved = 0
    for num in sorted(theirs):
        keep = []
        for m in theirs[num]:
            if not m.pop('float', False):
                keep.append(m)
                continue
            hit = None
            for n in range(num, num + 64):
                for i, o in enumerate(mine.get(n, [])):
                    if (o['xid'], o['msgtyp']) != (m['xid'], m['msgtyp']):
                        continue
                    a, b = comparable(m, o)
                    b.pop('unmatched', None)
                    if {k: v for k, v in a.items() if k in b} == b or a == b:
                        hit = (n, i)
                        break
                if hit:
                    break
            if hit:
                del mine[hit[0]][hit[1]]
                moved += 1
            else:
                keep.append(m)
        theirs[num] = keep
    return moved


def main():
    args = sys.argv[1:]
    subset = args[0] == '--subset'
    if subset:
        args = args[1:]
    nbt, cap = args[0], args[1]
    mine = ours(nbt, cap)
    theirs, short = tshark_msgs(cap)
    bad = 0
    total = 0
    nshort = 0
    moved = settle_unreassembled(theirs, mine)
    for num in sorted(set(mine) | set(theirs)):
        t = theirs.get(num, [])
        # tshark dissects a reply only if it saw the call (RFC 5531 replies do not
        # name their program); we still report replies on the RPC ports, unmatched.
        # Those, and only those, are left out when tshark has no message with that xid.
        txids = {m['xid'] for m in t}
        o = [m for m in mine.get(num, []) if not (m.get('unmatched') and m['xid'] not in txids)]
        for m in o:
            m.pop('unmatched', None)
        # Our heuristic claims dynamic ports only for the programs of our table
        # (portmap, NFS, MOUNT); tshark also follows e.g. NFSv4 callback channels.
        oxids = {m['xid'] for m in o}
        t = [m for m in t if m.get('prog') in KNOWN_PROGS or m['xid'] in oxids]
        total += len(t)
        if subset and not t:
            continue
        if num in short and t:
            nshort += 1
            same = [same_past_cut(a, b) for a, b in zip(t, o)]
        else:
            same = [a == b for a, b in (comparable(x, y) for x, y in zip(t, o))]
        if len(t) != len(o) or not all(same):
            bad += 1
            if bad <= 10:
                print('%s frame %d%s:\n  tshark %s\n  ours   %s'
                      % (cap, num, ' (cut by the snaplen)' if num in short else '', t, o))
    print('%s: %d tshark RPC messages (%d unreassembled, matched later, %d frames cut by the '
          'snaplen), %d differing frames' % (cap, total, moved, nshort, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
