"""PPPoE discovery against the real daemon: a scripted peer
(lib/pppoe_peer.py) on one end of a veth pair in a namespace of the
case's own, pppoxd listening on the other end.

"No answer" is shown by order, not by waiting: the discovery process
answers each frame before it reads the next, so once a marker PADI sent
afterwards has its PADO (or a marker PADR its PADS, for what goes through
the parent), an answer to the frame before it would have come already.
Counters come from pppoxctl -j show status, at most 1 s behind."""
import json
import os
import random
import re
import signal
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from pppoxd_test import (  # noqa: E402
    Daemon, Failure, Netns, alive, check, children, ensure_user, main,
    proc_status, role_of, wait_for)
from pppoe_peer import (  # noqa: E402
    BROADCAST, ETH_DISC, ETH_SESS, LCP_CONFACK, LCP_CONFNAK, LCP_CONFREQ,
    LCP_ECHOREQ, LCP_TERMREQ, PADI, PADO, PADR, PADS, PADT, TAG_AC_NAME,
    TAG_COOKIE, TAG_HOST_UNIQ, TAG_MAX_PAYLOAD, TAG_RELAY, TAG_SERVICE,
    TAG_SERVICE_ERR, Client, disc_frame, mac_str, random_mac, sess_frame,
    tag)

POOL = """pool "p" {
	local 10.99.0.1
	range 10.99.0.10 - 10.99.0.250
}
"""
LISTEN = 'listen pppoe on srv0 pool "p" %s\n'
STATS_LAG = 1           # s: the discovery process reports at most this late
LOG_BUDGET = 20         # drop lines per LOG_WINDOW seconds
LOG_WINDOW = 10


class Case:
    """A namespace with veth pairs srvN/cliN, pppoxd serving some of the
    srv ends, and the peers a case opened (closed at the end)."""

    def __init__(self, ns, d, marker_service=b""):
        self.ns = ns
        self.d = d
        self.clients = []
        self.marker_service = marker_service     # one the daemon offers

    def client(self, ifname="cli0", mac=None):
        c = Client(self.ns.name, ifname, mac or random_mac(),
                   ignore_outgoing=True)
        self.clients.append(c)
        return c

    def close(self):
        for c in self.clients:
            c.close()

    def ifmac(self, ifname):
        r = self.ns.run(["cat", "/sys/class/net/%s/address" % ifname],
                        capture_output=True, text=True)
        return bytes.fromhex(r.stdout.strip().replace(":", ""))

    def status(self):
        return json.loads(self.d.ctl("show", "status",
                                     json=True).stdout)["status"]

    def stats(self):
        return self.status()["discovery"]

    def stats_at_least(self, base, **want):
        """Wait until each counter named is at least base + n; the
        counters then."""
        def ok():
            s = self.stats()
            return all(s[k] >= base[k] + n for k, n in want.items()) and s
        return wait_for(ok, STATS_LAG + 9, "discovery counters %s" % want)

    def settled_stats(self):
        """Counters that no longer move: two reads more than the lag
        apart agree."""
        prev = self.stats()
        for _ in range(20):
            time.sleep(STATS_LAG + 0.3)
            cur = self.stats()
            if cur == prev:
                return cur
            prev = cur
        raise Failure("discovery counters never settled")

    def disc_pid(self):
        for k in children(self.d.pid):
            if role_of(k) == "discovery":
                return k
        return None

    def sessions(self):
        r = self.d.ctl("show", "sessions", json=True)
        return json.loads(r.stdout)["sessions"]

    def session_pid(self, mac):
        rows = self.sessions_of(mac)
        if len(rows) != 1:
            raise Failure("not one session for %s: %s" % (mac_str(mac),
                                                          rows))
        return rows[0]["pid"]

    def sessions_of(self, mac):
        return [s for s in self.sessions()
                if s["peer"].startswith(mac_str(mac) + "%")]

    def marker_pado(self, c):
        """Frames to anyone until a fresh MAC's PADI got its PADO."""
        m = random_mac()
        c.padi(self.marker_service, b"marker", mac=m)
        got, ok = c.collect(10, lambda p: p[0] == m and p[2] == ETH_DISC and
                            p[3] == PADO)
        if not ok:
            raise Failure("the marker PADI got no PADO")
        return got

    def marker_pads(self, c):
        """Frames to anyone until a fresh MAC got a session: its PADS
        leaves after the parent answered every request made before."""
        m = random_mac()
        service = self.marker_service
        got = []
        c.padi(service, b"marker", mac=m)
        g, ok = c.collect(10, lambda p: p[0] == m and p[2] == ETH_DISC and
                          p[3] == PADO)
        got += g
        if not ok:
            raise Failure("the marker PADI got no PADO")
        cookie = g[-1][5][TAG_COOKIE][0]
        c.padr(service, b"marker", cookie, mac=m, ac=g[-1][1])
        g, ok = c.collect(10, lambda p: p[0] == m and p[2] == ETH_DISC and
                          p[3] == PADS)
        got += g
        if not ok or g[-1][4] == 0:
            raise Failure("the marker PADR got no session")
        return got


def veth(ns, srv, cli, mtu=None):
    ns.run(["ip", "link", "add", srv, "type", "veth", "peer", "name", cli])
    for i in (srv, cli):
        if mtu is not None:
            ns.run(["ip", "link", "set", i, "mtu", str(mtu)])
        ns.run(["ip", "link", "set", i, "up"])


def run(tag, conf, body, links=(("srv0", "cli0", None),),
        marker_service=b""):
    ensure_user()
    with Netns(tag) as ns:
        for srv, cli, mtu in links:
            veth(ns, srv, cli, mtu)
        d = Daemon(ns, conf, "", tag)
        t = Case(ns, d, marker_service)
        try:
            d.start()
            pid = wait_for(t.disc_pid, 10, "the discovery process")
            wait_for(lambda: (proc_status(pid) or {}).get("Seccomp") == "2",
                     10, "the discovery process to finish demoting")
            body(t)
        except Exception:
            print("--- pppoxd log ---\n" + d.logtext())
            raise
        finally:
            t.close()
            d.cleanup()


def no_frames_to(frames, macs, what):
    bad = [(mac_str(p[0]), hex(p[2]), hex(p[3])) for p in frames
           if p[0] in macs]
    check(not bad, what + (" (frames to them: %s)" % bad if bad else ""))


def tags_of(p, t):
    return p[5].get(t, [])


def sockets(pid):
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            n += os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith(
                "socket:")
        except FileNotFoundError:
            pass
    return n


def up(t, service=b"", ifname="cli0", mac=None, host_uniq=None):
    """A client with a session whose LCP is opened, in the authentication
    phase (this peer does not authenticate; the server gives up after ten
    Challenges, some 30 s).  LCP waits until the child holds its channel
    to the auth process: pppoe-disc-session-fast-peer is about a peer that
    does not wait."""
    c = t.client(ifname, mac)
    sid = c.connect(service, host_uniq)
    if sid is None:
        raise Failure("no session for %s" % mac_str(c.mac))
    pid = t.session_pid(c.mac)
    wait_for(lambda: sockets(pid) >= 3, 10, "session child %d to hold its "
             "channels to the parent and auth and its packet socket" % pid)
    if c.lcp_open() is None:
        raise Failure("LCP did not open for session %d" % sid)
    return c


def lcp_alive(c, what):
    ident = random.randrange(1, 255)
    check(c.lcp_echo(ident, 5) is not None,
          "%s: session %d answers an LCP Echo-Request" % (what, c.sid))


# --- PADO contents ---------------------------------------------------------

def pado_tags(t):
    c = t.client()
    ac = t.ifmac("srv0")
    hu = bytes([0, 0xff, 1, 0x80]) + os.urandom(33)
    relay = b"\x00\x01relay-agent-circuit\xfe"
    c.padi(b"internet", hu, tag(TAG_RELAY, relay))
    p = c.pado()
    check(p is not None, "PADI for a configured service gets a PADO")
    check(p[1] == ac and p[0] == c.mac and p[4] == 0,
          "the PADO comes from srv0's MAC to the client, session id 0")
    check(tags_of(p, TAG_AC_NAME) == [b"pppoxd"],
          "AC-Name is the server name by default (%s)" %
          tags_of(p, TAG_AC_NAME))
    check(tags_of(p, TAG_SERVICE) == [b"internet"],
          "the Service-Name asked for is echoed (%s)" %
          tags_of(p, TAG_SERVICE))
    check(tags_of(p, TAG_HOST_UNIQ) == [hu],
          "Host-Uniq is echoed unchanged")
    check(tags_of(p, TAG_RELAY) == [relay],
          "Relay-Session-Id is echoed unchanged")
    cookies = tags_of(p, TAG_COOKIE)
    check(len(cookies) == 1 and len(cookies[0]) > 0,
          "one non-empty AC-Cookie (%d octets)" %
          (len(cookies[0]) if cookies else 0))
    c.padr(b"internet", hu, extra=tag(TAG_RELAY, relay))
    p = c.pads()
    check(p is not None and p[4] != 0, "the PADR gets a session")
    check(tags_of(p, TAG_HOST_UNIQ) == [hu] and
          tags_of(p, TAG_RELAY) == [relay] and
          tags_of(p, TAG_SERVICE) == [b"internet"],
          "the PADS echoes Service-Name, Host-Uniq and Relay-Session-Id")


def pado_ac_name(t):
    for cli, want in (("cli0", b"bras-east-1"), ("cli1", b"pppoxd")):
        c = t.client(cli)
        c.padi(b"", b"hu")
        p = c.pado()
        check(p is not None, "PADI on %s gets a PADO" % cli)
        check(tags_of(p, TAG_AC_NAME) == [want],
              "AC-Name on %s is %s" % (cli, want))


def pado_service_list(t):
    c = t.client()
    c.padi(b"", b"hu")
    p = c.pado()
    check(p is not None, "PADI for any service gets a PADO")
    svc = tags_of(p, TAG_SERVICE)
    check(svc[:1] == [b""], "the empty Service-Name is echoed first (%s)" %
          svc)
    check(sorted(svc[1:]) == [b"internet", b"iptv", b"voip"],
          "then each configured service (%s)" % svc[1:])


# --- RFC 4638 ----------------------------------------------------------------

def lcp_mru(c, mru, ident):
    """The server's answer to a Configure-Request with only this MRU."""
    c.send_lcp(LCP_CONFREQ, ident, struct.pack("!BBH", 1, 4, mru))
    r = c.recv_lcp(5, (LCP_CONFACK, LCP_CONFNAK, 4), ident)
    if r is None:
        raise Failure("no answer to Configure-Request MRU %d" % mru)
    return r


def max_payload(t):
    mp = tag(TAG_MAX_PAYLOAD, struct.pack("!H", 1500))
    c = t.client()
    c.padi(b"", b"hu", mp)
    p = c.pado()
    check(p is not None, "PADI with PPP-Max-Payload 1500 on MTU 1508 gets "
          "a PADO")
    check(tags_of(p, TAG_MAX_PAYLOAD) == [struct.pack("!H", 1500)],
          "the PADO echoes PPP-Max-Payload 1500 (%s)" %
          tags_of(p, TAG_MAX_PAYLOAD))
    c.padr(b"", b"hu", extra=mp)
    p = c.pads()
    check(p is not None and p[4] != 0, "the PADR gets a session")
    check(tags_of(p, TAG_MAX_PAYLOAD) == [struct.pack("!H", 1500)],
          "the PADS echoes PPP-Max-Payload 1500")
    code, _, data = lcp_mru(c, 1500, 7)
    check(code == LCP_CONFACK and data == struct.pack("!BBH", 1, 4, 1500),
          "the session acks an LCP MRU of 1500 (code %d)" % code)

    # The same interface, without the tag: 1492 it stays.
    c2 = t.client()
    sid = c2.connect(b"")
    check(sid is not None, "a client without the tag gets a session")
    code, _, data = lcp_mru(c2, 1500, 8)
    check(code == LCP_CONFNAK,
          "without PPP-Max-Payload the session naks an MRU of 1500 "
          "(code %d, %s)" % (code, data.hex()))


def max_payload_mtu_1500(t):
    mp = tag(TAG_MAX_PAYLOAD, struct.pack("!H", 1500))
    c = t.client()
    c.padi(b"", b"hu", mp)
    p = c.pado()
    check(p is not None, "PADI with PPP-Max-Payload 1500 on MTU 1500 gets "
          "a PADO")
    check(tags_of(p, TAG_MAX_PAYLOAD) == [],
          "the PADO does not echo PPP-Max-Payload: 1500 + 8 does not fit")
    c.padr(b"", b"hu", extra=mp)
    p = c.pads()
    check(p is not None and p[4] != 0, "the PADR gets a session")
    check(tags_of(p, TAG_MAX_PAYLOAD) == [],
          "the PADS does not echo it either")
    code, _, data = lcp_mru(c, 1500, 9)
    check(code == LCP_CONFNAK and data[:2] == b"\x01\x04" and
          struct.unpack("!H", data[2:4])[0] <= 1492,
          "the session naks an MRU of 1500 with one of at most 1492 (%s)" %
          data.hex())


# --- Service-Name ------------------------------------------------------------

def service_offered(t):
    base = t.settled_stats()
    for svc in (b"internet", b"iptv"):
        c = t.client()
        sid = c.connect(svc)
        check(sid is not None, "service %s: PADI, PADO, PADR, PADS give a "
              "session (%s)" % (svc.decode(), sid))
    s = t.stats_at_least(base, pads=2)
    check(s["unknown_service"] == base["unknown_service"],
          "nothing counted as an unknown service")


def service_unknown(t):
    base = t.settled_stats()
    c = t.client()
    c.padi(b"bogus-service", b"hu")
    got = t.marker_pado(c)
    no_frames_to(got, {c.mac}, "a PADI for a service not offered gets no "
                 "PADO")
    s = t.stats_at_least(base, unknown_service=1, padi=2)
    check(s["unknown_service"] == base["unknown_service"] + 1,
          "it is counted as unknown_service")
    check(s["pado"] == base["pado"] + 1, "only the marker got a PADO")
    wait_for(lambda: 'service "bogus-service"' in t.d.logtext(), 5,
             "the log line")
    line = [x for x in t.d.logtext().splitlines()
            if 'service "bogus-service"' in x][0]
    check(mac_str(c.mac) in line and "not offered" in line,
          "the log says who asked and why: %s" % line.strip())


def service_empty_refused(t):
    base = t.settled_stats()
    c = t.client()
    c.padi(b"", b"hu")
    got = t.marker_pado(c)
    no_frames_to(got, {c.mac}, "with any-service no, a PADI for any "
                 "service gets no PADO")
    s = t.stats_at_least(base, padi=2)
    check(s["pado"] == base["pado"] + 1, "only the marker got a PADO")


def padr_unknown_service(t):
    c = t.client()
    c.padi(b"internet", b"hu")
    check(c.pado() is not None, "PADI for internet gets a PADO")
    base = t.settled_stats()
    for svc in (b"bogus-service", b""):
        c.padr(svc, b"hu")
        p = c.pads()
        check(p is not None, "a PADR for service '%s' gets a PADS" %
              svc.decode())
        check(p[4] == 0, "with session id 0")
        check(len(tags_of(p, TAG_SERVICE_ERR)) == 1,
              "and a Service-Name-Error tag (%s)" %
              tags_of(p, TAG_SERVICE_ERR))
    s = t.stats_at_least(base, refused=2, unknown_service=2)
    check(s["pads"] == base["pads"] + 2, "two PADS counted")
    check(t.sessions_of(c.mac) == [] and not t.d.session_pids(),
          "no session was started")


# --- AC-Cookie ---------------------------------------------------------------

def cookie_case(t, variants):
    """Each variant (what, cookie_tags(own, other)) on a client that got
    a PADO: no PADS, counted as bad_cookie; then its own cookie works."""
    a = t.client()
    b = t.client()
    a.padi(b"", b"hu-a")
    check(a.pado() is not None, "client A gets a PADO")
    b.padi(b"", b"hu-b")
    check(b.pado() is not None, "client B gets a PADO")
    check(a.cookie != b.cookie, "the two MACs get different cookies")
    base = t.settled_stats()
    a.drain()
    for what, cookies in variants:
        extra = b"".join(tag(TAG_COOKIE, x)
                         for x in cookies(a.cookie, b.cookie))
        a.send(disc_frame(a.ac, a.mac, PADR, 0, tag(TAG_SERVICE, b"") +
                          tag(TAG_HOST_UNIQ, b"hu-a") + extra))
        got = t.marker_pads(a)
        no_frames_to(got, {a.mac}, "a PADR %s gets no PADS" % what)
    s = t.stats_at_least(base, bad_cookie=len(variants))
    check(s["bad_cookie"] == base["bad_cookie"] + len(variants),
          "each is counted as bad_cookie (%d)" %
          (s["bad_cookie"] - base["bad_cookie"]))
    check(t.sessions_of(a.mac) == [], "client A has no session")
    a.padr(b"", b"hu-a")
    p = a.pads()
    check(p is not None and p[4] != 0,
          "A's PADR with its own cookie gets a session")


def flip(b, i):
    x = bytearray(b)
    x[i] ^= 0x01
    return bytes(x)


def cookie_missing(t):
    cookie_case(t, [("without an AC-Cookie", lambda own, other: []),
                    ("with an empty AC-Cookie", lambda own, other: [b""])])


def cookie_forged(t):
    cookie_case(t, [
        ("with a random AC-Cookie",
         lambda own, other: [os.urandom(len(own))]),
        ("with its cookie's last octet changed",
         lambda own, other: [flip(own, len(own) - 1)]),
        ("with its cookie's first octet changed",
         lambda own, other: [flip(own, 0)]),
        ("with its cookie cut short", lambda own, other: [own[:-1]]),
        ("with its cookie and an octet more",
         lambda own, other: [own + b"\x00"]),
    ])


def cookie_other_mac(t):
    cookie_case(t, [("with another MAC's AC-Cookie",
                     lambda own, other: [other])])


# --- PADR --------------------------------------------------------------------

def padr_duplicate(t):
    c = t.client()
    c.padi(b"", b"hu-dup")
    check(c.pado() is not None, "PADI gets a PADO")
    base = t.settled_stats()
    c.drain()
    f = c.padr_frame(b"", b"hu-dup")
    c.send(f)
    c.send(f)
    got = t.marker_pads(c)
    pads = [p for p in got if p[0] == c.mac and p[3] == PADS]
    check(len(pads) == 1, "the same PADR twice gets one PADS (%d)" %
          len(pads))
    check(pads and pads[0][4] != 0, "with a session id")
    check(len(t.sessions_of(c.mac)) == 1,
          "one session for the MAC: %s" % t.sessions_of(c.mac))
    # Children take a moment to start (one at a time per CPU).
    wait_for(lambda: len(t.d.session_pids()) == 2, 10,
             "two session children: the client's and the marker's")
    s = t.stats_at_least(base, padr=3)
    check(s["padr"] == base["padr"] + 3, "three PADRs counted")


def padr_resent(t):
    """A client whose PADS was lost sends its PADR again (rp-pppoe and
    pppd's plugin do, after a few seconds): that must not leave a second
    session behind, the first one orphaned until LCP gives up on it
    (with max-sessions-per-mac 1 it would lock the client out)."""
    c = t.client()
    c.padi(b"", b"hu-again")
    check(c.pado() is not None, "PADI gets a PADO")
    c.padr(b"", b"hu-again")
    p = c.pads()
    check(p is not None and p[4] != 0, "PADR gets session %s" %
          (p[4] if p else None))
    first = p[4]
    wait_for(lambda: t.sessions_of(c.mac), 5, "the session in the table")
    c.padr(b"", b"hu-again")
    p = c.pads(3)
    rows = t.sessions_of(c.mac)
    check(len(rows) == 1, "the same PADR again leaves one session for the "
          "MAC (%d)" % len(rows))
    check(p is None or p[4] == first, "a PADS for it, if any, names the "
          "same session %d (got %s)" % (first, p[4] if p else None))


# --- limits ------------------------------------------------------------------

def max_per_mac(t):
    mac = random_mac()
    sids = []
    for i in range(2):
        c = t.client(mac=mac)
        sid = c.connect(b"", b"hu-%d" % i)
        check(sid is not None, "connect %d from the MAC gets a session" %
              (i + 1))
        sids.append(sid)
    check(sids[0] != sids[1], "two different session ids %s" % sids)
    base = t.settled_stats()
    c = t.client(mac=mac)
    c.drain()
    c.padi(b"", b"hu-2")
    got = t.marker_pado(c)
    no_frames_to(got, {mac}, "the third PADI from the MAC gets no PADO")
    s = t.stats_at_least(base, over_limit=1)
    check(s["over_limit"] == base["over_limit"] + 1, "counted as over_limit")
    check(len(t.sessions_of(mac)) == 2, "the MAC still has two sessions")
    other = t.client()
    check(other.connect(b"") is not None, "another MAC still connects")


def max_per_mac_padr(t):
    """A cookie the MAC got while under the limit is refused once the
    MAC has reached it."""
    mac = random_mac()
    keep = t.client(mac=mac)
    keep.padi(b"", b"hu-kept")
    check(keep.pado() is not None, "the MAC gets a PADO while it has no "
          "session")
    for i in range(2):
        c = t.client(mac=mac)
        check(c.connect(b"", b"hu-%d" % i) is not None,
              "session %d for the MAC" % (i + 1))
    base = t.settled_stats()
    keep.drain()
    keep.padr(b"", b"hu-kept")
    got = t.marker_pads(keep)
    no_frames_to(got, {mac}, "a PADR with the earlier cookie gets no PADS")
    s = t.stats_at_least(base, over_limit=1)
    check(s["over_limit"] == base["over_limit"] + 1,
          "counted as over_limit")
    check(len(t.sessions_of(mac)) == 2, "the MAC has two sessions")


def max_sessions(t):
    a, b = t.client(), t.client()
    check(a.connect(b"") is not None and b.connect(b"") is not None,
          "two MACs get the two sessions max-sessions allows")
    base = t.settled_stats()
    c = t.client()
    c.padi(b"", b"hu-c")
    s = t.stats_at_least(base, padi=1)
    got, _ = c.collect(0.5)
    no_frames_to(got, {c.mac}, "a third MAC's PADI gets no PADO")
    check(s["over_limit"] == base["over_limit"] + 1 and
          s["pado"] == base["pado"], "counted as over_limit, no PADO")
    a.padt()
    wait_for(lambda: len(t.sessions()) == 1, 10,
             "A's session to end after its PADT")
    # The discovery process hears of the end after the parent's table.
    wait_for(lambda: c.connect(b"", timeout=1) is not None, 10,
             "the third MAC to connect")
    check(True, "once a session ended the third MAC connects")


# --- PADT --------------------------------------------------------------------

def padt_peer(t):
    c = up(t)
    pid = wait_for(lambda: t.d.session_pids(), 5, "the session child")[0]
    base = t.settled_stats()
    c.drain()
    c.padt()
    wait_for(lambda: not alive(pid), 10, "the session child to exit")
    check(True, "the peer's PADT ends the session child")
    got, _ = c.collect(0.5)
    bye = [p for p in got if p[0] == c.mac and (
        (p[2] == ETH_DISC and p[3] == PADT) or
        (p[2] != ETH_DISC and p[6][:3] == b"\xc0\x21\x05"))]
    check(not bye, "no PADT or LCP Terminate-Request goes to a peer that "
          "said goodbye (%d)" % len(bye))
    wait_for(lambda: t.sessions() == [], 10, "the session table to empty")
    check(t.d.ctl("show", "sessions").stdout.strip() == "no sessions",
          "pppoxctl shows no sessions")
    s = t.stats_at_least(base, padt_in=1)
    check(s["padt_in"] == base["padt_in"] + 1, "padt_in counted")
    check(t.settled_stats()["padt_out"] == base["padt_out"],
          "padt_out unchanged")


def padt_wrong(t):
    c = up(t)
    pid = t.d.session_pids()[0]
    base = t.settled_stats()
    sid2 = c.sid % 0xfffe + 1
    c.padt(sid=sid2)
    c.padt(mac=random_mac())
    s = t.stats_at_least(base, padt_in=2, unknown_session=2)
    check(s["unknown_session"] == base["unknown_session"] + 2,
          "a PADT for another session id of the MAC and one from another "
          "MAC for this session id are counted as unknown_session")
    check(alive(pid) and len(t.sessions()) == 1, "the session is still up")
    lcp_alive(c, "after the wrong PADTs")
    c.padt()
    wait_for(lambda: not alive(pid), 10, "the session to end")
    check(True, "the right PADT still ends it")


def padt_disconnect(t):
    c = up(t)
    ac = t.ifmac("srv0")
    rows = t.sessions()
    check(len(rows) == 1, "one session")
    base = t.settled_stats()
    t.d.ctl("disconnect", str(rows[0]["id"]))
    p = c.wait_padt(20)
    check(p is not None, "pppoxctl disconnect sends the peer a PADT")
    check(p[4] == c.sid and p[1] == ac and p[0] == c.mac,
          "for its session id %d from srv0 (got %d)" % (c.sid, p[4]))
    s = t.stats_at_least(base, padt_out=1)
    check(s["padt_out"] == base["padt_out"] + 1, "padt_out counted")
    wait_for(lambda: t.sessions() == [], 10, "the session to go")
    check(t.d.session_pids() == [], "no session child is left")


# --- the session's start -----------------------------------------------------

def session_fast_peer(t):
    """A peer that negotiates LCP as soon as it has the PADS, answering
    at once: the session must get to authentication with its channel to
    the auth process, every time."""
    for i in range(8):
        c = t.client()
        sid = c.connect(b"")
        check(sid is not None, "attempt %d: session %s" % (i + 1, sid))
        check(c.lcp_open() is not None, "attempt %d: LCP opens" % (i + 1))
        # CHAP Challenge, or LCP Terminate-Request
        p = c.recv(5, lambda p: p[2] == ETH_SESS and p[4] == c.sid and
                   p[6][:3] in (b"\xc2\x23\x01", b"\xc0\x21\x05"))
        check(p is not None and p[6][:3] == b"\xc2\x23\x01",
              "attempt %d: a CHAP Challenge follows, not %s" %
              (i + 1, p[6][:8].hex() if p else None))
    check("no channel to the auth process" not in t.d.logtext(),
          "no session closed for want of its auth channel")


# --- malformed discovery frames ----------------------------------------------

def malformed_frames(ac):
    """(what, source MAC, frame) of frames an AC must drop."""
    out = []

    def add(what, frame_of, src=None):
        m = src or random_mac()
        out.append((what, m, frame_of(m)))
    svc = tag(TAG_SERVICE, b"")
    add("truncated header", lambda m: disc_frame(BROADCAST, m, PADI)[:18])
    add("LENGTH past the frame",
        lambda m: disc_frame(BROADCAST, m, PADI, 0, svc, length=200))
    add("truncated tag",
        lambda m: disc_frame(BROADCAST, m, PADI, 0, svc + b"\x01\x03"))
    add("tag past the end", lambda m: disc_frame(
        BROADCAST, m, PADI, 0, svc + struct.pack("!HH", TAG_HOST_UNIQ, 40) +
        b"abcd"))
    add("two Service-Name tags", lambda m: disc_frame(
        BROADCAST, m, PADI, 0, svc + tag(TAG_SERVICE, b"internet")))
    add("PADI unicast", lambda m: disc_frame(ac, m, PADI, 0, svc))
    add("PADR broadcast", lambda m: disc_frame(BROADCAST, m, PADR, 0, svc +
                                               tag(TAG_COOKIE, b"x" * 20)))
    add("PADI with a session id",
        lambda m: disc_frame(BROADCAST, m, PADI, 0x1234, svc))
    mc = bytearray(random_mac())
    mc[0] |= 0x01
    add("multicast source", lambda m: disc_frame(BROADCAST, m, PADI, 0, svc),
        bytes(mc))
    add("bad version/type", lambda m: disc_frame(BROADCAST, m, PADI, 0, svc,
                                                 vertype=0x21))
    add("PADO to the AC", lambda m: disc_frame(ac, m, PADO, 0, svc +
                                               tag(TAG_AC_NAME, b"rogue")))
    add("PADS to the AC", lambda m: disc_frame(ac, m, PADS, 0x22, svc))
    add("PADT with session id 0", lambda m: disc_frame(ac, m, PADT, 0))
    add("unknown code", lambda m: disc_frame(ac, m, 0x55, 0, svc))
    return out


def drop_lines(text):
    return [x for x in text.splitlines() if "dropped frame from" in x]


def malformed(t):
    c = up(t)
    spid = t.d.session_pids()[0]
    dpid = t.disc_pid()
    frames = malformed_frames(t.ifmac("srv0"))
    base = t.settled_stats()
    before = len(drop_lines(t.d.logtext()))
    start = time.monotonic()
    for _, _, f in frames:
        c.send(f)
    got = t.marker_pado(c)
    no_frames_to(got, {m for _, m, _ in frames},
                  "none of the %d malformed frames is answered" % len(frames))
    s = t.stats_at_least(base, malformed=len(frames))
    check(s["malformed"] == base["malformed"] + len(frames),
          "each is counted as malformed (%d)" %
          (s["malformed"] - base["malformed"]))
    wait_for(lambda: len(drop_lines(t.d.logtext())) >= before + len(frames),
             5, "a log line per dropped frame")
    lines = drop_lines(t.d.logtext())[before:]
    for what, m, _ in frames:
        mine = [x for x in lines if mac_str(m) in x]
        check(len(mine) == 1, "%s: logged with the source: %s" %
              (what, mine[0].strip() if mine else None))
    check(alive(t.d.pid) and t.disc_pid() == dpid,
          "the daemon and the same discovery process are alive")
    check(alive(spid), "the session child is alive")
    lcp_alive(c, "after the malformed frames")

    # A stream of them is logged within the budget.
    junk = disc_frame(BROADCAST, random_mac(), PADI, 0, b"\x01\x01")
    for _ in range(200):
        c.send(junk)
    t.marker_pado(c)
    s = t.stats_at_least(base, malformed=len(frames) + 200)
    n = len(drop_lines(t.d.logtext())) - before
    windows = int((time.monotonic() - start) // LOG_WINDOW) + 1
    check(n <= LOG_BUDGET * windows,
          "%d malformed frames make %d log lines, at most %d per %d s" %
          (len(frames) + 200, n, LOG_BUDGET, LOG_WINDOW))
    # Once the window is over, the next drop reports what went unlogged.
    time.sleep(max(0, start + LOG_WINDOW + 0.5 - time.monotonic()))
    c.send(junk)
    wait_for(lambda: "not logged" in t.d.logtext(), 5,
             "a line counting the unlogged drops")
    line = [x for x in t.d.logtext().splitlines() if "not logged" in x][0]
    check(True, "the drops not logged are counted: %s" % line.strip())
    check(alive(t.d.pid) and t.disc_pid() == dpid, "all still alive")


# --- session frames not for a session ----------------------------------------

def session_foreign(t):
    c = up(t)
    pid = t.d.session_pids()[0]
    ac = t.ifmac("srv0")
    other = random_mac()
    term = struct.pack("!HBBH", 0xc021, LCP_TERMREQ, 0x77, 4)
    confreq = c.lcp_conf_req(0x78, 1492, 0x0badcafe)
    echo = struct.pack("!HBBHI", 0xc021, LCP_ECHOREQ, 0x79, 8, 0x0badcafe)
    for sid in (c.sid % 0xfffe + 1, 0xffff, 0):
        for payload in (term, confreq, echo):
            c.send(sess_frame(ac, c.mac, sid, payload))
    for payload in (term, confreq, echo):
        c.send(sess_frame(ac, other, c.sid, payload))
    # a lying LENGTH on the session's own frame
    bad = bytearray(sess_frame(ac, c.mac, c.sid, echo))
    bad[18:20] = struct.pack("!H", 1400)
    c.send(bytes(bad))
    got, _ = c.collect(2)
    check(not [p for p in got if p[0] == other],
          "frames from another MAC with the session id get no answer")
    check(not [p for p in got if p[0] == c.mac and p[2] == ETH_DISC],
          "and no discovery frame goes to the client")
    check(not [p for p in got if p[0] == c.mac and p[6][:2] == b"\xc0\x21"
               and p[6][2] in (LCP_CONFACK, 6, 10)],
          "nothing answers the frames for other session ids")
    check(alive(pid) and alive(t.d.pid), "the session child and the daemon "
          "are alive")
    check(len(t.sessions()) == 1 and t.sessions()[0]["state"] != "",
          "the session is still in the table")
    lcp_alive(c, "after foreign session frames")


# Frames of the session's MAC and id addressed to another access
# concentrator on the segment belong to that one's session (RFC 2516 4:
# a session is the two addresses and the id).  A client may have a
# session with each; ours sees the other's frames when its interface is
# promiscuous, and on a veth always.

def other_ac_session(t):
    c = up(t)
    pid = t.d.session_pids()[0]
    other_ac = random_mac()
    term = struct.pack("!HBBH", 0xc021, LCP_TERMREQ, 0x55, 4)
    c.drain()
    c.send(sess_frame(other_ac, c.mac, c.sid, term))
    echo = struct.pack("!HBBHI", 0xc021, LCP_ECHOREQ, 0x56, 8, 0x01020304)
    c.send(sess_frame(other_ac, c.mac, c.sid, echo))
    got, _ = c.collect(2)
    check(not [p for p in got if p[0] == c.mac and p[2] != ETH_DISC and
               p[6][:2] == b"\xc0\x21" and p[6][2] in (6, 10)],
          "LCP Terminate- and Echo-Requests to another AC are not answered "
          "by ours")
    check(alive(pid), "the session child is alive")
    lcp_alive(c, "after LCP to another AC")


def other_ac_padt(t):
    c = up(t)
    pid = t.d.session_pids()[0]
    base = t.settled_stats()
    c.send(disc_frame(random_mac(), c.mac, PADT, c.sid))
    t.marker_pado(c)
    s = t.stats_at_least(base, padt_in=1)
    check(alive(pid) and len(t.sessions()) == 1,
          "a PADT to another AC for the same session id leaves ours up")
    lcp_alive(c, "after a PADT to another AC")
    check(s["padt_out"] == base["padt_out"], "no PADT sent")


# --- PADI flood --------------------------------------------------------------

def vmrss_kb(pid):
    return int(proc_status(pid)["VmRSS"].split()[0])


def padi_flood(t):
    c = up(t)
    spid = t.d.session_pids()[0]
    dpid = t.disc_pid()
    # warm up what a PADO costs, then measure
    w = t.client()
    w.padi(b"", b"warm")
    check(w.pado() is not None, "a PADI before the flood gets a PADO")
    base = t.settled_stats()
    rss0 = vmrss_kb(dpid)
    lines0 = len(drop_lines(t.d.logtext()))
    flooder = t.client()
    n = 5000
    frames = [flooder.padi_frame(b"", struct.pack("!I", i), mac=random_mac())
              for i in range(n)]
    done = threading.Event()

    def flood():
        try:
            for f in frames:
                flooder.send(f)
        finally:
            done.set()
    start = time.monotonic()
    th = threading.Thread(target=flood)
    th.start()
    echoes = 0
    try:
        ident = 1
        while True:
            if c.lcp_echo(ident, 5) is None:
                raise Failure("LCP echo %d during the flood unanswered" %
                              ident)
            echoes += 1
            ident = ident % 250 + 1
            if done.is_set():
                break
    finally:
        th.join(60)
    check(True, "%d PADIs sent in %.2f s; all %d LCP echoes sent "
          "meanwhile were answered" % (n, time.monotonic() - start, echoes))
    lcp_alive(c, "after the flood")
    s = t.settled_stats()
    elapsed = time.monotonic() - start
    padi = s["padi"] - base["padi"]
    pado = s["pado"] - base["pado"]
    limited = s["rate_limited"] - base["rate_limited"]
    check(padi > 50, "the discovery process read %d of the PADIs" % padi)
    check(limited > 0, "rate_limited counts %d" % limited)
    bound = 50 + 50 * (int(elapsed) + 1)
    check(pado <= bound and pado < n // 10,
          "%d PADOs: within padi-limit 50/s over %.1f s (at most %d)" %
          (pado, elapsed, bound))
    rss1 = vmrss_kb(dpid)
    check(rss1 - rss0 < 2048, "discovery RSS %d kB -> %d kB (less than "
          "2 MB more)" % (rss0, rss1))
    lines = len(drop_lines(t.d.logtext())) - lines0
    windows = int((time.monotonic() - start) // LOG_WINDOW) + 1
    check(lines <= LOG_BUDGET * windows,
          "%d log lines for %d dropped PADIs (budget %d per %d s)" %
          (lines, limited, LOG_BUDGET, LOG_WINDOW))
    check(alive(t.d.pid) and t.disc_pid() == dpid and alive(spid),
          "the daemon, its discovery process and the session are alive")


# --- the discovery process ---------------------------------------------------

def check_sandboxed(t, pid, uid, what):
    st = wait_for(lambda: (proc_status(pid) or {}).get("Seccomp") == "2" and
                  proc_status(pid), 10, "%s %d to finish demoting" %
                  (what, pid))
    check(st["Uid"].split() == [str(uid)] * 4,
          "%s runs as uid %d (real, effective, saved, fs)" % (what, uid))
    check(st["Gid"].split()[0] != "0", "%s gid is not 0" % what)
    check(st["Groups"] == "", "%s has no supplementary groups" % what)
    check(int(st["CapEff"], 16) == 0 and int(st["CapPrm"], 16) == 0 and
          int(st["CapInh"], 16) == 0, "%s has no capabilities" % what)
    check(int(st["CapBnd"], 16) == 0, "%s bounding set is empty" % what)
    check(st["NoNewPrivs"] == "1", "%s NoNewPrivs is 1" % what)
    check(st["Seccomp"] == "2", "%s Seccomp is 2 (filter)" % what)
    root = os.readlink("/proc/%d/root" % pid)
    check(root == t.d.chroot, "%s root directory is the chroot (%s)" %
          (what, root))
    kinds = []
    for fd in sorted(int(x) for x in os.listdir("/proc/%d/fd" % pid)):
        if fd > 2:
            link = os.readlink("/proc/%d/fd/%d" % (pid, fd))
            kinds.append(link.split(":")[0] if ":" in link else link)
    check(set(kinds) <= {"anon_inode", "pipe", "socket"},
          "%s holds no files, only %s" % (what, sorted(set(kinds))))
    return kinds


def sandbox(t):
    uid = ensure_user()
    pid = t.disc_pid()
    check(role_of(pid) == "discovery", "one discovery process")
    kinds = check_sandboxed(t, pid, uid, "discovery")
    check(kinds.count("socket") == 3,
          "its sockets: the channel and one per PPPoE interface (%s)" % kinds)
    check(t.status()["discovery"]["pid"] == pid,
          "pppoxctl show status names it")


def restart(t):
    uid = ensure_user()
    old = up(t)
    spid = t.d.session_pids()[0]
    dpid = t.disc_pid()
    os.kill(dpid, signal.SIGKILL)
    new = wait_for(lambda: t.disc_pid() not in (None, dpid) and
                   t.disc_pid(), 10, "a new discovery process")
    check(alive(t.d.pid), "the parent survives the discovery process dying")
    check_sandboxed(t, new, uid, "restarted discovery")
    wait_for(lambda: t.status()["discovery"]["pid"] == new, 5,
             "pppoxctl to show the new pid")
    check("discovery" in t.d.logtext() and "killed by signal 9" in
          t.d.logtext(), "the parent logs how it died")
    check(alive(spid), "the running session's child is untouched")
    lcp_alive(old, "after the restart")
    c = t.client()
    check(c.connect(b"") is not None, "a new client connects")
    base = t.settled_stats()
    old.padt()
    wait_for(lambda: not alive(spid), 10, "the old session to end")
    check(True, "the old session's PADT still ends it: the new discovery "
          "process knows it")
    s = t.stats_at_least(base, padt_in=1)
    check(s["unknown_session"] == base["unknown_session"],
          "not counted as for no session")


def reload(t):
    c = up(t)
    spid = t.d.session_pids()[0]
    t.d.write_conf(POOL)
    t.d.ctl("reload")
    check(t.status()["listeners"] == 0, "after a reload without it, no "
          "listener")
    p = t.client()

    def unanswered():
        p.padi(b"", b"hu")
        return p.pado(1) is None
    wait_for(unanswered, 10, "PADIs to go unanswered")
    check(unanswered(), "PADIs are not answered any more")
    print("note: the session of the removed listener is %s" %
          ("alive" if alive(spid) else "gone"))
    t.d.write_conf(POOL + LISTEN % "")
    t.d.ctl("reload")
    check(t.status()["listeners"] == 1, "the listener is back")

    def answered():
        p.padi(b"", b"hu")
        return p.pado(1) is not None
    wait_for(answered, 10, "a PADO")
    check(True, "PADIs are answered again")
    check(p.connect(b"") is not None, "and a client connects")


# name: (body, listen options, extra config, links)
ONE = (("srv0", "cli0", None),)
TWO = (("srv0", "cli0", None), ("srv1", "cli1", None))
CASES = {
    "pppoe-disc-pado-tags": (pado_tags, 'service "internet"', "", ONE),
    "pppoe-disc-pado-ac-name": (pado_ac_name, 'ac-name "bras-east-1"',
                                'listen pppoe on srv1 pool "p"\n', TWO),
    "pppoe-disc-pado-service-list": (
        pado_service_list, 'service "internet" service "iptv" '
        'service "voip"', "", ONE),
    "pppoe-disc-max-payload": (max_payload, "", "",
                               (("srv0", "cli0", 1508),)),
    "pppoe-disc-max-payload-mtu-1500": (max_payload_mtu_1500, "", "", ONE),
    "pppoe-disc-service-offered": (
        service_offered, 'service "internet" service "iptv"', "", ONE),
    "pppoe-disc-service-unknown": (
        service_unknown, 'service "internet" service "iptv"', "", ONE),
    "pppoe-disc-service-empty-refused": (
        service_empty_refused, 'service "internet" any-service no', "", ONE),
    "pppoe-disc-padr-unknown-service": (
        padr_unknown_service, 'service "internet" any-service no', "", ONE),
    "pppoe-disc-cookie-missing": (cookie_missing, "", "", ONE),
    "pppoe-disc-cookie-forged": (cookie_forged, "", "", ONE),
    "pppoe-disc-cookie-other-mac": (cookie_other_mac, "", "", ONE),
    "pppoe-disc-padr-duplicate": (padr_duplicate, "", "", ONE),
    "pppoe-disc-padr-resent": (padr_resent, "", "", ONE),
    "pppoe-disc-max-sessions-per-mac": (
        max_per_mac, "max-sessions-per-mac 2 padi-limit-per-mac 0", "", ONE),
    "pppoe-disc-max-sessions-per-mac-padr": (
        max_per_mac_padr, "max-sessions-per-mac 2 padi-limit-per-mac 0", "",
        ONE),
    "pppoe-disc-max-sessions": (max_sessions, "", "max-sessions 2\n", ONE),
    "pppoe-disc-padt-peer": (padt_peer, "", "", ONE),
    "pppoe-disc-padt-wrong": (padt_wrong, "", "", ONE),
    "pppoe-disc-padt-disconnect": (padt_disconnect, "", "", ONE),
    "pppoe-disc-session-fast-peer": (session_fast_peer, "", "", ONE),
    "pppoe-disc-malformed": (malformed, "", "", ONE),
    "pppoe-disc-session-foreign": (session_foreign, "", "", ONE),
    "pppoe-disc-other-ac-session": (other_ac_session, "", "", ONE),
    "pppoe-disc-other-ac-padt": (other_ac_padt, "", "", ONE),
    "pppoe-disc-padi-flood": (padi_flood, "padi-limit 50", "", ONE),
    "pppoe-disc-sandbox": (sandbox, "", 'listen pppoe on srv1 pool "p"\n',
                           TWO),
    "pppoe-disc-restart": (restart, "", "", ONE),
    "pppoe-disc-reload": (reload, "", "", ONE),
}

if __name__ == "__main__":
    name = sys.argv[1]
    body, opts, extra, links = CASES[name]
    conf = (extra if extra.startswith("max-sessions") else "") + POOL + \
        LISTEN % opts + (extra if extra.startswith("listen") else "")
    svc = re.search(r'service "([^"]*)"', opts)
    main(lambda: run(name.replace("pppoe-disc-", "")[:10], conf, body,
                     links, svc.group(1).encode() if svc else b""))
