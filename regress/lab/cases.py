"""The lab checks itself: real pppd, pptp and pppoe clients in UMLs against
the reference servers (pptpd and pppoe-server, with pppd, in a UML), and
its own teardown.  Every session case really connects and passes traffic;
a failure here is the lab's (or the reference's), not pppoxd's."""
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import lab  # noqa: E402
from pppoxd_test import Failure, check, main  # noqa: E402

PASSWORD = "s3cret \"quoted\" \\ #x"
USERS = [("alice", PASSWORD)] + [("user%d" % i, "pw%d" % i)
                                 for i in range(8)]
# Bounds for the reference server UML of a case.
MAX_LIFE = 180


def tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no %s)\n" % path


def dump(L):
    """The logs worth reading when a case fails."""
    out = []
    if isinstance(L.server, lab.RefServer):
        out.append("--- server console\n" + tail(os.path.join(
            L.server.dir, "console.log"), 15))
        out.append("--- server syslog\n" + tail(L.server.syslog, 40))
    for c in L.clients:
        out.append("--- %s console\n" % c.uml.name +
                   tail(os.path.join(c.dir, "console.log"), 15))
        for i in range(c.count):
            out.append("--- %s i%d pppd log\n" % (c.uml.name, i) +
                       tail(os.path.join(c.dir, "i%d.log" % i), 25))
    return "\n".join(out)


def run(tag, body):
    """body(L) inside a lab; on failure print the logs, then tear down."""
    ensure()
    with lab.Lab(tag) as L:
        try:
            body(L)
        except Failure:
            print(dump(L))
            raise


def ensure():
    lab.ensure()
    # A lab whose owner died (a killed test run) is fair to clean; labs
    # of other test runs on this host that are still going are theirs.
    lab.clean_stale()
    left = lab.strays()
    check(left == [], "no lab leftovers before the case (%s)" % left)


def show(results, server=None):
    """Print the results and, once the clients are done, stop the
    reference server and print its figures."""
    print(lab.format_results(results))
    if server is not None:
        print("server: %s" % server.stop())


def check_session(r, pool, auth, mppe, mode="stateless", iperf=True):
    """A session that came up, carried traffic and was ended by the
    client."""
    what = "%s %s/i%d" % (r["scenario"], r["uml"], r["instance"])
    check(r["up"] == 1, "%s: session up (pppd exit %s)" % (what,
                                                         r["pppd_exit"]))
    check(r["ip"] is not None and r["ip"].startswith(pool),
          "%s: address %s from the pool %sx" % (what, r["ip"], pool))
    check(r["remote"] == lab.PPP_LOCAL, "%s: peer address %s" %
          (what, r["remote"]))
    check((r["dns1"], r["dns2"]) == lab.DNS, "%s: DNS servers %s %s" %
          (what, r["dns1"], r["dns2"]))
    check(r["setup_ms"] is not None and r["setup_ms"] > 0,
          "%s: set-up time measured (%s ms)" % (what, r["setup_ms"]))
    check(r["ping_tx"] > 0 and r["ping_rx"] == r["ping_tx"],
          "%s: ping through the tunnel, %d/%d answered" %
          (what, r["ping_rx"], r["ping_tx"]))
    if iperf:
        check(r["iperf_mbps"] is not None and r["iperf_mbps"] > 0 and
              r["iperf_rev_mbps"] is not None and r["iperf_rev_mbps"] > 0,
              "%s: iperf3 through the tunnel, %s Mbit/s up, %s down" %
              (what, r["iperf_mbps"], r["iperf_rev_mbps"]))
    check(r["auth"] == auth and r["auth_ok"] == 1,
          "%s: authenticated with %s (%s)" % (what, auth, r["auth"]))
    if mppe == "none":
        check(r["mppe"] == "none", "%s: no MPPE (%s)" % (what, r["mppe"]))
    else:
        check((r["mppe"], r["mppe_mode"]) == (mppe, mode),
              "%s: MPPE %s %s (%s %s)" % (what, mppe, mode, r["mppe"],
                                          r["mppe_mode"]))
    check(r["down"] == "requested" and r["pppd_exit"] == 5,
          "%s: ended by the client, pppd exit 5 (%s, %s)" %
          (what, r["down"], r["pppd_exit"]))


def pptp_reference_mschapv2_mppe128(L):
    s = L.reference_server("pptpd", users=USERS, auth="mschap-v2",
                           mppe="128", wait=False, max_life=MAX_LIFE)
    r = L.run_clients("pptp", password=PASSWORD, auth="mschap-v2",
                      mppe="128", iperf_secs=1)
    show(r, s)
    check_session(r[0], "10.78.1.", "mschap-v2", "128")


def pppoe_reference_chap(L):
    s = L.reference_server("pppoe", users=USERS, auth="chap", mppe="none",
                           wait=False, max_life=MAX_LIFE)
    r = L.run_clients("pppoe", password=PASSWORD, auth="chap", mppe="none",
                      iperf_secs=1)
    show(r, s)
    check_session(r[0], "10.78.2.", "chap", "none")


def pppoe_usermode_reference(L):
    s = L.reference_server("pppoe", users=USERS, auth=["pap", "mschap-v2"],
                           mppe="none", wait=False, max_life=MAX_LIFE)
    r = L.run_clients("pppoe-user", count=2, password=PASSWORD, mppe="none",
                      instances=[{"auth": "pap"},
                                 {"auth": "mschap-v2", "user": "user1",
                                  "password": "pw1"}],
                      iperf_secs=1)
    show(r, s)
    check_session(r[0], "10.78.2.", "pap", "none")
    check_session(r[1], "10.78.2.", "mschap-v2", "none", iperf=False)


def pptp_reference_auth_matrix(L):
    s = L.reference_server("pptpd", users=USERS, auth=list(lab.AUTHS),
                           mppe="none", wait=False, max_life=MAX_LIFE)
    r = L.run_clients("pptp", count=5, user="user%i", password="pw%i",
                      mppe="none", iperf=0, instances=[
                          {"auth": "pap"}, {"auth": "chap"},
                          {"auth": "mschap"}, {"auth": "mschap-v2"},
                          {"auth": "mschap-v2", "password": "wrong"}])
    show(r, s)
    for i, a in enumerate(lab.AUTHS):
        check_session(r[i], "10.78.1.", a, "none", iperf=False)
    # pppd exits 19 (authentication failed) or, when the server's hangup
    # comes first, 16: both are fine, the log says which.
    check(r[4]["up"] == 0 and r[4]["auth_ok"] == 0,
          "wrong password: authentication failed, no session (up %s, "
          "pppd exit %s)" % (r[4]["up"], r[4]["pppd_exit"]))


def pptp_reference_mppe_matrix(L):
    # require-mppe + mppe-stateful: either strength, stateful allowed.
    s = L.reference_server("pptpd", users=USERS, auth="mschap-v2",
                           mppe="stateful", wait=False, max_life=MAX_LIFE)
    r = L.run_clients("pptp", count=5, user="user%i", password="pw%i",
                      auth="mschap-v2", iperf=0, instances=[
                          {"mppe": "40"}, {"mppe": "128"},
                          {"mppe": "stateful"}, {"mppe": "required"},
                          {"mppe": "none"}])
    show(r, s)
    check_session(r[0], "10.78.1.", "mschap-v2", "40", iperf=False)
    check_session(r[1], "10.78.1.", "mschap-v2", "128", iperf=False)
    # mppe-stateful only allows stateful mode; pppd tries stateless
    # first, so two pppds settle on stateless.
    check_session(r[2], "10.78.1.", "mschap-v2", "128", iperf=False)
    check_session(r[3], "10.78.1.", "mschap-v2", "128", iperf=False)
    check(r[4]["up"] == 0, "a client refusing MPPE gets no session from a "
          "server requiring it (pppd exit %s)" % r[4]["pppd_exit"])


def concurrent_reference(L):
    s = L.reference_server(["pptpd", "pppoe"], users=USERS,
                           auth="mschap-v2", mppe="128", wait=False,
                           max_life=MAX_LIFE)
    r = L.run_parallel([
        ("pptp", dict(count=3, user="user%i", password="pw%i",
                      auth="mschap-v2", mppe="128", iperf_secs=1,
                      up_timeout=40)),
        ("pppoe", dict(count=3, user="user%i", password="pw%i",
                       auth="mschap-v2", mppe="128", iperf_secs=1,
                       up_timeout=40)),
    ])
    show(r, s)
    for x in r:
        pool = "10.78.1." if x["scenario"] == "pptp" else "10.78.2."
        check_session(x, pool, "mschap-v2", "128",
                      iperf=x["instance"] == 0)
    ips = [x["ip"] for x in r]
    check(len(set(ips)) == len(ips), "every session its own address %s" %
          ips)


def external_segment(L):
    ext = L.external_server()
    pids = ext.start_iperf()
    r = L.run_clients("lan", iperf_secs=1)
    show(r)
    x = r[0]
    check(x["up"] == 1 and x["ping_rx"] == x["ping_tx"] > 0,
          "a client UML reaches the external namespace's %s over the "
          "segment" % lab.SERVER_IP)
    check(x["iperf_mbps"] is not None and x["iperf_mbps"] > 0 and
          x["iperf_rev_mbps"] is not None and x["iperf_rev_mbps"] > 0,
          "iperf3 to and from the namespace's iperf3 server: %s / %s "
          "Mbit/s" % (x["iperf_mbps"], x["iperf_rev_mbps"]))
    ext.stop_iperf()
    check(not any(os.path.exists("/proc/%d" % p) for p in pids),
          "stop_iperf() ended the iperf3 servers %s" % pids)


def reference_requests_sequential(L):
    """The server UML answers the host's requests (CPU, processes) while
    sessions are held; sequential instances start one after the other."""
    s = L.reference_server("pptpd", users=USERS, auth="mschap-v2",
                           mppe="128", max_life=MAX_LIFE)
    a = s.cpu()
    c = L.start_clients("pptp", count=2, user="user%i", password="pw%i",
                        iperf=0, ping=1, hold=60, sequential=True)
    check(c.wait_tested(120), "two sequential sessions up and held")
    procs = s.processes()
    b = s.cpu()
    c.release()
    r = c.finish()
    show(r)
    for x in r:
        check_session(x, "10.78.1.", "mschap-v2", "128", iperf=False)
    t_up0 = float(dict(line.split("=", 1) for line in open(
        os.path.join(c.dir, "i0.up")).read().splitlines())["t_up"])
    t_start1 = float(open(os.path.join(c.dir, "i1.start")).read())
    check(t_start1 >= t_up0, "instance 1 started (%.2f) once instance 0 "
          "was up (%.2f)" % (t_start1, t_up0))
    pppd = [p for p in procs if p["comm"] == "pppd"]
    ctrl = [p for p in procs if p["comm"] == "pptpctrl"]
    check(len(pppd) == 2 and len(ctrl) == 2,
          "processes(): a pppd and a pptpctrl per held session (%d, %d)" %
          (len(pppd), len(ctrl)))
    check(all(p["private"] > 0 and p["rss"] >= p["private"] for p in pppd),
          "processes(): their private memory from smaps_rollup (%s KiB)" %
          [p["private"] for p in pppd])
    d = lab.cpu_delta(a, b)
    check(d["user"] + d["sys"] > 0 and d["idle"] >= 0,
          "cpu(): the server UML spent %s CPU s on two set-ups" % d)
    gone = False
    for _ in range(15):
        if s.sessions_running() == []:
            gone = True
            break
        time.sleep(1)
    check(gone, "sessions_running(): none once the client hung up")
    st = s.stop()
    print("server: %s" % st)
    check(st.get("sessions_running") == 0, "no session left at stop")


def pppoxd_server(L):
    """pppoxd in a UML of its own: a real client gets a session, the
    server UML shows it (pppoxctl, a session child with its memory), the
    wire capture sees its set-up."""
    import wire
    s = L.pppoxd_server(
        'ppp "default" {\n\tauth mschap-v2\n'
        '\tmppe required 128 stateless\n}\n'
        'listen pptp on %s pool "lab"\n' % lab.SERVER_IP,
        'alice * "alice secret" *\n', max_life=MAX_LIFE, timeout=60)
    cap = os.path.join(L.dir, "wire.txt")
    sniffer = wire.capture(L, s.uml.tap, cap)
    c = L.start_clients("pptp", password="alice secret", hold=60,
                        iperf_secs=1)
    check(c.wait_tested(120), "the session is up and tested")
    ctl = s.ctl()
    procs = s.processes()
    c.release()
    r = c.finish()
    wire.stop(L, sniffer)
    show(r)
    if r[0]["up"] != 1:
        print("--- pppoxd log\n" + s.logtext())
    check_session(r[0], "10.78.1.", "mschap-v2", "128")
    rows = [line for line in ctl.splitlines() if " alice " in line]
    check(len(rows) == 1 and " running " in rows[0] and
          r[0]["ip"] in rows[0], "pppoxctl in the server UML shows the "
          "session: %s" % rows)
    kids = [p for p in procs if p["cmd"].startswith("pppoxd: session")]
    check(len(kids) == 1 and kids[0]["private"] > 0,
          "processes(): one session child, %s KiB private" %
          [p["private"] for p in kids])
    calls = wire.calls(cap, lab.SERVER_IP)
    call = calls.get("10.77.1.1") or {}
    check(0 < call.get("server_ms", 0) <= call.get("total_ms", 0),
          "the capture saw the set-up: %s" % call)
    st = s.stop()
    print("server: %s" % st)
    check(st.get("sessions_running") == 0, "no session child left at stop")
    check("user alice logged in with MS-CHAPv2" in s.logtext(),
          "pppoxd's log is in the run directory")


def nat_segment():
    """A client behind the lab's NAT reaches the external side as the
    router's address; the NAT goes with the lab."""
    ensure()
    with lab.Lab("nat") as L:
        lab_id = L.id
        ext = L.external_server()
        ext.start_iperf()
        nat = L.nat()
        check(nat.netns in lab._netns_list() and
              nat.netns.startswith(lab_id),
              "the router's namespace %s is up" % nat.netns)
        addrs = subprocess.run(nat.argv(["ip", "-o", "-4", "addr"]),
                               capture_output=True, text=True).stdout
        check("%s/16" % lab.NAT_OUTSIDE_IP in addrs and
              "%s/16" % lab.NAT_INSIDE_IP in addrs,
              "it has %s outside and %s inside" % (lab.NAT_OUTSIDE_IP,
                                                   lab.NAT_INSIDE_IP))
        c = L.start_clients("lan", nat=True, iperf_secs=1, hold=60)
        check(c.wait_tested(90), "the client behind the NAT is tested")
        ct = nat.conntrack()
        c.release()
        r = c.finish()
        show(r)
        x = r[0]
        check(x["up"] == 1 and x["ip"] == "%s.1.1" % lab.NAT_NET,
              "the client has %s.1.1, behind the NAT" % lab.NAT_NET)
        check(x["ping_tx"] > 0 and x["ping_rx"] == x["ping_tx"],
              "it pings %s through the router (%d/%d)" % (
                  lab.SERVER_IP, x["ping_rx"], x["ping_tx"]))
        check(x["iperf_mbps"] is not None and x["iperf_mbps"] > 0 and
              x["iperf_rev_mbps"] is not None and x["iperf_rev_mbps"] > 0,
              "iperf3 both ways through the router: %s / %s Mbit/s" % (
                  x["iperf_mbps"], x["iperf_rev_mbps"]))
        log = open(os.path.join(ext.dir, "iperf3-%d.log" %
                                lab.IPERF_PORT)).read()
        froms = set(re.findall(r"Accepted connection from ([0-9.]+)", log))
        check(froms == {lab.NAT_OUTSIDE_IP}, "the server side saw only "
              "the router's address %s" % sorted(froms))
        nat_tcp = [e for e in ct if e["proto"] == "tcp" and
                   e["orig"].get("dport") == str(lab.IPERF_PORT)]
        check(nat_tcp and all(e["orig"]["src"] == x["ip"] and
                              e["reply"]["dst"] == lab.NAT_OUTSIDE_IP
                              for e in nat_tcp),
              "the router's conntrack masquerades %s as %s (%d entries)"
              % (x["ip"], lab.NAT_OUTSIDE_IP, len(nat_tcp)))
    left = lab.leftovers(lab_id)
    check(left == [], "no leftovers of the lab and its NAT (%s)" % left)


def nat_pptp_reference(L):
    """Two PPTP clients behind the NAT against pptpd: the router's PPTP
    helper carries both calls (a failure here is the lab's, not
    pppoxd's)."""
    s = L.reference_server("pptpd", users=USERS, auth="mschap-v2",
                           mppe="128", wait=False, max_life=MAX_LIFE)
    # Pings show the calls work; pptp-real-nat measures traffic.
    cs = [L.start_clients("pptp", nat=True, user="user%d" % k,
                          password="pw%d" % k, iperf=0, hold=90,
                          up_timeout=40) for k in range(2)]
    for c in cs:
        check(c.wait_tested(120), "%s is tested" % c.uml.name)
    gre = L.nat_side.gre_flows()
    r = []
    for c in cs:
        c.release()
        r += c.finish()
    show(r, s)
    for x in r:
        check_session(x, "10.78.1.", "mschap-v2", "128", iperf=False)
    print("router's GRE flows: %s" % gre)
    check(len(gre) == 2 and
          {f["inside"] for f in gre} == {"%s.%d.1" % (lab.NAT_NET, k)
                                         for k in (1, 2)} and
          {f["outside"] for f in gre} == {lab.NAT_OUTSIDE_IP},
          "two GRE flows from two inside addresses leave as %s" %
          lab.NAT_OUTSIDE_IP)
    check(len({f["nat_call"] for f in gre}) == 2,
          "the server sees two distinct client call IDs %s" %
          [f["nat_call"] for f in gre])


def teardown_clean():
    ensure()
    # 1. A case failing while sessions are held: close() must stop both
    # UMLs (by pid, bounded) and leave nothing behind.
    start = time.monotonic()
    umls = []
    rundir = None
    lab_id = None
    try:
        with lab.Lab("teardown") as L:
            rundir = L.dir
            lab_id = L.id
            L.reference_server("pptpd", users=USERS, auth="mschap-v2",
                               mppe="128", wait=False, max_life=MAX_LIFE)
            c = L.start_clients("pptp", password=PASSWORD, hold=300,
                                iperf=0)
            n = c.wait_up(timeout=60)
            umls = [L.server.uml.pid, c.uml.pid]
            check(n == 1, "a session up and held before the failure")
            raise Failure("deliberate failure inside the lab")
    except Failure as e:
        if "deliberate" not in str(e):
            raise
    took = time.monotonic() - start
    print("lab with held sessions torn down; case took %.1fs" % took)
    check(not any(os.path.exists("/proc/%d" % p) for p in umls),
          "both UMLs are gone (%s)" % umls)
    left = lab.leftovers(lab_id)
    check(left == [], "no leftovers after a failed case (%s)" % left)
    # A failed lab keeps its run directory for the logs; not this one.
    shutil.rmtree(rundir, ignore_errors=True)

    # 2. The process owning a lab is killed outright: clean_stale() must
    # find its state file and stop what it started.
    code = ("import sys; sys.path.insert(0, %r); import lab\n"
            "L = lab.Lab('orphan').__enter__()\n"
            "e = L.external_server(); e.start_iperf()\n"
            "c = L.start_clients('lan', hold=300, iperf=0)\n"
            "n = L.start_clients('lan', hold=300, iperf=0, nat=True)\n"
            "c.wait_tested(60); n.wait_tested(60)\n"
            "print(L.dir, flush=True)\n"
            "import time; time.sleep(300)\n" % HERE)
    p = subprocess.Popen([sys.executable, "-c", code],
                         stdout=subprocess.PIPE, text=True)
    try:
        rundir = p.stdout.readline().strip()
        check(rundir != "", "an orphan lab is up (%s)" % rundir)
        lab_id = os.path.basename(rundir).split("-")[0]
        check(lab.leftovers(lab_id) != [],
              "it shows as leftovers while alive")
        check(lab_id + "n" in lab._netns_list(),
              "its NAT router's namespace is up")
        check(lab_id in lab.live_ids() and
              not any(x.split()[-1].startswith(lab_id)
                      for x in lab.strays()),
              "a live lab, not a stray")
    finally:
        p.kill()
        p.wait(10)
    check(lab_id not in lab.live_ids(), "its owner is gone")
    cleaned = lab.clean_stale()
    check(lab_id in cleaned, "clean_stale() tore down the orphan (%s)" %
          cleaned)
    left = lab.leftovers(lab_id)
    check(left == [], "no leftovers after clean_stale() (%s)" % left)
    shutil.rmtree(rundir, ignore_errors=True)


CASES = {
    "lab-pptp-reference-mschapv2-mppe128":
        lambda: run("pptp-ms2", pptp_reference_mschapv2_mppe128),
    "lab-pppoe-reference-chap":
        lambda: run("pppoe-chap", pppoe_reference_chap),
    "lab-pppoe-usermode-reference":
        lambda: run("pppoe-user", pppoe_usermode_reference),
    "lab-pptp-reference-auth-matrix":
        lambda: run("auth", pptp_reference_auth_matrix),
    "lab-pptp-reference-mppe-matrix":
        lambda: run("mppe", pptp_reference_mppe_matrix),
    "lab-concurrent-reference":
        lambda: run("concurrent", concurrent_reference),
    "lab-external-segment":
        lambda: run("external", external_segment),
    "lab-reference-requests-sequential":
        lambda: run("requests", reference_requests_sequential),
    "lab-pppoxd-server":
        lambda: run("pppoxd", pppoxd_server),
    "lab-teardown-clean": teardown_clean,
    "lab-nat-segment": nat_segment,
    "lab-nat-pptp-reference":
        lambda: run("nat-pptp", nat_pptp_reference),
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        sys.exit("usage: cases.py %s" % "|".join(CASES))
    main(CASES[sys.argv[1]])
