"""pppoxd against real PPPoE clients (pppd with the rp-pppoe.so plugin,
and rp-pppoe's user-mode pppoe client, in User-Mode Linux from
regress/lab): discovery, sessions with the configured auth and MPPE,
address and DNS from the pool, traffic, pppoxctl, teardown from either
side with PADT, limits, and nothing left behind."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lab"))
import lab  # noqa: E402
from pppoxd_lab import (LabDaemon, check_session_result,  # noqa: E402
                        client_vanishes, finish_one, run)
from pppoxd_test import (Failure, check, children, main,  # noqa: E402
                         role_of, wait_for)

SECRETS = ('alice * "alice secret" *\n'
           'bob * bobpw *\n')


def profile(auth, mppe, listen_opts="", echo=2):
    return ('ppp "default" {\n\tauth %s\n\tmppe %s\n\tmru 1492\n'
            '\tlcp-echo-interval %d\n\tlcp-echo-failure 3\n}\n'
            'listen pppoe on lab0 pool "lab" %s\n' % (auth, mppe, echo,
                                                       listen_opts))


def status(d):
    import json
    return json.loads(d.ctl("show", "status", json_out=True).stdout)["status"]


def pppd_log(r):
    try:
        with open(r["log"]) as f:
            return f.read()
    except (KeyError, OSError):
        return ""


def one_session(tag, scenario, auth_conf, mppe_conf, client_auth,
                client_mppe, want_auth, want_mppe):
    """One client: up, pool address and DNS, ping, iperf3 both ways,
    pppoxctl's row; the client hangs up and its PADT ends the session."""
    def body(L):
        with LabDaemon(L, profile(auth_conf, mppe_conf), SECRETS, tag) as d:
            c = L.start_clients(scenario, count=1, user="alice",
                                password="alice secret", auth=client_auth,
                                mppe=client_mppe, hold=60)
            c.wait_tested(120)
            rows = d.sessions()
            check(len(rows) == 1, "pppoxctl shows one session")
            s = rows[0]
            check(s["user"] == "alice" and s["state"] == "running" and
                  s["protocol"] == "pppoe" and
                  s["interface"].startswith("ppx") and
                  s["peer"].endswith("%lab0") and s["peer"].count(":") == 5,
                  "the session row: %s" % s)
            # Children report their counters every few seconds.
            wait_for(lambda: all(r["rx_bytes"] > 0 and r["tx_bytes"] > 0
                                 for r in d.sessions()), 15,
                     "the counters to move both ways")
            check(d.interfaces() == [s["interface"]],
                  "one session interface, %s" % s["interface"])
            padt_in = status(d)["discovery"]["padt_in"]
            finish_one(d, c, s, mppe=want_mppe, auth=want_auth)
            if scenario == "pppoe-user":
                # rp-pppoe's client says goodbye with PADT after LCP.
                wait_for(lambda: status(d)["discovery"]["padt_in"] >
                         padt_in, 10, "the client's PADT to be counted")
    run(tag, body)


def auth_methods():
    """Every method the profile offers, one kernel-mode client each, in
    one UML (one MAC): PAP, CHAP-MD5, MS-CHAPv2, and MS-CHAPv2 with
    MPPE-128 where the client asks for it."""
    def body(L):
        with LabDaemon(L, profile("mschap-v2 chap pap",
                                  "optional 128 stateless"),
                       SECRETS, "eauth") as d:
            inst = [{"auth": "pap", "mppe": "none"},
                    {"auth": "chap", "mppe": "none"},
                    {"auth": "mschap-v2", "mppe": "none"},
                    {"auth": "mschap-v2", "mppe": "128"}]
            c = L.start_clients("pppoe", count=4, user="alice",
                                password="alice secret", instances=inst,
                                hold=60, up_timeout=40)
            c.wait_tested(180)
            rows = d.sessions()
            check(len(rows) == 4 and all(s["state"] == "running" and
                                         s["protocol"] == "pppoe"
                                         for s in rows),
                  "pppoxctl shows 4 running PPPoE sessions")
            check(len({s["peer"] for s in rows}) == 1,
                  "all from the one MAC of the UML (%s)" % rows[0]["peer"])
            c.release()
            res = c.finish(120)
            for r, i in zip(res, inst):
                check_session_result(r, "%s/%s" % (i["auth"], i["mppe"]),
                                     auth=i["auth"],
                                     mppe="128" if i["mppe"] == "128"
                                     else None)
            check(str(res[2].get("mppe") or "") in ("", "none", "0"),
                  "MS-CHAPv2 without MPPE stays unencrypted (%s)" %
                  res[2].get("mppe"))
            for m in ("PAP", "CHAP-MD5", "MS-CHAPv2"):
                check("user alice logged in with %s" % m in d.logtext(),
                      "pppoxd logs the login with %s" % m)
            wait_for(lambda: d.sessions() == [], 20, "all sessions to end")
            wait_for(lambda: d.interfaces() == [], 10, "interfaces to go")
    run("eauth", body)


def services():
    """A configured service is served; an unknown one and "any" (with
    any-service no) get no PADO, and the client says so."""
    def body(L):
        with LabDaemon(L, profile("chap", "off",
                                  'service "internet" any-service no'),
                       SECRETS, "esvc") as d:
            good = L.start_clients("pppoe", count=1, auth="chap",
                                   mppe="none", pppoe_service="internet",
                                   iperf=0)
            bad = L.start_clients("pppoe", count=1, auth="chap",
                                  mppe="none", pppoe_service="video",
                                  iperf=0, up_timeout=25)
            anysvc = L.start_clients("pppoe", count=1, auth="chap",
                                     mppe="none", iperf=0, up_timeout=25)
            r = good.finish(120)[0]
            check_session_result(r, "service internet", auth="chap")
            for c, what in ((bad, "video"), (anysvc, "any")):
                r = c.finish(120)[0]
                check(str(r.get("up")) == "0", "service %s: no session" %
                      what)
                log = pppd_log(r)
                check("PADO" in log, "service %s: the client's log says "
                      "why: %s" % (what, [l for l in log.splitlines()
                                          if "PADO" in l][:1]))
            st = status(d)["discovery"]
            check(st["unknown_service"] >= 2, "unknown services counted "
                  "(%d)" % st["unknown_service"])
            check("not offered" in d.logtext(), "pppoxd logs the refusal")
    run("esvc", body)


def server_disconnect():
    """pppoxctl disconnect: PPP says goodbye, the discovery process
    sends PADT, the client goes down and the interface goes."""
    def body(L):
        with LabDaemon(L, profile("chap", "off"), SECRETS, "edisc") as d:
            c = L.start_clients("pppoe", count=1, auth="chap", mppe="none",
                                hold=90, iperf=0)
            c.wait_up(1, 60)
            wait_for(lambda: [s for s in d.sessions()
                              if s["state"] == "running"], 20,
                     "the session to run")
            sid = d.sessions()[0]["id"]
            d.ctl("disconnect", str(sid))
            wait_for(lambda: d.sessions() == [], 15, "the session to end")
            wait_for(lambda: status(d)["discovery"]["padt_out"] >= 1, 10,
                     "the PADT to be sent")
            wait_for(lambda: d.interfaces() == [], 10, "the interface to go")
            c.release()
            r = c.finish(60)[0]
            check(str(r.get("up")) == "1", "the client had been up")
            log = pppd_log(r)
            check("Terminate" in log or "TermReq" in log or
                  "hangup" in log.lower(),
                  "the client's log shows the server ended it")
            check("disconnected by the administrator" in d.logtext(),
                  "the disconnect is logged")
    run("edisc", body)


def client_killed():
    """A client whose UML vanishes is noticed by LCP echoes (2 s x 3);
    its address returns to the pool for the next client."""
    def body(L):
        with LabDaemon(L, profile("chap", "off"), SECRETS, "ekill",
                       pool=("10.78.1.10", "10.78.1.10")) as d:
            client_vanishes(L, d, "pppoe", auth="chap", mppe="none")
    run("ekill", body)


def per_mac_limit():
    """max-sessions-per-mac 2, three clients in one UML (one MAC): two
    sessions, the third gets no PADO; the limit is counted."""
    def body(L):
        with LabDaemon(L, profile("chap", "off", "max-sessions-per-mac 2"),
                       SECRETS, "emac") as d:
            # The third gets no PADO: its bound is all it waits.
            c = L.start_clients("pppoe", count=3, auth="chap", mppe="none",
                                iperf=0, sequential=True, up_timeout=12)
            res = c.finish(180)
            up = [r for r in res if str(r.get("up")) == "1"]
            check(len(up) == 2, "two of three clients up (%d)" % len(up))
            check(status(d)["discovery"]["over_limit"] >= 1,
                  "the third one's PADI counted over the limit")
            check("max-sessions-per-mac 2 reached" in d.logtext(),
                  "and logged")
    run("emac", body)


def concurrent(n=50, umls=2):
    """50 sessions from two UMLs at once: all up with their own address
    and interface, traffic in each, all torn down without leftovers."""
    def body(L):
        # 50 clients in two UMLs on two cores answer echoes late at
        # times: as rp-pppoe's sample pppoe-server-options, 10 s.
        with LabDaemon(L, profile("chap", "off", echo=10), SECRETS,
                       "econc") as d:
            fds_before = len(os.listdir("/proc/%d/fd" % d.proc.pid))
            per = n // umls
            cs = [L.start_clients("pppoe", count=per, auth="chap",
                                  mppe="none", hold=120, iperf=0, ping=2,
                                  up_timeout=90, mem=384)
                  for _ in range(umls)]
            for c in cs:
                c.wait_tested(300)
            rows = d.sessions()
            check(len(rows) == n and all(s["state"] == "running"
                                         for s in rows),
                  "pppoxctl shows %d running sessions (%d)" % (n, len(rows)))
            check(len({s["address"] for s in rows}) == n and
                  len({s["interface"] for s in rows}) == n,
                  "every session has its own address and interface")
            # Children report their counters every few seconds.
            wait_for(lambda: all(s["rx_bytes"] > 0 and s["tx_bytes"] > 0
                                 for s in d.sessions()), 15,
                     "counters of traffic in every session")
            for c in cs:
                c.release()
            res = []
            for c in cs:
                res += c.finish(180)
            for r in res:
                check_session_result(r, "client %s" % r.get("instance"))
            wait_for(lambda: d.sessions() == [], 60, "all sessions to end")
            wait_for(lambda: d.interfaces() == [], 20,
                     "every interface to go")
            roles = sorted(role_of(k) for k in children(d.proc.pid))
            check(roles == ["auth", "discovery", "idle"], "only auth, "
                  "discovery and an idle session child are left (%s)" %
                  roles)
            fds_after = len(os.listdir("/proc/%d/fd" % d.proc.pid))
            check(fds_after == fds_before, "the parent holds as many "
                  "descriptors as before the sessions (%d, %d)" %
                  (fds_before, fds_after))
    run("econc", body)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def discovery_pid(d):
    for k in os.listdir("/proc"):
        if not k.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % k) as f:
                ppid = f.read().rsplit(")", 1)[1].split()[1]
            with open("/proc/%s/cmdline" % k, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        # setproctitle(3) made it "pppoxd: discovery"
        if ppid == str(d.proc.pid) and b"discovery" in cmd:
            return int(k)
    raise Failure("no discovery process")


def padi_flood(n=5000):
    """Thousands of PADIs from random MACs on the segment while a real
    client's session runs: the session keeps passing traffic, the rate
    limits answer only a bounded number, memory stays put."""
    import pppoe_peer as pp

    def body(L):
        with LabDaemon(L, profile("chap", "off", "padi-limit 50"), SECRETS,
                       "eflood") as d:
            c = L.start_clients("pppoe", count=1, auth="chap", mppe="none",
                                hold=120, iperf=0)
            c.wait_up(1, 60)
            wait_for(lambda: [s for s in d.sessions()
                              if s["state"] == "running"], 20,
                     "the session to run")
            row = d.sessions()[0]
            disc = discovery_pid(d)
            rss0 = rss_kb(disc)
            before = status(d)["discovery"]
            # From the segment's own namespace, onto its bridge.
            sock, _ = pp.open_raw(L.netns, L.bridge)
            t0 = time.monotonic()
            for _ in range(n):
                sock.send(pp.disc_frame(pp.BROADCAST, pp.random_mac(),
                                        pp.PADI, 0,
                                        pp.tag(pp.TAG_SERVICE) +
                                        pp.tag(pp.TAG_HOST_UNIQ,
                                               os.urandom(4))))
            sock.close()
            secs = time.monotonic() - t0
            ping = subprocess.run(d.ext.argv(["ping", "-c", "5", "-i", "0.2",
                                              "-W", "2", row["address"]]),
                                  capture_output=True, text=True)
            check(ping.returncode == 0, "the session passes traffic right "
                  "after %d PADIs in %.1f s:\n%s" % (n, secs,
                                                     ping.stdout[-160:]))
            wait_for(lambda: status(d)["discovery"]["padi"] -
                     before["padi"] >= n * 0.9, 20,
                     "the discovery process to read the flood")
            after = status(d)["discovery"]
            answered = after["pado"] - before["pado"]
            check(after["rate_limited"] > before["rate_limited"],
                  "PADIs over padi-limit dropped (%d)" %
                  (after["rate_limited"] - before["rate_limited"]))
            check(answered <= 50 + 50 * (secs + 20),
                  "PADOs bounded by padi-limit 50/s: %d for %d PADIs" %
                  (answered, n))
            rss1 = rss_kb(disc)
            check(rss1 - rss0 < 1024, "the discovery process's memory "
                  "stays put (%d kB -> %d kB)" % (rss0, rss1))
            check(d.proc.poll() is None and discovery_pid(d) == disc,
                  "pppoxd and its discovery process are still running")
            check([s["id"] for s in d.sessions()] == [row["id"]] and
                  d.sessions()[0]["state"] == "running",
                  "the session is still the one that ran")
            check("more dropped discovery frames not logged" in
                  d.logtext() or d.logtext().count("dropped frame") <= 20,
                  "the log of dropped frames is bounded")
            c.release()
            c.finish(60)
    run("eflood", body)


def mss_clamp():
    """tcp-mss-clamp 1300: the SYN of the client's TCP connection reaches
    the server's side with MSS 1300 (pppd's ppp0 would announce 1452)."""
    def body(L):
        prof = profile("chap", "off").replace(
            "\tlcp-echo-failure 3\n", "\tlcp-echo-failure 3\n"
            "\ttcp-mss-clamp 1300\n")
        with LabDaemon(L, prof, SECRETS, "emss") as d:
            # The session's interface does not exist yet: every
            # interface, where only the tun one carries plain TCP.
            dump = d.ext.spawn(["tcpdump", "-l", "-n", "-v", "-i", "any",
                                "-c", "2", "tcp[tcpflags] & tcp-syn != 0 "
                                "and src net 10.78.1.0/24"],
                               log=os.path.join(d.dir, "syn.txt"))
            time.sleep(1)
            r = L.run_clients("pppoe", count=1, auth="chap", mppe="none",
                              iperf=1, iperf_reverse=False)[0]
            check_session_result(r, "client", auth="chap")
            try:
                dump.wait(20)
            except subprocess.TimeoutExpired:
                dump.kill()
            with open(os.path.join(d.dir, "syn.txt")) as f:
                syn = f.read()
            check("mss 1300" in syn and "mss 1452" not in syn,
                  "the client's SYN arrives clamped:\n%s" % syn[-400:])
    run("emss", body)


CASES = {
    "pppoe-real-chap":
        lambda: one_session("echap", "pppoe", "chap", "off", "chap", "none",
                            "chap", None),
    "pppoe-real-mschapv2-mppe128":
        lambda: one_session("emppe", "pppoe", "mschap-v2",
                            "required 128 stateless", "mschap-v2", "128",
                            "mschap-v2", "128"),
    "pppoe-real-user-mode":
        lambda: one_session("euser", "pppoe-user", "mschap-v2",
                            "required 128 stateless", "mschap-v2", "128",
                            "mschap-v2", "128"),
    "pppoe-real-auth-methods": auth_methods,
    "pppoe-real-services": services,
    "pppoe-real-server-disconnect": server_disconnect,
    "pppoe-real-client-killed": client_killed,
    "pppoe-real-per-mac-limit": per_mac_limit,
    "pppoe-real-concurrent-50": concurrent,
    "pppoe-real-padi-flood": padi_flood,
    "pppoe-real-mss-clamp": mss_clamp,
}

if __name__ == "__main__":
    main(CASES[sys.argv[1]])
