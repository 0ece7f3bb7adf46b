"""pppoxd on the lab's external side, for cases with real clients.

The lab (regress/lab/lab.py) provides the segment, the client UMLs and a
host namespace on the segment (10.77.0.1); this starts pppoxd there with a
configuration of the case's own and gives the case pppoxctl.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))
import lab  # noqa: E402
from pppoxd_test import (PPPOXCTL, PPPOXD, Failure, check,  # noqa: E402
                         children, ensure_user, role_of, wait_for)

POOL = ("10.78.1.10", "10.78.1.250")


class LabDaemon:
    """pppoxd -d in the lab's external namespace."""

    def __init__(self, L, body, secrets, tag, pool=POOL):
        ensure_user()
        self.L = L
        self.ext = L.external_server()
        self.dir = tempfile.mkdtemp(prefix="pppoxd-%s." % tag)
        os.chmod(self.dir, 0o755)
        self.chroot = os.path.join(self.dir, "empty")
        os.mkdir(self.chroot, 0o755)
        self.socket = os.path.join(self.dir, "pppoxd.sock")
        self.secrets = os.path.join(self.dir, "chap-secrets")
        self.conf = os.path.join(self.dir, "pppoxd.conf")
        self.log = os.path.join(self.dir, "pppoxd.log")
        with open(self.secrets, "w") as f:
            f.write(secrets)
        os.chmod(self.secrets, 0o600)
        with open(self.conf, "w") as f:
            f.write('user "_pppoxd"\nchroot "%s"\nsecrets "%s"\n'
                    'socket "%s"\nname "pppoxd"\n'
                    'pool "lab" {\n\tlocal %s\n\trange %s - %s\n'
                    '\tdns %s %s\n}\n' % (
                        self.chroot, self.secrets, self.socket,
                        lab.PPP_LOCAL, pool[0], pool[1], lab.DNS[0],
                        lab.DNS[1]) + body)
        self.proc = self.ext.spawn([PPPOXD, "-d", "-vv", "-f", self.conf],
                                   log=self.log)
        wait_for(lambda: os.path.exists(self.socket) or
                 self.proc.poll() is not None, 10, "pppoxd's control socket")
        if self.proc.poll() is not None:
            raise Failure("pppoxd exited at start:\n" + self.logtext())
        wait_for(lambda: [k for k in children(self.proc.pid)
                          if role_of(k) == "idle"], 10,
                 "pppoxd's idle session child")
        self.ext.start_iperf()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        """On a failed check, show pppoxd's log; always stop pppoxd."""
        if exc_type is not None and issubclass(exc_type, Failure):
            print("--- pppoxd log ---\n" + self.logtext()[-20000:])
        self.close()
        return False

    def logtext(self):
        try:
            with open(self.log) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def ctl(self, *args, json_out=False, check_rc=True):
        argv = [PPPOXCTL, "-s", self.socket] + (["-j"] if json_out else []) \
            + list(args)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if check_rc and r.returncode != 0:
            raise Failure("pppoxctl %s: %s%s" % (" ".join(args), r.stdout,
                                                 r.stderr))
        return r

    def sessions(self):
        return json.loads(self.ctl("show", "sessions",
                                   json_out=True).stdout)["sessions"]

    def interfaces(self):
        r = subprocess.run(self.ext.argv(["ip", "-o", "link", "show"]),
                           capture_output=True, text=True)
        return [l.split(":")[1].strip().split("@")[0]
                for l in r.stdout.splitlines() if ": ppx" in l]

    def calls(self):
        """{session id: (call ID, peer's call ID)} of every PPTP call
        pppoxd opened GRE for, from its log (-vv)."""
        return {int(m.group(1)): (int(m.group(2)), int(m.group(3)))
                for m in re.finditer(r"session (\d+): GRE for call (\d+), "
                                     r"peer call (\d+)", self.logtext())}

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


def in_pool(ip):
    a = [int(x) for x in ip.split(".")]
    lo = [int(x) for x in POOL[0].split(".")]
    hi = [int(x) for x in POOL[1].split(".")]
    return lo <= a <= hi


def check_session_result(r, what, mppe=None, auth=None):
    """The lab's result of one client instance that should have worked."""
    r = {k: "" if v is None else str(v) for k, v in r.items()}
    check(r.get("up") == "1", "%s: session up (setup %s ms)" %
          (what, r.get("setup_ms")))
    check(in_pool(r.get("ip", "")), "%s: address %s from the pool" %
          (what, r.get("ip")))
    check(r.get("remote") == lab.PPP_LOCAL, "%s: our end is %s" %
          (what, lab.PPP_LOCAL))
    check(r.get("dns1") == lab.DNS[0] and r.get("dns2") == lab.DNS[1],
          "%s: DNS servers %s %s" % (what, r.get("dns1"), r.get("dns2")))
    check(r.get("ping") == "1" and r.get("ping_rx") == r.get("ping_tx"),
          "%s: every ping through the tunnel answered (%s/%s)" % (
              what, r.get("ping_rx"), r.get("ping_tx")))
    if auth is not None:
        check(r.get("auth") == auth, "%s: authenticated with %s (%s)" %
              (what, auth, r.get("auth")))
    if mppe is not None:
        check(r.get("mppe", "").startswith(mppe),
              "%s: MPPE %s (%s %s)" % (what, mppe, r.get("mppe"),
                                       r.get("mppe_mode")))


def peer_host(s):
    """The address part of a pppoxctl session row's peer (ADDR:PORT)."""
    return s["peer"].rsplit(":", 1)[0]


def finish_one(d, c, row, mppe=None, auth=None):
    """Let client UML c (one instance, held) hang up and check what it
    saw: the session worked, with iperf3 both ways and the address
    pppoxctl showed in row; then pppoxd lets the session and its
    interface go.  Returns the client's result."""
    c.release()
    res = c.finish()
    check_session_result(res[0], "client", mppe=mppe, auth=auth)
    check(float(res[0].get("iperf_mbps") or 0) > 0 and
          float(res[0].get("iperf_rev_mbps") or 0) > 0,
          "iperf3 through the session: %s / %s Mbit/s" % (
              res[0].get("iperf_mbps"), res[0].get("iperf_rev_mbps")))
    check(row["address"] == str(res[0]["ip"]),
          "pppoxctl shows the client's address")
    wait_for(lambda: d.sessions() == [], 15,
             "the session to end after the client hung up")
    wait_for(lambda: d.interfaces() == [], 10, "the interface to go")
    return res[0]


def client_vanishes(L, d, scenario, **client):
    """Client UML vanishes while its session runs (pppoxd's pool holds
    one address): LCP echoes notice, the session and interface go, and
    the next client gets the address back."""
    c = L.start_clients(scenario, count=1, hold=60, iperf=0, **client)
    c.wait_up(1, 60)
    wait_for(lambda: [s for s in d.sessions() if s["state"] == "running"],
             20, "the session to run")
    addr = d.sessions()[0]["address"]
    # Every process of that UML, its ptraced helpers included, dies at
    # once: no goodbye reaches pppoxd.
    vanish(c.uml.umid)
    t0 = time.monotonic()
    wait_for(lambda: d.sessions() == [], 30,
             "the session to end by echo timeout")
    check(True, "session ended %.1f s after the client died" %
          (time.monotonic() - t0))
    check("LCP" in d.logtext() and "echo" in d.logtext().lower(),
          "the log says the peer stopped answering echoes")
    wait_for(lambda: d.interfaces() == [], 10, "the interface to go")
    c.uml.kill(0)
    r = L.run_clients(scenario, count=1, iperf=0, **client)[0]
    check_session_result(r, "next client", auth=client.get("auth"))
    check(str(r["ip"]) == addr, "the next client got the pool's only "
          "address %s back" % addr)


def run(tag, body):
    """Run body(L) in a lab; on failure show pppoxd's log."""
    lab.ensure()
    with lab.Lab(tag) as L:
        body(L)


def uml_pids(umid):
    """Every process of the UML with this umid (its helpers included)."""
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if b"umid=" + umid.encode() + b"\0" in f.read() + b"\0":
                    pids.append(int(p))
        except OSError:
            pass
    return pids


def vanish(umid):
    """SIGKILL every process of a client UML at once, as a crash or a
    pulled cable would: no goodbye of any kind reaches the server."""
    import signal
    for _ in range(50):
        pids = uml_pids(umid)
        if not pids:
            return
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    raise Failure("UML %s would not die" % umid)
