"""make bench: pppoxd beside pptpd + pppd, PPTP with MS-CHAPv2 and MPPE-128.

Each server runs inside a User-Mode Linux of its own on the lab's private
segment (regress/lab), so both stand on the same footing: the same UML
kernel, memory and single CPU; pppoxd is the host's built binary through
hostfs.  Real clients (pppd + pptp-linux) run in client UMLs.  For each
server, in one lab:

  idle      the server UML's CPU over IDLE_SECS with no session: the
            baseline that every other window also contains
  serial    N sessions from one client UML, one after the other (each
            starts once the one before is up): set-up time of each
            (pppd start to ip-up in the client), the server's private
            memory per session while all N are up, then the server UML's
            CPU from before the first set-up to after the last teardown
  burst     N sessions from one client UML started together: set-up time
            of each under load, and the CPU per session again
  iperf     one session: iperf3 for IPERF_SECS each way through the
            tunnel to the iperf3 server in the server UML, and the
            server's CPU over that client's whole life

Results are printed side by side and written to regress/bench-results.txt
with the date and the machine.  Every wait is bounded; the labs tear
everything down.  Exits 1 if a server could not be measured.
"""
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "lab"))
import lab  # noqa: E402
import wire  # noqa: E402
from pppoxd_test import PPPOXCTL, PPPOXD, ensure_user  # noqa: E402

RESULTS = os.path.join(HERE, "bench-results.txt")
N = 10
IDLE_SECS = 5
IPERF_SECS = 5
IPERF_PINGS = 10
UP_TIMEOUT = 30
SERVER_LIFE = 280
USERS = [("user%d" % i, "pw%d" % i) for i in range(N)]
SECRETS = "".join('%s * "%s" *\n' % u for u in USERS)
# Both: MS-CHAPv2 only, 128-bit stateless MPPE required, the lab's pool.
PROFILE = ('ppp "default" {\n\tauth mschap-v2\n'
           '\tmppe required 128 stateless\n\tmru 1400\n'
           '\tlcp-echo-interval 30\n\tlcp-echo-failure 3\n}\n'
           'listen pptp on %s pool "lab"\n' % lab.SERVER_IP)
CLIENT = dict(user="user%i", password="pw%i", auth="mschap-v2", mppe="128",
              up_timeout=UP_TIMEOUT)
SERVERS = ("pptpd", "pppoxd")


def say(s):
    print("== " + s, flush=True)


def cpu_total(d):
    """CPU seconds in a cpu_delta(): user, system and interrupts."""
    return d["user"] + d["sys"] + d["irq"]


def start_server(L, kind):
    if kind == "pptpd":
        return L.reference_server("pptpd", users=USERS, auth="mschap-v2",
                                  mppe="128", max_life=SERVER_LIFE,
                                  timeout=60)
    return L.pppoxd_server(PROFILE, SECRETS, pppoxd=PPPOXD,
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


def client_addr(r):
    """The segment address a pptp instance's call came from (lab.py:
    client UML u, instance i binds 10.77.(u+1).(i+1))."""
    return "10.77.%d.%d" % (int(r["uml"][1:]) + 1, r["instance"] + 1)


def good(r):
    """A session as both servers must give it: up, MS-CHAPv2, MPPE-128,
    the peer address, answered pings."""
    return (r["up"] == 1 and r["auth"] == "mschap-v2" and
            r["mppe"] == "128" and r["remote"] == lab.PPP_LOCAL and
            r["ping_rx"] > 0)


def session_memory(kind, procs):
    """Private KiB of each session's processes: pppoxd's session
    children; pptpd's pptpctrl + pppd of a call, paired by count."""
    if kind == "pppoxd":
        per = [p["private"] for p in procs
               if p["cmd"].startswith("pppoxd: session")]
        fixed = sum(p["private"] for p in procs if p["comm"] == "pppoxd" and
                    not p["cmd"].startswith("pppoxd: session"))
        return per, fixed
    pppd = [p["private"] for p in procs if p["comm"] == "pppd"]
    ctrl = [p["private"] for p in procs if p["comm"] == "pptpctrl"]
    per = [a + b for a, b in zip(sorted(pppd), sorted(ctrl))]
    fixed = sum(p["private"] for p in procs if p["comm"] == "pptpd")
    return per, fixed


def phase(L, s, kind, name, out, **kw):
    """One client UML of sessions; returns its results and fills out
    with the server's CPU over the phase (and memory while held)."""
    hold = kw.pop("hold", 0)
    a = s.cpu()
    t0 = time.monotonic()
    c = L.start_clients("pptp", hold=hold, **dict(CLIENT, **kw))
    if hold:
        c.wait_tested(c.timeout)
        procs = s.processes()
        out[name + "_mem"], out["fixed_mem"] = session_memory(kind, procs)
        if kind == "pppoxd":
            out[name + "_ctl"] = s.ctl()
        c.release()
    res = c.finish()
    out[name + "_gone"] = wait_sessions_gone(s)
    b = s.cpu()
    out[name + "_cpu"] = lab.cpu_delta(a, b)
    out[name + "_secs"] = time.monotonic() - t0
    out[name + "_res"] = res
    say("%s %s: %d/%d sessions good, %.0f s" % (
        kind, name, sum(good(r) for r in res), len(res),
        out[name + "_secs"]))
    print(lab.format_results(res), flush=True)
    return res


def iperf_phase(L, s, kind, out):
    """One session, iperf3 both ways; the server's CPU from while the
    client pings (IPERF_PINGS at 0.2 s: room for the request's second)
    until the tests are done."""
    c = L.start_clients("pptp", count=1, ping=IPERF_PINGS, iperf=1,
                        iperf_secs=IPERF_SECS, hold=30, **CLIENT)
    out["iperf_cpu"] = None
    if c.wait_up(1, UP_TIMEOUT + 30) == 1:
        a = s.cpu()
        t0 = time.monotonic()
        c.wait_tested(c.timeout)
        out["iperf_cpu"] = lab.cpu_delta(a, s.cpu())
        out["iperf_secs"] = time.monotonic() - t0
    c.release()
    res = out["iperf_res"] = c.finish()
    say("%s iperf: %s" % (kind, "; ".join(
        "%s Mbit/s up, %s down" % (r["iperf_mbps"], r["iperf_rev_mbps"])
        for r in res)))
    print(lab.format_results(res), flush=True)


def measure(kind):
    out = {"kind": kind}
    with lab.Lab("bench-" + kind) as L:
        try:
            s = start_server(L, kind)
        except lab.LabError as e:
            out["error"] = str(e)
            return out
        a = s.cpu()
        time.sleep(IDLE_SECS)
        out["idle_cpu"] = lab.cpu_delta(a, s.cpu())
        # Every packet to and from the server UML, until bulk traffic.
        cap = os.path.join(L.dir, "wire.txt")
        sniffer = wire.capture(L, s.uml.tap, cap)
        phase(L, s, kind, "serial", out, count=N, sequential=True,
              ping=1, iperf=0, hold=60)
        phase(L, s, kind, "burst", out, count=N, ping=1, iperf=0)
        wire.stop(L, sniffer)
        seen = wire.calls(cap, lab.SERVER_IP)
        for name in ("serial", "burst"):
            out[name + "_wire"] = [seen.get(client_addr(r)) for r in
                                   out[name + "_res"] if good(r)]
        iperf_phase(L, s, kind, out)
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


def rows(o):
    """The table's rows for one server's results: (label, text)."""
    if "error" in o:
        return None
    out = []
    idle = cpu_total(o["idle_cpu"]) / IDLE_SECS
    for name, what in (("serial", "%d one after the other" % N),
                       ("burst", "%d started together" % N)):
        res = o[name + "_res"]
        ok = [r for r in res if good(r)]
        w = [x for x in o.get(name + "_wire", []) if x is not None]
        d = o[name + "_cpu"]
        n = max(1, len(ok))
        out += [
            ("%s:" % what, ""),
            ("  sessions good", "%d/%d" % (len(ok), len(res))),
            ("  set-up ms, client (pppd to ip-up)",
             spread([r["setup_ms"] for r in ok])),
            ("  set-up ms, wire (SYN to IPCP up)",
             spread([x.get("total_ms") for x in w])),
            ("  server's share of it, ms",
             spread([x.get("server_ms") for x in w])),
            ("    SCCRQ->SCCRP ms", spread([x.get("sccrp_ms") for x in w])),
            ("    OCRQ->OCRP ms", spread([x.get("ocrp_ms") for x in w])),
            ("    OCRP->IPCP up ms", spread([x.get("ppp_ms") for x in w])),
            ("  server CPU s/session",
             "%.2f (usr %.2f sys %.2f)" % (cpu_total(d) / n, d["user"] / n,
                                           (d["sys"] + d["irq"]) / n)),
            ("    less the idle baseline", "%.2f" % (
                (cpu_total(d) - idle * o[name + "_secs"]) / n)),
        ]
    r = o["iperf_res"][0]
    d = o["iperf_cpu"]
    cpu = mb = "-"
    if d is not None:
        cpu = "%.2f (usr %.2f sys %.2f)" % (cpu_total(d), d["user"],
                                            d["sys"] + d["irq"])
        carried = ((r["iperf_mbps"] or 0) + (r["iperf_rev_mbps"] or 0)) * \
            IPERF_SECS / 8
        if carried > 0:
            mb = "%.0f" % ((cpu_total(d) - idle * o["iperf_secs"]) * 1000 /
                           carried)
    mem = o.get("serial_mem") or []
    out += [
        ("1 session, iperf3 %d s each way:" % IPERF_SECS, ""),
        ("  client->server Mbit/s", fmt(r["iperf_mbps"], "%.1f")),
        ("  server->client Mbit/s", fmt(r["iperf_rev_mbps"], "%.1f")),
        ("  server CPU s over both tests", cpu),
        ("  server CPU ms per MB carried", mb),
        ("memory, %d sessions up:" % N, ""),
        ("  private KiB/session, mean (max)",
         "%s (%s)" % (fmt(statistics.mean(mem)) if mem else "-",
                      fmt(max(mem)) if mem else "-")),
        ("    counted", "%d %s" % (len(mem), "session children"
                                   if o["kind"] == "pppoxd"
                                   else "pppd+pptpctrl")),
        ("  private KiB, fixed processes",
         "%d %s" % (o.get("fixed_mem", 0), "parent+auth"
                    if o["kind"] == "pppoxd" else "pptpd")),
        ("server CPU s/s idle (baseline)", "%.3f" % idle),
        ("session processes left at stop",
         fmt(o["stats"].get("sessions_running"), "%d")),
    ]
    return out


def table(results):
    cols = [o["kind"] for o in results]
    body = [rows(o) for o in results]
    labels = next((list(zip(*b))[0] for b in body if b is not None), ())
    data = []
    for k, label in enumerate(labels):
        data.append([label] + [b[k][1] if b is not None else "failed"
                               for b in body])
    w0 = max([len("")] + [len(r[0]) for r in data])
    ws = [max([len(c)] + [len(r[i + 1]) for r in data])
          for i, c in enumerate(cols)]
    lines = ["  ".join([" " * w0] + [c.ljust(ws[i])
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
- PPTP, MS-CHAPv2, MPPE-128 stateless required on both; pptpd is Debian's
  pptpd + pppd (GRE in pptpctrl, MPPE in the kernel's ppp_mppe; pppd logs
  with "debug" to a file as the lab configures it); pppoxd runs -d.
  Each server in a UML of its own (one CPU); clients in another UML.
- Set-up, client: pppd start to ip-up in the client UML (10 ms
  resolution), %d sessions from one client UML, each instance its own
  control connection; "one after the other": each starts once the one
  before is up; "started together": all %d at once, so client and server
  UMLs are loaded.  Most of it is the client UML's: pppd and pptp start
  there, and pptp-linux waits about 0.9 s between SCCRP and OCRQ.
- Set-up, wire: captured on the server UML's tap, from the client's SYN
  to IPCP up (an IPCP Configure-Ack seen each way); the server's share is
  the sum, over the client's messages, of the time until the server's
  next packet: what the server is responsible for.  Medians (min-max).
- CPU: the server UML's /proc/stat (user+nice, system+irq+softirq) from
  before the client UML starts until its sessions are gone on the server,
  divided by the good sessions; it includes the idle baseline (busybox
  tail polling, iperf3 -s, the UML's own ticks) over that window, which
  "less the idle baseline" subtracts.
- iperf3: one session, %d s each way to iperf3 -s in the server UML,
  through the tunnel to the IPCP peer address; the server's CPU from the
  client's pings before the tests until both are done, and per MB carried
  both ways (less the idle baseline).  A UML has one CPU: a server at
  about 1 CPU s per second of test is the bottleneck.
- Memory: Private_Clean + Private_Dirty of smaps_rollup inside the server
  UML while the %d serial sessions were up.
- The UMLs' CPU figures come from their ticks: host load (other labs,
  two host CPUs for three UMLs) inflates them; compare runs on a quiet
  host.
""" % (N, N, IPERF_SECS, N)


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
    results = []
    for kind in SERVERS:
        say("%s in its own UML: %d sessions one after the other, %d "
            "together, one with iperf3" % (kind, N, N))
        o = measure(kind)
        if "error" in o:
            print("FAILED: %s could not be measured:\n%s" % (kind,
                                                           o["error"]))
        elif o.get("log_errors"):
            print("pppoxd's log says:\n  " + "\n  ".join(o["log_errors"]))
        results.append(o)
    text = "%s%s\n\n%s\n\n%s" % (machine(), busy, table(results), NOTES)
    errs = [o for o in results if o.get("log_errors")]
    for o in errs:
        text += "- %s logged:\n    %s\n" % (o["kind"],
                                             "\n    ".join(o["log_errors"]))
    text += "\nbench took %.0f s\n" % (time.monotonic() - t0)
    print("\n" + text)
    with open(RESULTS, "w") as f:
        f.write(text)
    print("written to %s" % os.path.relpath(RESULTS))
    return 1 if any("error" in o for o in results) else 0


if __name__ == "__main__":
    sys.exit(main())
