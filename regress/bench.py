"""make bench: pppoxd beside the reference servers, for PPTP and PPPoE.

PPTP: pppoxd beside pptpd + pppd, MS-CHAPv2 with MPPE-128, clients
pppd + pptp-linux.  PPPoE: pppoxd beside rp-pppoe's pppoe-server + pppd,
CHAP-MD5 without MPPE (as PPPoE deployments run), clients pppd with its
rp-pppoe.so plugin (kernel-mode PPPoE).

Each server runs inside a User-Mode Linux of its own on the lab's private
segment (regress/lab), so all stand on the same footing: the same UML
kernel, memory and single CPU; pppoxd is the host's built binary through
hostfs.  Real clients run in client UMLs.  For each protocol and server,
in one lab:

  idle      the server UML's CPU over IDLE_SECS with no session: the
            baseline that every other window also contains
  serial    N sessions from one client UML, one after the other (each
            starts once the one before is up): set-up time of each
            (pppd start to ip-up in the client, and on the wire), the
            server's private memory per session while all N are up;
            then, all still held, iperf3 for IPERF_SECS each way through
            the first session to the iperf3 server in the server UML,
            with the server's CPU over those tests; the server UML's CPU
            from before the first set-up to after the last teardown,
            less the tests, is the serial sessions' CPU
  burst     N sessions from one client UML started together: set-up time
            of each under load, and the CPU per session again

The tests run through a session of the serial phase rather than one of
their own: a client UML of its own and its session's set-up cost about
12 s per lab, and the bench has four labs.

Results are printed as one table per protocol, servers side by side, and
written to regress/bench-results.txt with the date and the machine.
Every wait is bounded; the labs tear everything down.  Exits 1 if a
server could not be measured.
"""
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "lab"))
import lab  # noqa: E402
import wire  # noqa: E402
from pppoxd_test import PPPOXCTL, PPPOXD, ensure_user  # noqa: E402

RESULTS = os.path.join(HERE, "bench-results.txt")
N = 10
IDLE_SECS = 5
# Long enough to average out the client: pptp-linux stalls up to a second
# on every lost GRE packet, and a 5 s run's result depended on how many
# such stalls fell into it (the same binary measured 6 to 21 Mbit/s).
IPERF_SECS = 10
UP_TIMEOUT = 30
# The serial sessions are held from the last one up until released: the
# memory and pppoxctl snapshots and both iperf3 tests fall in it.
SERIAL_HOLD = 60 + 3 * IPERF_SECS
SERVER_LIFE = 280
USERS = [("user%d" % i, "pw%d" % i) for i in range(N)]
SECRETS = "".join('%s * "%s" *\n' % u for u in USERS)


def client_addr(r):
    """The segment address a pptp instance's call came from (lab.py:
    client UML u, instance i binds 10.77.(u+1).(i+1))."""
    return "10.77.%d.%d" % (int(r["uml"][1:]) + 1, r["instance"] + 1)


def host_uniq(r):
    """The Host-Uniq a kernel-mode pppoe instance sends, in hex (uml/
    scenario-pppoe.sh: the client UML's index, then the instance)."""
    return "%04x%04x" % (int(r["uml"][1:]), r["instance"])


# What differs between the protocols: the reference server (its name, the
# lab's reference_server() for it, and its processes: those of a session,
# paired by count, and the fixed one), both servers' auth and MPPE,
# pppoxd's configuration, the client scenario, and the set-up on the
# wire.
PPTP = types.SimpleNamespace(
    name="PPTP", scenario="pptp", reference="pptpd", lab_server="pptpd",
    auth="mschap-v2", mppe="128",
    title="PPTP, MS-CHAPv2, MPPE-128 stateless: pptpd + pppd beside pppoxd",
    # Both: MS-CHAPv2 only, 128-bit stateless MPPE required.
    conf=('ppp "default" {\n\tauth mschap-v2\n'
          '\tmppe required 128 stateless\n\tmru 1400\n'
          '\tlcp-echo-interval 30\n\tlcp-echo-failure 3\n}\n'
          'listen pptp on %s pool "lab"\n' % lab.SERVER_IP),
    session_comms=("pppd", "pptpctrl"), fixed_comm="pptpd",
    wire_calls=lambda cap: wire.calls(cap, lab.SERVER_IP),
    wire_key=client_addr,
    wire_rows=(("  set-up ms, wire (SYN to IPCP up)", "total_ms"),
               ("  server's share of it, ms", "server_ms"),
               ("    SCCRQ->SCCRP ms", "sccrp_ms"),
               ("    OCRQ->OCRP ms", "ocrp_ms"),
               ("    OCRP->IPCP up ms", "ppp_ms")))
PPPOE = types.SimpleNamespace(
    name="PPPoE", scenario="pppoe", reference="pppoe-server",
    lab_server="pppoe", auth="chap", mppe="none",
    title="PPPoE, CHAP-MD5, no MPPE: pppoe-server + pppd beside pppoxd",
    # pppoxd's defaults, as for PPTP (its per-MAC PADI limit, 10 a
    # second in bursts of 10, lets one UML's N PADIs through).
    conf=('ppp "default" {\n\tauth chap\n\tmppe off\n\tmru 1492\n'
          '\tlcp-echo-interval 30\n\tlcp-echo-failure 3\n}\n'
          'listen pppoe on eth0 pool "lab"\n'),
    session_comms=("pppd", "pppoe"), fixed_comm="pppoe-server",
    wire_calls=wire.pppoe_calls,
    wire_key=host_uniq,
    wire_rows=(("  set-up ms, wire (PADI to IPCP up)", "total_ms"),
               ("  server's share of it, ms", "server_ms"),
               ("    PADI->PADO ms", "pado_ms"),
               ("    PADR->PADS ms", "pads_ms"),
               ("    PADS->IPCP up ms", "ppp_ms")))
PROTOCOLS = (PPTP, PPPOE)


def say(s):
    print("== " + s, flush=True)


def cpu_total(d):
    """CPU seconds in a cpu_delta(): user, system and interrupts."""
    return d["user"] + d["sys"] + d["irq"]


def client(p):
    """start_clients() arguments every phase of protocol p shares."""
    return dict(user="user%i", password="pw%i", auth=p.auth, mppe=p.mppe,
                up_timeout=UP_TIMEOUT)


def start_server(L, p, kind):
    if kind != "pppoxd":
        return L.reference_server(p.lab_server, users=USERS, auth=p.auth,
                                  mppe=p.mppe, max_life=SERVER_LIFE,
                                  timeout=60)
    return L.pppoxd_server(p.conf, SECRETS, pppoxd=PPPOXD,
                           pppoxctl=PPPOXCTL, max_life=SERVER_LIFE,
                           timeout=60)


def wait_sessions_gone(s, timeout=20):
    """Until the server has no session process left (each look is a
    request the UML answers within a second); False on timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if s.sessions_running() == []:
            return True
        time.sleep(1)
    return False


def good(p, r):
    """A session as both servers must give it: up, the protocol's auth
    and MPPE, the peer address, answered pings."""
    return (r["up"] == 1 and r["auth"] == p.auth and r["mppe"] == p.mppe
            and r["remote"] == lab.PPP_LOCAL and r["ping_rx"] > 0)


def session_memory(p, kind, procs):
    """Private KiB of each session's processes and of the fixed ones,
    with the fixed ones' names: pppoxd's session children, and every
    other pppoxd process (parent, auth, discovery, the idle child
    started ahead of the next session) fixed; a reference's session
    processes paired by count (pppd + pptpctrl, pppd + pppoe)."""
    if kind == "pppoxd":
        per = [x["private"] for x in procs
               if x["cmd"].startswith("pppoxd: session")]
        fixed = [x for x in procs if x["comm"] == "pppoxd" and
                 not x["cmd"].startswith("pppoxd: session")]
        names = [x["cmd"][len("pppoxd: "):]
                 if x["cmd"].startswith("pppoxd: ") else "parent"
                 for x in fixed]
        return per, sum(x["private"] for x in fixed), "+".join(names)
    each = [sorted(x["private"] for x in procs if x["comm"] == c)
            for c in p.session_comms]
    per = [sum(t) for t in zip(*each)]
    fixed = sum(x["private"] for x in procs if x["comm"] == p.fixed_comm)
    return per, fixed, p.fixed_comm


def iperf_test(s, c, out):
    """iperf3 both ways through instance 0 of held sessions; the server's
    CPU over the request (one ping, then the tests)."""
    out["iperf"] = {}
    a = s.cpu()
    t0 = time.monotonic()
    try:
        out["iperf"] = c.test([0]).get(0, {})
    except lab.LabError as e:
        print("iperf3 test: %s" % e, flush=True)
    out["iperf_cpu"] = lab.cpu_delta(a, s.cpu())
    out["iperf_secs"] = time.monotonic() - t0


def phase(L, s, p, kind, name, out, **kw):
    """One client UML of sessions; returns its results and fills out
    with the server's CPU over the phase (less the iperf3 tests), their
    set-up on the wire, and, for sessions held (hold), the memory while
    they are up and, with tests, iperf3 through one of them."""
    hold = kw.pop("hold", 0)
    tests = kw.pop("tests", False)
    cap = os.path.join(L.dir, "wire-%s.txt" % name)
    sniffer = wire.capture(L, s.uml.tap, cap)
    a = s.cpu()
    t0 = time.monotonic()
    c = L.start_clients(p.scenario, hold=hold, **dict(client(p), **kw))
    if hold:
        c.wait_tested(c.timeout)
        # The sniffer parses every packet: gone before bulk traffic.
        wire.stop(L, sniffer)
        procs = s.processes()
        out[name + "_mem"], out["fixed_mem"], out["fixed_what"] = \
            session_memory(p, kind, procs)
        if kind == "pppoxd":
            out[name + "_ctl"] = s.ctl()
        if tests:
            iperf_test(s, c, out)
        c.release()
    res = c.finish()
    if not hold:
        wire.stop(L, sniffer)
    out[name + "_gone"] = wait_sessions_gone(s)
    d = lab.cpu_delta(a, s.cpu())
    secs = time.monotonic() - t0
    if tests:
        d = {k: round(v - out["iperf_cpu"][k], 2) for k, v in d.items()}
        secs -= out["iperf_secs"]
    out[name + "_cpu"] = d
    out[name + "_secs"] = secs
    out[name + "_res"] = res
    seen = p.wire_calls(cap)
    out[name + "_wire"] = [seen.get(p.wire_key(r)) for r in res
                           if good(p, r)]
    say("%s %s %s: %d/%d sessions good, %.0f s" % (
        p.name, kind, name, sum(good(p, r) for r in res), len(res),
        time.monotonic() - t0))
    print(lab.format_results(res), flush=True)
    if tests:
        say("%s %s iperf3: %s Mbit/s up, %s down" % (
            p.name, kind, out["iperf"].get("iperf_mbps"),
            out["iperf"].get("iperf_rev_mbps")))
    return res


def measure(p, kind):
    out = {"kind": kind, "proto": p.name}
    with lab.Lab("bench-%s-%s" % (p.scenario, kind)) as L:
        try:
            s = start_server(L, p, kind)
        except lab.LabError as e:
            out["error"] = str(e)
            return out
        a = s.cpu()
        time.sleep(IDLE_SECS)
        out["idle_cpu"] = lab.cpu_delta(a, s.cpu())
        phase(L, s, p, kind, "serial", out, count=N, sequential=True,
              ping=1, iperf=0, iperf_secs=IPERF_SECS, hold=SERIAL_HOLD,
              tests=True)
        phase(L, s, p, kind, "burst", out, count=N, ping=1, iperf=0)
        out["stats"] = s.stop()
        if kind == "pppoxd":
            log = s.logtext()
            out["log_errors"] = [line for line in log.splitlines() if
                                 "refused" in line or "error" in line or
                                 "forbidden" in line or "fatal" in line]
    return out


# ------------------------------------------------------------------ report

def fmt(v, spec="%.0f"):
    return "-" if v is None else spec % v


def spread(v):
    """median (min-max) of the numbers in v, or "-"."""
    v = [x for x in v if x is not None]
    if not v:
        return "-"
    return "%.0f (%.0f-%.0f)" % (statistics.median(v), min(v), max(v))


def rows(p, o):
    """The table's rows for one server's results: (label, text)."""
    if "error" in o:
        return None
    out = []
    idle = cpu_total(o["idle_cpu"]) / IDLE_SECS
    for name, what in (("serial", "%d one after the other" % N),
                       ("burst", "%d started together" % N)):
        res = o[name + "_res"]
        ok = [r for r in res if good(p, r)]
        w = [x for x in o.get(name + "_wire", []) if x is not None]
        d = o[name + "_cpu"]
        n = max(1, len(ok))
        out += [
            ("%s:" % what, ""),
            ("  sessions good", "%d/%d" % (len(ok), len(res))),
            ("  set-up ms, client (pppd to ip-up)",
             spread([r["setup_ms"] for r in ok])),
        ]
        out += [(label, spread([x.get(key) for x in w]))
                for label, key in p.wire_rows]
        out += [
            ("  server CPU s/session",
             "%.2f (usr %.2f sys %.2f)" % (cpu_total(d) / n, d["user"] / n,
                                           (d["sys"] + d["irq"]) / n)),
            ("    less the idle baseline", "%.2f" % (
                (cpu_total(d) - idle * o[name + "_secs"]) / n)),
        ]
    r = o.get("iperf") or {}
    d = o.get("iperf_cpu")
    cpu = mb = "-"
    if d is not None:
        cpu = "%.2f (usr %.2f sys %.2f)" % (cpu_total(d), d["user"],
                                            d["sys"] + d["irq"])
        carried = ((r.get("iperf_mbps") or 0) +
                   (r.get("iperf_rev_mbps") or 0)) * IPERF_SECS / 8
        if carried > 0:
            mb = "%.0f" % ((cpu_total(d) - idle * o["iperf_secs"]) * 1000 /
                           carried)
    mem = o.get("serial_mem") or []
    out += [
        ("1 session, iperf3 %d s each way:" % IPERF_SECS, ""),
        ("  client->server Mbit/s", fmt(r.get("iperf_mbps"), "%.1f")),
        ("  server->client Mbit/s", fmt(r.get("iperf_rev_mbps"), "%.1f")),
        ("  server CPU s over both tests", cpu),
        ("  server CPU ms per MB carried", mb),
        ("memory, %d sessions up:" % N, ""),
        ("  private KiB/session, mean (max)",
         "%s (%s)" % (fmt(statistics.mean(mem)) if mem else "-",
                      fmt(max(mem)) if mem else "-")),
        ("    counted", "%d %s" % (len(mem), "session children"
                                   if o["kind"] == "pppoxd" else
                                   "+".join(p.session_comms))),
        ("  private KiB, fixed processes",
         "%d %s" % (o.get("fixed_mem", 0), o.get("fixed_what", ""))),
        ("server CPU s/s idle (baseline)", "%.3f" % idle),
        ("session processes left at stop",
         fmt(o["stats"].get("sessions_running"), "%d")),
    ]
    return out


def table(p, results):
    cols = [o["kind"] for o in results]
    body = [rows(p, o) for o in results]
    labels = next((list(zip(*b))[0] for b in body if b is not None), ())
    data = []
    for k, label in enumerate(labels):
        failed = "" if label.endswith(":") else "failed"
        data.append([label] + [b[k][1] if b is not None else failed
                               for b in body])
    w0 = max([len("")] + [len(r[0]) for r in data])
    ws = [max([len(c)] + [len(r[i + 1]) for r in data])
          for i, c in enumerate(cols)]
    lines = [p.title, "  ".join([" " * w0] + [c.ljust(ws[i])
                                             for i, c in enumerate(cols)])]
    for r in data:
        lines.append("  ".join([r[0].ljust(w0)] + [
            v.ljust(ws[i]) for i, v in enumerate(r[1:])]))
    return "\n".join(line.rstrip() for line in lines)


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    uml = sorted(os.listdir(lab.UML_MODULES))[-1]
    rev = subprocess.run(["git", "-C", os.path.dirname(HERE), "describe",
                          "--always", "--dirty"], capture_output=True,
                         text=True).stdout.strip()
    return ("date: %s\nhost: nproc %d, kernel %s %s, %s\n"
            "UML: kernel %s, one CPU, 256 MB per UML\npppoxd: %s\n" % (
                datetime.datetime.now().astimezone().isoformat(
                    timespec="seconds"),
                os.cpu_count(), platform.system(), platform.release(),
                model or platform.machine(), uml, rev or "?"))


NOTES = """\
Notes:
- Each server in a UML of its own (one CPU); clients in other UMLs, one
  per phase; pppoxd runs -d.  The reference servers' pppd logs with
  "debug" to a file as the lab configures it.
- PPTP: MS-CHAPv2, MPPE-128 stateless required on both; pptpd is Debian's
  pptpd + pppd (GRE in pptpctrl, MPPE in the kernel's ppp_mppe); clients
  pppd + pptp-linux, each instance its own control connection.
- PPPoE: CHAP-MD5 required, no MPPE on both; clients pppd with
  rp-pppoe.so (kernel-mode PPPoE), each instance its own Host-Uniq, all
  from one MAC per client UML.  The reference is rp-pppoe's pppoe-server
  + pppd.  The issue asked for "pppoe-server -k" (kernel-mode sessions),
  but Debian 12's pppoe-server is built without it (-k is an invalid
  option; the lab reports pppoe_server_kernel=%s): every reference
  session is pppd on a pty with a user-mode pppoe relay process, so
  every packet goes through user space twice (relay, pppd) before the
  kernel's ppp unit.  pppoxd runs with its defaults; each client UML
  is one MAC with %d sessions, within pppoxd's per-MAC PADI limit
  (10 a second, in bursts of 10).
- Set-up, client: pppd start to ip-up in the client UML (10 ms
  resolution), %d sessions from one client UML; "one after the other":
  each starts once the one before is up; "started together": all %d at
  once, so client and server UMLs are loaded.  Much of it is the client
  UML's: pppd (and pptp) start there, and pptp-linux waits about 0.9 s
  between SCCRP and OCRQ.
- Set-up, wire: captured on the server UML's tap, from the client's SYN
  (PPTP) or first PADI (PPPoE) to IPCP up (an IPCP Configure-Ack seen
  each way); the server's share is the sum, over the client's messages,
  of the time until the server's next packet: what the server is
  responsible for (a client packet the server loses or leaves
  unanswered counts until the server sends again; a server packet the
  client drops does not, but shows in the step's time).  Medians
  (min-max) over the good sessions.
- CPU: the server UML's /proc/stat (user+nice, system+irq+softirq) from
  before the client UML starts until its sessions are gone on the server
  (less the iperf3 tests' window for the serial sessions), divided by
  the good sessions; it includes the idle baseline (busybox tail
  polling, iperf3 -s, the UML's own ticks) over that window, which
  "less the idle baseline" subtracts.
- iperf3: %d s each way to iperf3 -s in the server UML, through the
  first serial session (all %d held) to the IPCP peer address; the
  server's CPU over the request (one ping, both tests), and per MB
  carried both ways (less the idle baseline).  A UML has one CPU: a
  server at about 1 CPU s per second of test is the bottleneck.
- Memory: Private_Clean + Private_Dirty of smaps_rollup inside the server
  UML while the %d serial sessions were up.  pppoxd's fixed processes
  include the idle session child it keeps started ahead ("pppoxd:
  idle"); a reference's session processes are counted per session.
- The UMLs' CPU figures come from their ticks: host load (other labs,
  two host CPUs for three UMLs) inflates them; compare runs on a quiet
  host.
"""


def main():
    if os.geteuid() != 0:
        sys.exit("make bench must run as root")
    t0 = time.monotonic()
    ensure_user()
    lab.ensure()
    lab.clean_stale()
    # Other labs (a test run) share the host's CPUs: say so, not refuse.
    busy = "load average %s at the start" % " ".join(
        "%.2f" % x for x in os.getloadavg())
    others = len([x for x in lab.leftovers() if x.startswith("process")])
    if others:
        busy += ", %d UMLs of other labs running" % others
        print("bench: %d UMLs of other labs are running: the figures will "
              "be noisier" % others)
    tables = []
    results = []
    for p in PROTOCOLS:
        got = []
        for kind in (p.reference, "pppoxd"):
            say("%s: %s in its own UML: %d sessions one after the other "
                "(iperf3 through one), %d together" % (p.name, kind, N, N))
            o = measure(p, kind)
            if "error" in o:
                print("FAILED: %s could not be measured:\n%s" % (
                    kind, o["error"]))
            elif o.get("log_errors"):
                print("pppoxd's log says:\n  " +
                      "\n  ".join(o["log_errors"]))
            got.append(o)
        tables.append(table(p, got))
        results += got
    kernel = [str(o["stats"].get("pppoe_server_kernel", "?"))
              for o in results if o["kind"] == PPPOE.reference and
              "stats" in o]
    notes = NOTES % (kernel[0] if kernel else "?", N, N, N, IPERF_SECS, N,
                     N)
    text = "%s%s\n\n%s\n\n%s" % (machine(), busy, "\n\n".join(tables),
                                 notes)
    for o in results:
        if o.get("log_errors"):
            text += "- %s %s logged:\n    %s\n" % (
                o["proto"], o["kind"], "\n    ".join(o["log_errors"]))
    text += "\nbench took %.0f s\n" % (time.monotonic() - t0)
    print("\n" + text)
    with open(RESULTS, "w") as f:
        f.write(text)
    print("written to %s" % os.path.relpath(RESULTS))
    return 1 if any("error" in o for o in results) else 0


if __name__ == "__main__":
    sys.exit(main())
