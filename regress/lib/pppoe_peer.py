"""A scripted PPPoE peer for regress cases: raw Ethernet frames on one
interface of a network namespace, built and parsed here (RFC 2516), so
that cases can send what no real client would.

The socket is opened inside the namespace (setns through libc, then back)
and keeps working from this process afterwards."""
import ctypes
import os
import random
import select
import socket
import struct
import time

CLONE_NEWNET = 0x40000000
ETH_DISC = 0x8863
ETH_SESS = 0x8864
PADI, PADO, PADR, PADS, PADT = 0x09, 0x07, 0x19, 0x65, 0xa7
TAG_END, TAG_SERVICE, TAG_AC_NAME, TAG_HOST_UNIQ = 0, 0x101, 0x102, 0x103
TAG_COOKIE, TAG_RELAY, TAG_MAX_PAYLOAD = 0x104, 0x110, 0x120
TAG_SERVICE_ERR, TAG_SYSTEM_ERR, TAG_GENERIC_ERR = 0x201, 0x202, 0x203
BROADCAST = b"\xff" * 6
SOL_PACKET = 263                # linux/socket.h
PACKET_IGNORE_OUTGOING = 23     # linux/if_packet.h, Linux 4.20
PPP_LCP, PPP_PAP, PPP_CHAP = 0xc021, 0xc023, 0xc223
LCP_CONFREQ, LCP_CONFACK, LCP_CONFNAK, LCP_CONFREJ = 1, 2, 3, 4
LCP_TERMREQ, LCP_TERMACK, LCP_ECHOREQ, LCP_ECHOREP = 5, 6, 9, 10

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns %s: %s" % (path, os.strerror(e)))
    finally:
        os.close(fd)


def open_raw(netns, ifname, ethertype=0x0003, ignore_outgoing=False):
    """An AF_PACKET socket on ifname inside netns (ETH_P_ALL default).
    With ignore_outgoing it does not see what any socket sends on ifname,
    as a peer on the wire would not (a flood from another socket then
    cannot fill its receive queue)."""
    orig = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        _setns("/run/netns/" + netns)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ethertype))
        if ignore_outgoing:
            s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        s.bind((ifname, ethertype))
        mac = s.getsockname()[4]
    finally:
        if _libc.setns(orig, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(orig)
    return s, mac


def mac_str(b):
    return ":".join("%02x" % x for x in b)


def random_mac():
    b = bytearray(os.urandom(6))
    b[0] = (b[0] & 0xfe) | 0x02     # unicast, locally administered
    return bytes(b)


def tag(t, v=b""):
    return struct.pack("!HH", t, len(v)) + v


def disc_frame(dst, src, code, sid=0, tags=b"", length=None, vertype=0x11):
    if length is None:
        length = len(tags)
    return (dst + src + struct.pack("!H", ETH_DISC) +
            struct.pack("!BBHH", vertype, code, sid, length) + tags)


def sess_frame(dst, src, sid, payload):
    return (dst + src + struct.pack("!H", ETH_SESS) +
            struct.pack("!BBHH", 0x11, 0, sid, len(payload)) + payload)


def parse(frame):
    """(dst, src, ethertype, code, sid, {tag: [values]}, payload) or None."""
    if len(frame) < 20:
        return None
    dst, src = frame[0:6], frame[6:12]
    et = struct.unpack("!H", frame[12:14])[0]
    vt, code, sid, length = struct.unpack("!BBHH", frame[14:20])
    body = frame[20:20 + length]
    tags = {}
    if et == ETH_DISC:
        i = 0
        while i + 4 <= len(body):
            t, ln = struct.unpack("!HH", body[i:i + 4])
            tags.setdefault(t, []).append(body[i + 4:i + 4 + ln])
            i += 4 + ln
    return dst, src, et, code, sid, tags, body


class Client:
    """One PPPoE client MAC on a raw socket (it may speak for others:
    frames can carry any source MAC)."""

    def __init__(self, netns, ifname, mac=None, ignore_outgoing=False):
        self.sock, self.ifmac = open_raw(netns, ifname,
                                         ignore_outgoing=ignore_outgoing)
        self.mac = mac or self.ifmac
        self.ac = None
        self.cookie = None
        self.sid = None

    def close(self):
        self.sock.close()

    def send(self, frame):
        self.sock.send(frame)

    def recv(self, timeout, want=None, mac=None):
        """The next frame to mac (default ours) for which want(parsed) is
        true, or None after timeout seconds."""
        mac = mac or self.mac
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            f = self.sock.recv(65535)
            p = parse(f)
            if p is None or p[0] != mac:
                continue
            if want is None or want(p):
                return p

    def padi_frame(self, service=b"", host_uniq=None, extra=b"", mac=None):
        t = tag(TAG_SERVICE, service)
        if host_uniq is not None:
            t += tag(TAG_HOST_UNIQ, host_uniq)
        return disc_frame(BROADCAST, mac or self.mac, PADI, 0, t + extra)

    def padi(self, service=b"", host_uniq=None, extra=b"", mac=None):
        self.send(self.padi_frame(service, host_uniq, extra, mac))

    def pado(self, timeout=2, mac=None):
        p = self.recv(timeout, lambda p: p[2] == ETH_DISC and p[3] == PADO,
                      mac)
        if p is not None:
            self.ac = p[1]
            self.cookie = p[5].get(TAG_COOKIE, [None])[0]
        return p

    def padr_frame(self, service=b"", host_uniq=None, cookie=None,
                   extra=b"", mac=None, ac=None):
        t = tag(TAG_SERVICE, service)
        if host_uniq is not None:
            t += tag(TAG_HOST_UNIQ, host_uniq)
        c = cookie if cookie is not None else self.cookie
        if c is not None:
            t += tag(TAG_COOKIE, c)
        return disc_frame(ac or self.ac, mac or self.mac, PADR, 0, t + extra)

    def padr(self, service=b"", host_uniq=None, cookie=None, extra=b"",
             mac=None, ac=None):
        self.send(self.padr_frame(service, host_uniq, cookie, extra, mac, ac))

    def pads(self, timeout=5, mac=None):
        p = self.recv(timeout, lambda p: p[2] == ETH_DISC and p[3] == PADS,
                      mac)
        if p is not None and p[4] != 0:
            self.sid = p[4]
        return p

    def connect(self, service=b"", host_uniq=None, timeout=5):
        """PADI .. PADS; the session id, or None."""
        hu = host_uniq if host_uniq is not None else \
            struct.pack("!I", random.getrandbits(32))
        self.padi(service, hu)
        if self.pado(timeout) is None:
            return None
        self.padr(service, hu)
        p = self.pads(timeout)
        return p[4] if p is not None and p[4] != 0 else None

    def padt(self, sid=None, mac=None):
        self.send(disc_frame(self.ac, mac or self.mac, PADT,
                             self.sid if sid is None else sid))

    def send_ppp(self, payload, sid=None):
        self.send(sess_frame(self.ac, self.mac,
                             self.sid if sid is None else sid, payload))

    def recv_ppp(self, timeout, proto=None):
        """The next session frame's PPP payload (protocol filter)."""
        def want(p):
            if p[2] != ETH_SESS or p[4] != self.sid:
                return False
            return proto is None or p[6][:2] == struct.pack("!H", proto)
        p = self.recv(timeout, want)
        return p[6] if p is not None else None

    def lcp_conf_req(self, ident=1, mru=1492, magic=0x01020304):
        opts = struct.pack("!BBH", 1, 4, mru) + \
            struct.pack("!BBI", 5, 6, magic)
        return struct.pack("!HBBH", 0xc021, 1, ident, 4 + len(opts)) + opts

    def drain(self):
        """Drop what is queued on the socket; how many frames."""
        n = 0
        while select.select([self.sock], [], [], 0)[0]:
            self.sock.recv(65535)
            n += 1
        return n

    def collect(self, timeout, until=None):
        """Every frame received, to any destination, until until(parsed)
        is true for one (it is the last in the list) or timeout seconds
        pass: (list of parsed frames, whether until was met)."""
        got = []
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return got, False
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return got, False
            p = parse(self.sock.recv(65535))
            if p is None:
                continue
            got.append(p)
            if until is not None and until(p):
                return got, True

    def send_lcp(self, code, ident, data=b"", sid=None):
        self.send_ppp(struct.pack("!HBBH", PPP_LCP, code, ident,
                                  4 + len(data)) + data, sid)

    def recv_lcp(self, timeout, codes=None, ident=None):
        """The next LCP packet of our session as (code, ident, data), or
        None; codes and ident filter."""
        def want(p):
            if p[2] != ETH_SESS or p[4] != self.sid or len(p[6]) < 6 or \
                    struct.unpack("!H", p[6][:2])[0] != PPP_LCP:
                return False
            c, i = p[6][2], p[6][3]
            return (codes is None or c in codes) and \
                (ident is None or i == ident)
        p = self.recv(timeout, want)
        if p is None:
            return None
        ln = struct.unpack("!H", p[6][4:6])[0]
        return p[6][2], p[6][3], p[6][6:2 + ln]

    def lcp_open(self, timeout=10, mru=1492, magic=0x01020304, ident=0x40):
        """Bring LCP to Opened: our Configure-Request (MRU and magic)
        acked and the server's acked as it came.  The server's options,
        or None if it did not get there (a Nak or Reject of ours ends
        the attempt: this peer does not adapt)."""
        opts = struct.pack("!BBH", 1, 4, mru) + struct.pack("!BBI", 5, 6,
                                                             magic)
        end = time.monotonic() + timeout
        acked, his, resend = False, None, 0
        while time.monotonic() < end:
            if not acked and time.monotonic() >= resend:
                self.send_lcp(LCP_CONFREQ, ident, opts)
                resend = time.monotonic() + 1
            r = self.recv_lcp(0.2)
            if r is None:
                continue
            code, i, data = r
            if code == LCP_CONFREQ:
                self.send_lcp(LCP_CONFACK, i, data)
                his = data
            elif code == LCP_CONFACK and i == ident:
                acked = True
            elif code in (LCP_CONFNAK, LCP_CONFREJ) and i == ident:
                return None
            if acked and his is not None:
                return his
        return None

    def lcp_echo(self, ident, timeout=3, magic=0x01020304, data=b""):
        """Echo-Request; the Echo-Reply's data after its magic number, or
        None if no reply came."""
        self.send_lcp(LCP_ECHOREQ, ident, struct.pack("!I", magic) + data)
        r = self.recv_lcp(timeout, (LCP_ECHOREP,), ident)
        return r[2][4:] if r is not None else None

    def wait_padt(self, timeout):
        """The PADT for our session (parsed), or None; LCP
        Terminate-Requests on the way are acked, so that a server which
        says goodbye in PPP first is not kept waiting."""
        def want(p):
            if p[2] == ETH_DISC:
                return p[3] == PADT
            return p[4] == self.sid and p[6][:3] == struct.pack(
                "!HB", PPP_LCP, LCP_TERMREQ)
        end = time.monotonic() + timeout
        while True:
            p = self.recv(max(0, end - time.monotonic()), want)
            if p is None or p[2] == ETH_DISC:
                return p
            self.send_lcp(LCP_TERMACK, p[6][3])
