"""pppoxd against real PPTP clients (pppd + pptp-linux in User-Mode
Linux, from regress/lab): sessions come up with the configured auth and
MPPE, get their address and DNS from the pool, pass traffic, show in
pppoxctl, and leave nothing behind."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from pppoxd_lab import (LabDaemon, check_session_result,  # noqa: E402
                        client_vanishes, finish_one, peer_host, run)
from pppoxd_test import (Failure, check, children, main,  # noqa: E402
                         role_of, wait_for)

SECRETS = ('alice * "alice secret" *\n'
           'bob * bobpw *\n')


def profile(auth, mppe):
    return ('ppp "default" {\n\tauth %s\n\tmppe %s\n\tmru 1400\n'
            '\tlcp-echo-interval 2\n\tlcp-echo-failure 3\n}\n'
            'listen pptp on 10.77.0.1 pool "lab"\n' % (auth, mppe))


def one_session(tag, auth_conf, mppe_conf, client_auth, client_mppe,
                want_auth, want_mppe):
    def body(L):
        with LabDaemon(L, profile(auth_conf, mppe_conf), SECRETS, tag) as d:
            c = L.start_clients("pptp", count=1, user="alice",
                                password="alice secret", auth=client_auth,
                                mppe=client_mppe, hold=60)
            c.wait_tested(120)
            rows = d.sessions()
            check(len(rows) == 1, "pppoxctl shows one session")
            s = rows[0]
            check(s["user"] == "alice" and s["state"] == "running" and
                  s["protocol"] == "pptp" and s["interface"].startswith("ppx")
                  and s["peer"].startswith("10.77."),
                  "the session row: %s" % s)
            # Children report their counters every few seconds.
            wait_for(lambda: all(r["rx_bytes"] > 0 and r["tx_bytes"] > 0
                                 for r in d.sessions()), 15,
                     "the counters to move both ways")
            check(d.interfaces() == [s["interface"]],
                  "one session interface, %s" % s["interface"])
            finish_one(d, c, s, mppe=want_mppe, auth=want_auth)
    run(tag, body)


def auth_methods():
    """Every method the config offers, one client each, in one UML."""
    def body(L):
        with LabDaemon(L, profile("mschap-v2 mschap chap pap", "off"),
                      SECRETS, "pauth") as d:
            methods = ["mschap-v2", "mschap", "chap", "pap"]
            c = L.start_clients("pptp", count=4, user="alice",
                                password="alice secret", mppe="none",
                                instances=[{"auth": m} for m in methods])
            res = c.finish(180)
            for r, m in zip(res, methods):
                check_session_result(r, m, auth=m)
            logs = d.logtext()
            for m in ("MS-CHAPv2", "MS-CHAPv1", "CHAP-MD5", "PAP"):
                check("user alice logged in with %s" % m in logs,
                      "pppoxd logs the login with %s" % m)
            wait_for(lambda: d.sessions() == [], 15, "all sessions to end")
    run("pauth", body)


def wrong_password():
    def body(L):
        with LabDaemon(L, profile("mschap-v2", "required 128 stateless"),
                      SECRETS, "pwrong") as d:
            res = L.run_clients("pptp", count=1, user="alice",
                                password="not the secret", auth="mschap-v2",
                                mppe="128")
            r = res[0]
            check(str(r.get("up")) == "0" and str(r.get("auth_ok")) == "0",
                  "the client is refused (up=%s auth_ok=%s)" % (
                      r.get("up"), r.get("auth_ok")))
            with open(r["log"]) as f:
                log = f.read()
            check("E=691" in log, "the client saw MS-CHAP error 691")
            check("login of user alice with MS-CHAPv2 failed: wrong password"
                  in d.logtext(), "pppoxd logs the failure and its reason")
            check("not the secret" not in d.logtext(),
                  "the password is not logged")
            wait_for(lambda: d.sessions() == [], 15, "the session to end")
            check(d.interfaces() == [], "no interface was created")
    run("pwrong", body)


def client_killed():
    """A client that vanishes is noticed by LCP echoes (2 s x 3), and its
    address goes back to the pool."""
    def body(L):
        # A pool of one: the next client gets in only if it came back.
        with LabDaemon(L, profile("mschap-v2", "required 128 stateless"),
                      SECRETS, "pkill", pool=("10.78.1.10", "10.78.1.10")) as d:
            client_vanishes(L, d, "pptp", user="alice",
                            password="alice secret", auth="mschap-v2",
                            mppe="128")
    run("pkill", body)


def concurrent(n=20):
    def body(L):
        with LabDaemon(L, profile("mschap-v2", "required 128 stateless"),
                      SECRETS, "pconc") as d:
            fds_before = len(os.listdir("/proc/%d/fd" % d.proc.pid))
            c = L.start_clients("pptp", count=n, user="alice",
                                password="alice secret", auth="mschap-v2",
                                mppe="128", hold=90, iperf=2, up_timeout=60)
            c.wait_tested(240)
            rows = d.sessions()
            check(len(rows) == n and all(s["state"] == "running"
                                         for s in rows),
                  "pppoxctl shows %d running sessions" % n)
            check(len({s["address"] for s in rows}) == n and
                  len({s["interface"] for s in rows}) == n,
                  "every session has its own address and interface")
            check(len(d.interfaces()) == n, "%d session interfaces" % n)
            c.release()
            res = c.finish(120)
            for r in res:
                check_session_result(r, "client %s" % r.get("instance"),
                                     mppe="128")
            wait_for(lambda: d.sessions() == [], 30, "all sessions to end")
            wait_for(lambda: d.interfaces() == [], 10,
                     "every interface to go")
            roles = sorted(role_of(k) for k in children(d.proc.pid))
            check(roles == ["auth", "idle"], "only the auth process and "
                  "an idle session child are left (%s)" % roles)
            fds_after = len(os.listdir("/proc/%d/fd" % d.proc.pid))
            check(fds_after == fds_before, "the parent holds as many "
                  "descriptors as before the sessions (%d, %d)" %
                  (fds_before, fds_after))
    run("pconc", body)


def hostile_peer():
    """Garbage on the control port while a real session runs; then the
    administrator ends the session and an idle one times out."""
    import subprocess

    def body(L):
        with LabDaemon(L, profile("mschap-v2", "required 128 stateless")
                      .replace("\tmru 1400\n", "\tmru 1400\n"
                               "\tidle-timeout 40\n"),
                      SECRETS, "phost") as d:
            c = L.start_clients("pptp", count=2, user="alice",
                                password="alice secret", auth="mschap-v2",
                                mppe="128", hold=120, iperf=0, ping=1)
            c.wait_up(2, 60)
            wait_for(lambda: len([s for s in d.sessions()
                                  if s["state"] == "running"]) == 2, 20,
                     "two running sessions")
            rows = d.sessions()
            hostile = os.path.join(os.path.dirname(__file__), "hostile.py")
            r = subprocess.run(d.ext.argv([sys.executable, hostile,
                                           "10.77.0.1"]),
                               capture_output=True, text=True, timeout=120)
            print(r.stdout + r.stderr)
            check(r.returncode == 0, "the hostile peer ran its attacks")
            for line in r.stdout.splitlines():
                if ":" in line and "flood" not in line:
                    check("closed by the server" in line or
                          "reset by the server" in line,
                          "pppoxd closed: %s" % line)
            check(d.proc.poll() is None, "pppoxd is still running")
            # Traffic through a tunnel that was up all along.
            ping = subprocess.run(d.ext.argv(["ping", "-c", "3", "-W", "2",
                                              rows[0]["address"]]),
                                  capture_output=True, text=True)
            check(ping.returncode == 0, "the running session still passes "
                  "traffic after the attacks:\n" + ping.stdout[-200:])
            wait_for(lambda: len(d.sessions()) == 2, 30,
                     "the attackers' sessions to be gone")
            log = d.logtext()
            for why in ("bad magic", "before Start-Control-Connection",
                        "connections at once and 2 a second: refusing"):
                check(why.lower() in log.lower(), "logged: %s" % why)
            # The administrator ends one session.
            sid = rows[0]["id"]
            d.ctl("disconnect", str(sid))
            wait_for(lambda: sid not in [s["id"] for s in d.sessions()], 15,
                     "the disconnected session to end")
            check("disconnected by the administrator" in d.logtext(),
                  "the disconnect is logged")
            # The other one is idle (no data, only LCP echoes): it ends.
            wait_for(lambda: d.sessions() == [], 60,
                     "the idle session to time out")
            check("idle timeout" in d.logtext(), "the idle timeout is logged")
            wait_for(lambda: d.interfaces() == [], 10, "interfaces to go")
            c.release()
            c.finish(30)
    run("phost", body)


def secret_file():
    """A password read from an "@/" file beside the secrets file: the
    parent opens it for auth, and a real MS-CHAPv2 client with MPPE-128
    logs in with it.  The line is added by a reload, which asks again."""
    def body(L):
        with LabDaemon(L, profile("mschap-v2", "required 128 stateless"),
                      SECRETS, "pfile") as d:
            pw = os.path.join(d.dir, "carol.pw")
            with open(pw, "w") as f:
                f.write('"carol file secret" and the rest is ignored\n')
            os.chmod(pw, 0o600)
            with open(d.secrets, "a") as f:
                f.write("carol * @%s *\n" % pw)
            loads = d.logtext().count("secret(s) loaded")
            d.ctl("reload")
            wait_for(lambda: d.logtext().count("secret(s) loaded") > loads,
                     10, "auth to load the secrets again")
            check("3 secret(s) loaded, 0 line(s) skipped" in d.logtext(),
                  "the line with the \"@/\" file is loaded")
            res = L.run_clients("pptp", count=1, user="carol",
                                password="carol file secret",
                                auth="mschap-v2", mppe="128", iperf=0)
            check_session_result(res[0], "carol", mppe="128",
                                 auth="mschap-v2")
            check("user carol logged in with MS-CHAPv2" in d.logtext(),
                  "pppoxd logs carol's login")
            check("carol file secret" not in d.logtext(),
                  "the password is not logged")
            wait_for(lambda: d.sessions() == [], 15, "the session to end")
    run("pfile", body)


def session_timeout():
    def body(L):
        with LabDaemon(L, profile("mschap-v2", "required 128 stateless")
                      .replace("\tmru 1400\n", "\tmru 1400\n"
                               "\tsession-timeout 6\n"),
                      SECRETS, "ptime") as d:
            c = L.start_clients("pptp", count=1, user="alice",
                                password="alice secret", auth="mschap-v2",
                                mppe="128", hold=60, iperf=0)
            c.wait_up(1, 60)
            wait_for(lambda: [s for s in d.sessions()
                              if s["state"] == "running"], 20,
                     "the session to run")
            t0 = time.monotonic()
            wait_for(lambda: d.sessions() == [], 30,
                     "the session to reach its session-timeout")
            check("session timeout" in d.logtext(),
                  "the session timeout is logged (after %.0f s)" %
                  (time.monotonic() - t0))
            c.release()
            res = c.finish(30)
            check(str(res[0].get("up")) == "1", "the client had been up")
    run("ptime", body)


def behind_nat(n=3):
    """n clients, each a UML of its own, behind one NAT address: all up
    at once as distinct sessions with distinct call IDs from that one
    address, each passing ping and iperf3.  Then one client's pppd and
    pptp die by SIGKILL and it comes back from the same address: a fresh
    session, while the others keep passing traffic."""
    import subprocess
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lab"))
    import lab

    def body(L):
        with LabDaemon(L, profile("mschap-v2", "required 128 stateless"),
                      SECRETS, "pnat") as d:
            nat = L.nat()
            # Client 0 has a standby instance: the same client (its
            # address) after the crash.
            cs = [L.start_clients("pptp", nat=True, count=2 if k == 0
                                  else 1, standby=1 if k == 0 else 0,
                                  user="alice", password="alice secret",
                                  auth="mschap-v2", mppe="128", hold=240,
                                  iperf_secs=2, up_timeout=60)
                  for k in range(n)]
            for c in cs:
                check(c.wait_tested(180), "%s: its session is up and "
                      "tested" % c.uml.name)
            rows = d.sessions()
            print(d.ctl("show", "sessions").stdout)
            check(len(rows) == n and all(s["state"] == "running"
                                         for s in rows),
                  "pppoxctl shows %d running sessions" % n)
            check({peer_host(s) for s in rows} == {nat.outside_ip},
                  "all from the one NAT address %s" % nat.outside_ip)
            for what in ("id", "peer", "address", "interface"):
                check(len({s[what] for s in rows}) == n,
                      "each its own %s: %s" % (what, sorted(
                          str(s[what]) for s in rows)))
            check(len(d.interfaces()) == n, "%d session interfaces" % n)
            calls = d.calls()
            ours = [calls.get(s["id"]) for s in rows]
            check(None not in ours and len({c[0] for c in ours}) == n and
                  len({c[1] for c in ours}) == n,
                  "distinct call IDs, pppoxd's and the clients' as the NAT "
                  "rewrote them: %s" % ours)
            gre = nat.gre_flows()
            print("the router's GRE flows: %s" % gre)
            check(len(gre) == n and
                  {f["outside"] for f in gre} == {nat.outside_ip} and
                  len({f["inside"] for f in gre}) == n,
                  "the router carries GRE from %d inside addresses as %s"
                  % (n, nat.outside_ip))
            check(sorted((f["server_call"], f["nat_call"]) for f in gre)
                  == sorted(ours),
                  "and with the call IDs pppoxd logged")
            first = [c.results()[0] for c in cs]
            for k, r in enumerate(first):
                check_session_result(r, "client %d" % k, mppe="128",
                                     auth="mschap-v2")
                check(float(r.get("iperf_mbps") or 0) > 0 and
                      float(r.get("iperf_rev_mbps") or 0) > 0,
                      "client %d: iperf3 through the tunnel: %s / %s "
                      "Mbit/s" % (k, r.get("iperf_mbps"),
                                  r.get("iperf_rev_mbps")))
            by_addr = {s["address"]: s for s in rows}
            victim = by_addr[str(first[0]["ip"])]
            others = [by_addr[str(r["ip"])] for r in first[1:]]

            # The others' tunnels carry pings from the server side all
            # through the crash and the reconnect.
            pings = [subprocess.Popen(
                d.ext.argv(["ping", "-n", "-q", "-c", "20", "-i", "0.5",
                            "-w", "60", s["address"]]),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True) for s in others]
            try:
                crash = cs[0].crash(0)
                names = sorted(k[1] for k in crash["killed"])
                check(crash["exit"] == 137 and
                      names == ["pppd", "pptpcm", "pptpgw"],
                      "client 0's pppd (exit %s) and pptp (its GRE "
                      "gateway and call manager) died by SIGKILL: %s" % (
                          crash["exit"], crash["killed"]))
                wait_for(lambda: victim["id"] not in
                         [s["id"] for s in d.sessions()], 30,
                         "pppoxd to end the crashed client's session")
                why = [line for line in d.logtext().splitlines()
                       if "session %d " % victim["id"] in line and
                       ": ending: " in line]
                check(len(why) == 1 and "parent: session %d: %s ended" % (
                    victim["id"], victim["peer"]) in d.logtext(),
                      "pppoxd ended it once: %s" % why)
                check(sorted(s["id"] for s in d.sessions()) ==
                      sorted(s["id"] for s in others),
                      "the other sessions run on")
                check(cs[0].start_instance(1, like=0),
                      "the crashed client connects again")
                rows2 = d.sessions()
                new = [s for s in rows2 if s["id"] not in
                       [r["id"] for r in rows]]
                check(len(rows2) == n and len(new) == 1 and
                      new[0]["state"] == "running",
                      "a fresh session %s next to the %d others" % (
                          new and new[0]["id"], n - 1))
                fresh = new[0]
                check(peer_host(fresh) == nat.outside_ip and
                      fresh["peer"] != victim["peer"],
                      "from the same NAT address, a new control "
                      "connection (%s, was %s)" % (fresh["peer"],
                                                  victim["peer"]))
                calls = d.calls()
                live = [calls[s["id"]][0] for s in rows2]
                check(len(set(live)) == n,
                      "every running call its own call ID %s" % live)
            finally:
                outs = []
                for p in pings:
                    try:
                        outs.append(p.communicate(timeout=90)[0])
                    except subprocess.TimeoutExpired:
                        p.kill()
                        outs.append(p.communicate()[0])
            for s, out in zip(others, outs):
                check("20 packets transmitted, 20 received" in out,
                      "%s passed traffic all along: %s" % (
                          s["address"], out.strip().splitlines()[-2:]))
            # Everyone, the newcomer included, passes ping and iperf3.
            again = {0: cs[0].test([1])[1]}
            for k in range(1, n):
                again[k] = cs[k].test([0])[0]
            for k, t in sorted(again.items()):
                check(t["ping"] == 1 and t["ping_rx"] == t["ping_tx"] and
                      (t["iperf_mbps"] or 0) > 0 and
                      (t["iperf_rev_mbps"] or 0) > 0,
                      "client %d after the crash: ping %s/%s, iperf3 %s / "
                      "%s Mbit/s" % (k, t["ping_rx"], t["ping_tx"],
                                     t["iperf_mbps"], t["iperf_rev_mbps"]))
            res = []
            for c in cs:
                c.release()
            for c in cs:
                res += c.finish(60)
            print(lab.format_results(res))
            # Its ping and iperf3 are test()'s above, not in its result.
            back = {k: "" if v is None else str(v) for k, v in
                    res[1].items()}
            check(back["up"] == "1" and back["ip"] == fresh["address"] and
                  back["auth"] == "mschap-v2" and back["mppe"] == "128" and
                  back["down"] == "requested" and back["pppd_exit"] == "5",
                  "client 0 again: up with %s (pppoxctl's), MS-CHAPv2, "
                  "MPPE-128, ended by the client" % back["ip"])
            for k, r in zip(range(n), [res[0]] + res[2:]):
                want = "137" if k == 0 else "5"
                check(str(r["pppd_exit"]) == want,
                      "client %d's first pppd exited %s" % (k, want))
            wait_for(lambda: d.sessions() == [], 30, "all sessions to end")
            wait_for(lambda: d.interfaces() == [], 10,
                     "every ppx interface to go")
    run("pnat", body)


CASES = {
    "pptp-real-nat": behind_nat,
    "pptp-real-session-timeout": session_timeout,
    "pptp-real-mppe-40":
        lambda: one_session("p40", "mschap-v2", "required 40 128 stateless",
                            "mschap-v2", "40", "mschap-v2", "40"),
    "pptp-real-hostile-peer": hostile_peer,
    "pptp-real-auth-methods": auth_methods,
    "pptp-real-wrong-password": wrong_password,
    "pptp-real-client-killed": client_killed,
    "pptp-real-concurrent-20": concurrent,
    "pptp-real-mschapv2-nomppe":
        lambda: one_session("pmsv2n", "mschap-v2", "off",
                            "mschap-v2", "none", "mschap-v2", "none"),
    "pptp-real-mschapv2-mppe128":
        lambda: one_session("pmsv2", "mschap-v2", "required 128 stateless",
                            "mschap-v2", "128", "mschap-v2", "128"),
    "pptp-real-secret-file": secret_file,
}

if __name__ == "__main__":
    main(CASES[sys.argv[1]])
