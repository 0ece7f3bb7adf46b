"""The real-client lab: real pppd, pptp and pppoe clients in User-Mode Linux
against a server side on a private L2 segment.

A Lab owns one network namespace (the segment: a bridge and one tap per
UML), a run directory on the host and everything it starts.  The server
side is either a reference server (pptpd and/or pppoe-server, with pppd)
in a UML of its own, pppoxd in a UML of its own (the same footing, for
make bench), or "external": a second namespace whose veth "lab0" sits on
the bridge with 10.77.0.1/16, where the caller runs pppoxd.
Client UMLs sit on the segment or, with nat=True, behind a NAT: a bridge
of their own and a router namespace that masquerades them (PPTP helper
included) as one segment address.
Client UMLs each run one scenario (pptp, pppoe, pppoe-user, lan) with N
pppd instances; the lab turns what they leave into one key=value result
file (and dict) per instance.  Lab.close()
(the with-block's exit) stops every UML and process by pid, bounded in
time, deletes the namespaces and the UMLs' ~/.uml directories; the state
file lets another process (lab.py down) do the same.

Only the standard library is used; run as root.  See README.md.
"""
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

HOME = os.path.dirname(os.path.abspath(__file__))
UML_DIR = os.path.join(HOME, "uml")
LINUX = "/usr/bin/linux.uml"
UML_MODULES = "/usr/lib/uml/modules"
UML_STATE = os.path.expanduser("~/.uml")
PREFIX = "plab"
TMP = os.environ.get("LAB_TMP", "/tmp")

# The segment is 10.77.0.0/16: the server side is 10.77.0.1, client UML u
# instance i binds 10.77.(u+1).(i+1).  Tunnels: the server end is
# 10.78.0.1, pptpd hands out 10.78.1.x, pppoe-server 10.78.2.x.  Behind
# the NAT is 10.79.0.0/16: the router is 10.79.0.1 there and 10.77.254.1
# on the segment, client UML u instance i binds 10.79.(u+1).(i+1).
SERVER_IP = "10.77.0.1"
LAN_NET = "10.77.0.0"
LAN_LEN = 16
NAT_NET = "10.79"
NAT_INSIDE_IP = "10.79.0.1"
NAT_OUTSIDE_IP = "10.77.254.1"
PPP_LOCAL = "10.78.0.1"
DNS = ("10.78.0.53", "10.78.0.54")
PPTP_POOL = ("10.78.1.1", 250)
PPPOE_POOL = ("10.78.2.1", 250)
IPERF_PORT = 5201
IPERF_PORTS = 1

SCENARIOS = ("pptp", "pppoe", "pppoe-user", "lan")
AUTHS = ("pap", "chap", "mschap", "mschap-v2")
MPPE = ("none", "optional", "40", "128", "stateful", "required")

# pppd options saying "authenticate (to the peer) with exactly this".
_REFUSE = {"pap": "refuse-pap", "chap": "refuse-chap",
           "mschap": "refuse-mschap", "mschap-v2": "refuse-mschap-v2"}
_MPPE_OPTS = {"none": ["nomppe"], "optional": [],
              "40": ["require-mppe-40"], "128": ["require-mppe-128"],
              "stateful": ["require-mppe", "mppe-stateful"],
              "required": ["require-mppe"]}

_INTS = ("instance", "up", "setup_ms", "ping", "ping_tx", "ping_rx",
         "auth_ok", "pppd_exit", "pppd_running", "sessions_running",
         "pppoe_server_kernel")
_FLOATS = ("iperf_mbps", "iperf_rev_mbps", "cpu_user_s", "cpu_sys_s")


class LabError(Exception):
    pass


# The NAT router's rules (Nat).  No daemon: nft loads them and exits.
NAT_PACKAGES = ("nftables",)


def ensure():
    """Install the lab's packages if missing; no service starts on the
    host."""
    subprocess.run(["sh", os.path.join(HOME, "ensure-lab")], check=True)
    subprocess.run(["sh", os.path.join(HOME, "..", "lib", "ensure-packages")]
                   + list(NAT_PACKAGES), check=True)


def _run(argv, check=True):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    if check and r.returncode != 0:
        raise LabError("%s: exit %d: %s" % (" ".join(argv), r.returncode,
                                            r.stderr.strip()))
    return r


def _wait_for(pred, timeout, interval=0.1):
    """Poll pred() until true or timeout seconds pass; return its value."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > end:
            return v
        time.sleep(interval)


def _quote(s):
    """A word for pppd's options and secrets files."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def read_kv(path):
    """A key=value file as a dict; numeric result fields converted."""
    d = {}
    with open(path) as f:
        for line in f:
            k, sep, v = line.rstrip("\n").partition("=")
            if not sep:
                continue
            if k in _INTS:
                v = int(v) if v.lstrip("-").isdigit() else None
            elif k in _FLOATS:
                try:
                    v = float(v)
                except ValueError:
                    v = None
            d[k] = v
    return d


# ---------------------------------------------------------------- processes

def _stat(pid):
    """(state, ppid, starttime) of pid, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    f = s[s.rindex(")") + 2:].split()
    return f[0], int(f[1]), int(f[19])


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _reap(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _alive(pid):
    _reap(pid)
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def _descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = _stat(int(d))
            if st is not None:
                kids.setdefault(st[1], []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def _stop_pid(pid, match, grace):
    """SIGTERM pid (if its command line still contains match), wait grace
    seconds, then SIGKILL it and every descendant it had."""
    if not _alive(pid) or match not in _cmdline(pid):
        return
    tree = _descendants(pid)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if _wait_for(lambda: not _alive(pid), grace, 0.05):
        tree = [k for k in tree if _alive(k)]
    for k in [pid] + tree:
        try:
            os.kill(k, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _wait_for(lambda: not any(_alive(k) for k in [pid] + tree), 5, 0.05)


# --------------------------------------------------------------------- UML

class Uml:
    """One UML on the segment: hostfs root, uml/init.sh as init, its own
    umid and tap, console on DIR/console.log, parameters in DIR/env.
    The tap is on the segment's bridge unless bridge names another one
    of the segment namespace (the NAT's inside)."""

    def __init__(self, lab, name, role, env, mem=256, deadline=120,
                 bridge=None):
        self.lab = lab
        self.bridge = bridge or lab.bridge
        self.name = name
        self.role = role
        self.dir = os.path.join(lab.dir, name)
        self.etc = os.path.join(self.dir, "etc-ppp")
        self.umid = "%s-%s" % (lab.id, name)
        self.tap = lab.id + name
        self.mem = mem
        self.deadline = deadline
        self.env = dict(env)
        self.proc = None
        self.pid = None
        os.makedirs(self.etc)
        _write(os.path.join(self.etc, "options"),
               "# lab: the host's /etc/ppp/options is not used\n")

    def start(self):
        env = {"LAB_ROLE": self.role, "LAB_NAME": self.umid,
               "LAB_HOME": HOME, "LAB_MODPROBE": self.lab.modprobe,
               "LAB_DEADLINE": str(self.deadline), "LAB_ADDRS": ""}
        env.update(self.env)
        _write(os.path.join(self.dir, "env"), "".join(
            "%s=%s\n" % (k, shlex.quote(str(v))) for k, v in env.items()))
        self.lab._tap(self.tap, self.bridge)
        argv = ["ip", "netns", "exec", self.lab.netns, LINUX,
                "mem=%dM" % self.mem, "umid=" + self.umid,
                "root=/dev/root", "rootfstype=hostfs", "rootflags=/", "rw",
                "init=" + os.path.join(UML_DIR, "init.sh"),
                "eth0=tuntap," + self.tap, "con=null", "con0=null,fd:1",
                # Skip creating 256 legacy BSD ptys: 3 s of every boot.
                "pty.legacy_count=0", "printk.time=1", "labdir=" + self.dir]
        with open(os.path.join(self.dir, "console.log"), "w") as con:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                         stdout=con, stderr=subprocess.STDOUT)
        # ip netns exec execs the UML kernel: the same pid.
        self.pid = self.proc.pid
        self.lab._record("uml", self.pid, "umid=" + self.umid, self.umid)
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait(self, timeout):
        """True if the UML powered off within timeout seconds."""
        if self.proc is None:
            return True
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            return False

    def kill(self, grace=3):
        if self.proc is not None and self.proc.poll() is None:
            _stop_pid(self.pid, "umid=" + self.umid, grace)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(os.path.join(UML_STATE, self.umid), ignore_errors=True)

    def console(self):
        try:
            with open(os.path.join(self.dir, "console.log"),
                      errors="replace") as f:
                return f.read()
        except OSError:
            return ""


# ------------------------------------------------------------ server sides

class UmlServer:
    """What every server side in a UML of its own shares (role
    uml/server.sh): start, readiness, stop, CPU figures and requests.

    The host cannot append to a file the UML already reads through hostfs
    (the UML keeps its old size), so every request is a new file DIR/req-N
    (N from 1 to REQUESTS) that one busybox tail in the UML follows; the
    answer is DIR/snap-N.* and DIR/snap-N.done last."""

    REQUESTS = 32

    def _init_uml(self, lab, servers, env, iperf_ports, mem, max_life):
        self.lab = lab
        self.ip = SERVER_IP
        self.servers = tuple(servers)
        self.iperf_ports = [IPERF_PORT + k for k in range(iperf_ports)]
        env = dict(env)
        env.update({
            "LAB_SERVERS": " ".join(servers),
            "LAB_ADDRS": "%s/%d" % (SERVER_IP, LAN_LEN),
            "LAB_IPERF_PORTS": " ".join(map(str, self.iperf_ports)),
            "LAB_REQUESTS": str(self.REQUESTS),
        })
        self.uml = Uml(lab, "srv", "server", env, mem=mem, deadline=max_life)
        self.dir = self.uml.dir
        self.syslog = os.path.join(self.dir, "syslog.log")
        self.ready_path = os.path.join(self.dir, "ready")
        self.failed_path = os.path.join(self.dir, "failed")
        self._requests = 0

    def start(self, wait=True, timeout=30):
        self.uml.start()
        if wait:
            self.wait_ready(timeout)
        return self

    def _why(self):
        """What to show when the server side did not come up."""
        return self.uml.console()[-3000:]

    def wait_ready(self, timeout=30):
        """Wait until every server listens; raise LabError if not."""
        if not _wait_for(lambda: os.path.exists(self.ready_path) or
                         not self.uml.running(), timeout):
            raise LabError("%s server not ready after %ds:\n%s" % (
                self.kind, timeout, self._why()))
        if not os.path.exists(self.ready_path):
            raise LabError("%s server UML ended early:\n%s" % (
                self.kind, self._why()))
        failed = _read(self.failed_path)
        if failed:
            raise LabError("%s server: %s\n%s" % (self.kind, failed.strip(),
                                                  self._why()))
        return self

    def request(self, what, timeout=15):
        """Ask the server UML for a snapshot: "cpu" (its /proc/stat cpu
        line), "procs" (the server processes with their memory), "ctl"
        (pppoxctl show sessions).  Returns the answer's path prefix
        DIR/snap-N; the UML acts on it within about a second."""
        self._requests += 1
        return _ask(self.uml, "%s server" % self.kind, self._requests,
                    self.REQUESTS, what, (), timeout)

    def cpu(self):
        """The server UML's CPU time so far, in seconds (USER_HZ 100):
        {"user": user + nice, "sys": system, "irq": irq + softirq,
        "idle": idle + iowait}."""
        line = _read(self.request("cpu") + ".cpu") or ""
        return _cpu_fields(line)

    def processes(self):
        """The server processes now (pppoxd, pppd, pptpd, pptpctrl,
        pppoe-server, pppoe, iperf3): dicts with pid, comm, cmd (argv run
        together) and, in KiB, rss, pss, private_clean, private_dirty,
        shared_clean, shared_dirty and private (clean + dirty)."""
        text = _read(self.request("procs") + ".procs") or ""
        out = []
        for line in text.splitlines():
            if line.startswith("pid="):
                head, _, cmd = line.partition(" cmd=")
                p = dict(kv.split("=", 1) for kv in head.split())
                p["pid"] = int(p["pid"])
                p["cmd"] = cmd
                out.append(p)
            elif out and ":" in line:
                k, _, v = line.strip().partition(":")
                v = v.split()
                if v and v[0].isdigit():
                    out[-1][k.lower()] = int(v[0])
        for p in out:
            p["private"] = p.get("private_clean", 0) + \
                p.get("private_dirty", 0)
        return out

    def sessions_running(self):
        """Processes that carry a session now: pppd (the reference
        servers) or pppoxd's session children."""
        return [p for p in self.processes() if p["comm"] == "pppd" or
                p["cmd"].startswith("pppoxd: session")]

    def stop(self, timeout=10):
        """Stop the servers (sessions end), then the UML; return stats."""
        if self.uml.running():
            _write(os.path.join(self.dir, "stop"), "stop\n")
            self.uml.wait(timeout)
        self.uml.kill()
        return self.stats()

    def stats(self):
        """cpu_user_s, cpu_sys_s: the UML's CPU time from ready to stop
        (USER_HZ is 100); sessions_running (pppd_running as well, for the
        reference servers): session processes left 5 s after stop;
        pppoe_server_kernel: 0 if pppoe-server ran in user mode."""
        d = {}
        p = os.path.join(self.dir, "info")
        if os.path.exists(p):
            d.update(read_kv(p))
        lines = (_read(os.path.join(self.dir, "cpu")) or "").splitlines()
        if len(lines) == 2:
            a, b = ([int(x) for x in line.split()[1:]] for line in lines)
            d["cpu_user_s"] = (b[0] + b[1] - a[0] - a[1]) / 100.0
            d["cpu_sys_s"] = (b[2] - a[2]) / 100.0
        return d

    def close(self, grace):
        if self.uml.running():
            _write(os.path.join(self.dir, "stop"), "stop\n")
            self.uml.wait(grace)
        self.uml.kill()


def _ask(uml, who, n, most, verb, args, timeout):
    """Request n of a UML whose role follows DIR/req-1..most: write
    DIR/req-n ("VERB n ARGS...") and wait for DIR/snap-n.done; return the
    answer's path prefix DIR/snap-n."""
    if n > most:
        raise LabError("%s: no more than %d requests" % (who, most))
    if not uml.running():
        raise LabError("%s: its UML is not running" % who)
    prefix = os.path.join(uml.dir, "snap-%d" % n)
    path = os.path.join(uml.dir, "req-%d" % n)
    # Whole, then renamed: the UML must never see it half written.
    _write(path + ".tmp", " ".join([verb, str(n)] + [str(a) for a in args])
           + "\n")
    os.rename(path + ".tmp", path)
    if not _wait_for(lambda: os.path.exists(prefix + ".done") or
                     not uml.running(), timeout, 0.05):
        raise LabError("%s: no answer to %s within %ds" % (who, verb,
                                                          timeout))
    if not os.path.exists(prefix + ".done"):
        raise LabError("%s: its UML ended before answering %s" % (who, verb))
    return prefix


def _cpu_fields(line):
    """The "cpu" line of /proc/stat in seconds (see UmlServer.cpu)."""
    w = line.split()
    if len(w) < 8 or w[0] != "cpu":
        raise LabError("not a /proc/stat cpu line: %r" % line)
    v = [int(x) / 100.0 for x in w[1:8]]
    return {"user": v[0] + v[1], "sys": v[2], "idle": v[3] + v[4],
            "irq": v[5] + v[6]}


def cpu_delta(a, b):
    """CPU seconds from snapshot a to snapshot b (UmlServer.cpu())."""
    return {k: round(b[k] - a[k], 2) for k in a}


class RefServer(UmlServer):
    """Reference servers in a UML: pptpd and/or pppoe-server, each
    running pppd with the given users, auth methods and MPPE policy, and an
    iperf3 server on each of iperf_ports ports from 5201 (clients whose
    test finds the server busy try again, so one port serves them all, one
    test at a time)."""

    kind = "reference"

    def __init__(self, lab, servers, users, auth, mppe, extra, pppoe_service,
                 iperf_ports, mem, max_life):
        for s in servers:
            if s not in ("pptpd", "pppoe"):
                raise LabError("unknown reference server %r" % s)
        if mppe not in MPPE or mppe == "optional":
            # pppd as a server rejects MPPE unless it requires it.
            raise LabError("reference server MPPE policy %r: use one of "
                           "none, 40, 128, stateful, required" % mppe)
        self._init_uml(lab, servers, {
            "LAB_LOCAL_IP": PPP_LOCAL,
            "LAB_PPPOE_POOL": PPPOE_POOL[0],
            "LAB_POOL_SIZE": str(PPPOE_POOL[1]),
            "LAB_PPPOE_AC": "lab-ac",
            "LAB_PPPOE_SERVICE_ARG":
                "-S " + pppoe_service if pppoe_service else "",
        }, iperf_ports, mem, max_life)
        self.pppd_log = os.path.join(self.dir, "pppd.log")
        self._configure(users, auth, mppe, extra)

    def _configure(self, users, auth, mppe, extra):
        etc = self.uml.etc
        secrets = "# client\tserver\tsecret\taddresses\n"
        for u in users:
            addr = u[2] if len(u) > 2 else "*"
            secrets += "%s\t*\t%s\t%s\n" % (_quote(u[0]), _quote(u[1]), addr)
        _write(os.path.join(etc, "chap-secrets"), secrets, 0o600)
        _write(os.path.join(etc, "pap-secrets"), secrets, 0o600)
        opts = ["name lab-server", "debug", "logfile " + _quote(self.pppd_log),
                "nodefaultroute", "noproxyarp", "novj", "nobsdcomp",
                "nodeflate", "ms-dns " + DNS[0], "ms-dns " + DNS[1]]
        if auth in (None, "none", []):
            opts.append("noauth")
        else:
            methods = [auth] if isinstance(auth, str) else list(auth)
            for m in methods:
                if m not in AUTHS:
                    raise LabError("unknown auth method %r" % m)
            opts.append("auth")
            opts += ["require-" + m for m in methods]
        opts += _MPPE_OPTS[mppe] + list(extra)
        text = "\n".join(opts) + "\n"
        _write(os.path.join(etc, "pptpd-options"), text)
        _write(os.path.join(etc, "pppoe-server-options"), text)
        # pppoe-server -k loads the plugin from this fixed path.
        os.makedirs(os.path.join(etc, "plugins"))
        os.symlink(_pppd_plugin("rp-pppoe.so"),
                   os.path.join(etc, "plugins", "rp-pppoe.so"))
        last = PPTP_POOL[0].rsplit(".", 1)
        _write(os.path.join(self.dir, "pptpd.conf"),
               "ppp /usr/sbin/pppd\noption /etc/ppp/pptpd-options\n"
               "localip %s\nremoteip %s.%s-%d\n" % (
                   PPP_LOCAL, last[0], last[1],
                   int(last[1]) + PPTP_POOL[1] - 1))


class PppoxdServer(UmlServer):
    """pppoxd in a UML of its own, on the same footing as the reference
    servers: the host's built binary through hostfs, its configuration and
    log in the run directory, its chroot (root's, empty) and control
    socket in the UML's own /run, tun from the UML kernel.

    The configuration is the lab's globals (user _pppoxd, chroot, secrets,
    socket, name "pppoxd"), then with pool=True the pool "lab" (PPP_LOCAL,
    the PPTP pool's addresses, DNS), then conf_text: the ppp profiles and
    listen lines (listen on SERVER_IP; PPPoE on interface eth0)."""

    kind = "pppoxd"
    CHROOT = "/run/pppoxd-empty"
    SOCKET = "/run/pppoxd.sock"

    def __init__(self, lab, conf_text, secrets_text, pppoxd, pppoxctl, pool,
                 verbose, iperf_ports, mem, max_life):
        for p in (pppoxd, pppoxctl):
            if not os.access(p, os.X_OK):
                raise LabError("%s: not an executable (make all)" % p)
        self._init_uml(lab, ["pppoxd"], {
            "LAB_PPPOXD": pppoxd,
            "LAB_PPPOXD_ARGS": "-d" + "v" * verbose,
            "LAB_PPPOXCTL": pppoxctl,
            "LAB_PPPOXD_CHROOT": self.CHROOT,
            "LAB_PPPOXD_SOCKET": self.SOCKET,
        }, iperf_ports, mem, max_life)
        self.conf = os.path.join(self.dir, "pppoxd.conf")
        self.secrets = os.path.join(self.dir, "chap-secrets")
        self.log = os.path.join(self.dir, "pppoxd.log")
        _write(self.secrets, secrets_text, 0o600)
        head = 'user "_pppoxd"\nchroot "%s"\nsecrets "%s"\nsocket "%s"\n' \
            'name "pppoxd"\n' % (self.CHROOT, self.secrets, self.SOCKET)
        if pool:
            last = PPTP_POOL[0].rsplit(".", 1)
            head += 'pool "lab" {\n\tlocal %s\n\trange %s - %s.%d\n' \
                '\tdns %s %s\n}\n' % (PPP_LOCAL, PPTP_POOL[0], last[0],
                                      int(last[1]) + PPTP_POOL[1] - 1,
                                      DNS[0], DNS[1])
        _write(self.conf, head + conf_text, 0o600)

    def logtext(self):
        return _read(self.log) or ""

    def _why(self):
        return "--- pppoxd log\n%s\n--- console\n%s" % (
            self.logtext()[-3000:], self.uml.console()[-1500:])

    def ctl(self):
        """pppoxctl show sessions, run inside the server UML (its control
        socket is a socket of the UML kernel): the output text."""
        return _read(self.request("ctl") + ".ctl") or ""


class External:
    """The server side as a host network namespace: its veth "lab0" is on
    the bridge with 10.77.0.1/16.  The caller starts pppoxd in it (spawn()
    keeps the process for teardown) and may start iperf3 servers."""

    kind = "external"

    def __init__(self, lab):
        self.lab = lab
        self.netns = lab.netns + "x"
        self.iface = "lab0"
        self.ip = SERVER_IP
        self.ready_path = None
        self.iperf_ports = []
        self.iperf_pids = []
        self.dir = os.path.join(lab.dir, "ext")
        os.makedirs(self.dir)

    def create(self):
        lab = self.lab
        _run(["ip", "netns", "add", self.netns])
        lab.state["netns"].append(self.netns)
        lab._save()
        veth = lab.id + "v"
        _run(["ip", "-n", lab.netns, "link", "add", veth, "type", "veth",
              "peer", "name", self.iface, "netns", self.netns])
        _run(["ip", "-n", lab.netns, "link", "set", veth, "master",
              lab.bridge, "up"])
        _run(["ip", "-n", self.netns, "link", "set", "lo", "up"])
        _run(["ip", "-n", self.netns, "addr", "add",
              "%s/%d" % (SERVER_IP, LAN_LEN), "dev", self.iface])
        _run(["ip", "-n", self.netns, "link", "set", self.iface, "up"])
        return self

    def argv(self, argv):
        """argv to run inside the namespace."""
        return ["ip", "netns", "exec", self.netns] + list(argv)

    def spawn(self, argv, log=None, **kw):
        """Popen argv in the namespace; the lab stops it at teardown."""
        out = open(log, "w") if log else subprocess.DEVNULL
        p = subprocess.Popen(self.argv(argv), stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT, **kw)
        if log:
            out.close()
        self.lab._record("proc", p.pid, os.path.basename(argv[0]), None)
        self.lab.procs.append(p)
        return p

    def start_iperf(self, ports=None, timeout=10):
        """iperf3 -s on each port (default 5201 only; clients that find
        it busy try again); return the pids once all listen."""
        ports = ports or [IPERF_PORT + k for k in range(IPERF_PORTS)]
        for port in ports:
            p = self.spawn(["iperf3", "-s", "-p", str(port)],
                           log=os.path.join(self.dir, "iperf3-%d.log" % port))
            self.iperf_pids.append(p.pid)
        self.iperf_ports = list(ports)

        def listening():
            pid = self.iperf_pids[-1]
            want = {"%04X" % port for port in ports}
            have = set()
            for f in ("tcp", "tcp6"):
                try:
                    with open("/proc/%d/net/%s" % (pid, f)) as fh:
                        for line in fh.readlines()[1:]:
                            c = line.split()
                            if c[3] == "0A":
                                have.add(c[1].rsplit(":", 1)[1])
                except OSError:
                    return False
            return want <= have
        if not _wait_for(listening, timeout):
            raise LabError("iperf3 servers in %s do not listen" % self.netns)
        return list(self.iperf_pids)

    def stop_iperf(self, grace=3):
        for pid in self.iperf_pids:
            _stop_pid(pid, "iperf3", grace)
        self.iperf_pids = []

    def close(self, grace):
        self.stop_iperf(grace)


class Nat:
    """Clients behind one address: a bridge of their own (BRIDGE, in the
    segment namespace, where their taps are) and a router namespace
    (plabXXXXn) with two veths, "in0" on that bridge (NAT_INSIDE_IP, the
    clients' gateway) and "out0" on the segment's bridge (NAT_OUTSIDE_IP),
    forwarding and masquerading everything that leaves by out0.

    PPTP needs more than masquerading: GRE has no ports, so the kernel's
    PPTP helper (nf_conntrack_pptp, nf_nat_pptp) reads each control
    connection, expects its GRE and rewrites the client's call ID to the
    connection's masqueraded port.  Helpers are no longer attached by
    port on their own: the rules attach "pptp" to TCP 1723 from inside.
    Everything here goes with the router's namespace and the bridge's
    links; nothing runs in it."""

    INSIDE = "in0"
    OUTSIDE = "out0"

    def __init__(self, lab):
        self.lab = lab
        self.netns = lab.id + "n"
        self.bridge = lab.id + "nb"
        self.inside_ip = NAT_INSIDE_IP
        self.outside_ip = NAT_OUTSIDE_IP
        self.dir = os.path.join(lab.dir, "nat")
        self.rules = os.path.join(self.dir, "rules.nft")
        os.makedirs(self.dir)

    def create(self):
        lab = self.lab
        _run(["ip", "netns", "add", self.netns])
        lab.state["netns"].append(self.netns)
        lab._save()
        _run(["ip", "-n", lab.netns, "link", "add", self.bridge,
              "type", "bridge", "stp_state", "0", "forward_delay", "0"])
        _run(["ip", "-n", lab.netns, "link", "set", self.bridge, "up"])
        for peer, iface, bridge, addr in (
                (lab.id + "no", self.OUTSIDE, lab.bridge, self.outside_ip),
                (lab.id + "ni", self.INSIDE, self.bridge, self.inside_ip)):
            _run(["ip", "-n", lab.netns, "link", "add", peer, "type", "veth",
                  "peer", "name", iface, "netns", self.netns])
            _run(["ip", "-n", lab.netns, "link", "set", peer, "master",
                  bridge, "up"])
            _run(["ip", "-n", self.netns, "addr", "add",
                  "%s/%d" % (addr, LAN_LEN), "dev", iface])
            _run(["ip", "-n", self.netns, "link", "set", iface, "up"])
        _run(["ip", "-n", self.netns, "link", "set", "lo", "up"])
        _write(self.rules, "table ip lab_nat {\n"
               "\tct helper pptp {\n"
               "\t\ttype \"pptp\" protocol tcp\n"
               "\t\tl3proto ip\n"
               "\t}\n"
               "\tchain prerouting {\n"
               "\t\ttype filter hook prerouting priority filter;\n"
               "\t\tiifname \"%s\" tcp dport 1723 ct helper set \"pptp\"\n"
               "\t}\n"
               "\tchain postrouting {\n"
               "\t\ttype nat hook postrouting priority srcnat;\n"
               "\t\toifname \"%s\" masquerade\n"
               "\t}\n"
               "}\n" % (self.INSIDE, self.OUTSIDE))
        _run(self.argv(["nft", "-f", self.rules]))
        # Forwarding is the namespace's own sysctl.
        _run(self.argv(["sh", "-c",
                        "echo 1 >/proc/sys/net/ipv4/ip_forward"]))
        return self

    def argv(self, argv):
        """argv to run inside the router's namespace."""
        return ["ip", "netns", "exec", self.netns] + list(argv)

    def conntrack(self):
        """The router's connection tracking table now: one dict per
        entry with proto (tcp, gre, icmp, ...) and the original and reply
        directions' src, dst, sport/dport (TCP, UDP) or srckey/dstkey
        (GRE, the call IDs as 0x... hex) as "orig" and "reply".  A PPTP
        call's GRE entry shows the helper at work: the client's call ID
        in "orig" srckey, the one the server sees in "reply" dstkey."""
        r = _run(self.argv(["cat", "/proc/net/nf_conntrack"]))
        out = []
        for line in r.stdout.splitlines():
            w = line.split()
            if len(w) < 4:
                continue
            e = {"proto": w[2], "orig": {}, "reply": {}}
            side = None
            for kv in w[4:]:
                k, sep, v = kv.partition("=")
                if not sep or k in ("mark", "zone", "use"):
                    continue
                if k == "src":
                    side = "orig" if side is None else "reply"
                if side is not None and k not in e[side]:
                    e[side][k] = v
            out.append(e)
        return out

    def gre_flows(self):
        """The PPTP calls' GRE through the router now, whichever side
        sent first: dicts with inside (the client's own address),
        outside (the address the server sees), server, and the call IDs
        as integers: client_call (the client's own), nat_call (the
        client's as the helper rewrote it, what the server sees) and
        server_call."""
        inside = NAT_NET + "."
        out = []
        for e in self.conntrack():
            if e["proto"] != "gre":
                continue
            o, r = e["orig"], e["reply"]
            try:
                if o["src"].startswith(inside):
                    f = (o["src"], r["dst"], o["dst"], o["srckey"],
                         r["dstkey"], o["dstkey"])
                else:
                    f = (r["src"], o["dst"], o["src"], r["srckey"],
                         o["dstkey"], o["srckey"])
                out.append({"inside": f[0], "outside": f[1],
                            "server": f[2], "client_call": int(f[3], 16),
                            "nat_call": int(f[4], 16),
                            "server_call": int(f[5], 16)})
            except (KeyError, ValueError):
                continue
        return out


def _pppd_plugin(name):
    base = "/usr/lib/pppd"
    for v in sorted(os.listdir(base), reverse=True):
        p = os.path.join(base, v, name)
        if os.path.exists(p):
            return p
    raise LabError("no pppd plugin %s under %s" % (name, base))


# ----------------------------------------------------------------- clients

class Clients:
    """A client UML running `count` pppd instances of one scenario.

    user and password may contain %i (the instance number); instances is
    a list of per-instance overrides of user, password, auth, mppe and
    extra (pppd options), e.g. [{"auth": "pap"}, {"mppe": "40"}].
    Instances start all at once, or with sequential=True one after the
    other, each once the one before is up or has failed (up_timeout is
    then the bound of each).

    Per instance N: DIR/iN.options (pppd options), DIR/iN.log (pppd's log
    with debug), DIR/iN.up (written by ip-up), DIR/iN.result (key=value:
    instance, up, setup_ms, ip, remote, dns1, dns2, iface, ping, ping_tx,
    ping_rx, iperf_mbps, iperf_rev_mbps, auth, auth_ok, mppe, mppe_mode,
    down, pppd_exit, log).

    With nat=True the UML sits behind the lab's NAT (Lab.nat()): its
    addresses are 10.79.(index+1).x and the server sees the router's
    NAT_OUTSIDE_IP.  The last `standby` instances do not start with the
    others; while the sessions are held (hold > 0), the host may crash(),
    start_instance() and test() instances (see there)."""

    REQUESTS = 32

    def __init__(self, lab, index, server, scenario, count=1, user="alice",
                 password="alice secret", auth="mschap-v2", mppe="128",
                 instances=None, hold=0, up_timeout=20, ping=3, iperf=1,
                 iperf_secs=2, iperf_reverse=True, iperf_wait=60,
                 pppoe_service=None, pptp_shared_ctrl=False, extra=(),
                 target=None, sequential=False, mem=256, nat=False,
                 standby=0):
        if scenario not in SCENARIOS:
            raise LabError("unknown scenario %r" % scenario)
        if not 1 <= count <= 250:
            raise LabError("count must be 1..250")
        if not 0 <= standby < count:
            raise LabError("standby must leave an instance to start")
        if nat and lab.nat_side is None:
            raise LabError("nat=True: the lab has no NAT (Lab.nat())")
        self.lab = lab
        self.scenario = scenario
        self.count = count
        self.index = index
        self.nat = lab.nat_side if nat else None
        self.up_timeout = up_timeout
        self.iperf_secs = iperf_secs
        self.iperf_wait = iperf_wait
        self._requests = 0
        ports = server.iperf_ports or [IPERF_PORT]
        env = {
            "LAB_SCENARIO": scenario, "LAB_COUNT": str(count),
            "LAB_INDEX": str(index), "LAB_SERVER_IP": server.ip,
            "LAB_SERVER_READY": server.ready_path or "",
            "LAB_READY_TIMEOUT": "30", "LAB_UP_TIMEOUT": str(up_timeout),
            "LAB_PING_COUNT": str(ping), "LAB_TARGET": target or "",
            "LAB_IPERF_INSTANCES": str(iperf),
            "LAB_IPERF_SECS": str(iperf_secs),
            "LAB_IPERF_REVERSE": "1" if iperf_reverse else "0",
            "LAB_IPERF_WAIT": str(iperf_wait),
            "LAB_IPERF_PORT": str(ports[index % len(ports)]),
            "LAB_HOLD": str(hold),
            "LAB_PPPOE_SERVICE": pppoe_service or "",
            "LAB_SEQUENTIAL": "1" if sequential else "0",
            "LAB_STANDBY": str(standby),
            "LAB_REQUESTS": str(self.REQUESTS),
        }
        net = "10.77.%d" % (index + 1)
        if self.nat is not None:
            net = "%s.%d" % (NAT_NET, index + 1)
            env["LAB_ROUTES"] = "%s/%d,%s" % (LAN_NET, LAN_LEN,
                                              self.nat.inside_ip)
        if scenario == "lan":
            env["LAB_ADDRS"] = "%s.1/%d" % (net, LAN_LEN)
        if scenario == "pptp":
            if pptp_shared_ctrl:
                env["LAB_ADDRS"] = "%s.1/%d" % (net, LAN_LEN)
                env["LAB_FIRST_ALONE"] = "1"
            else:
                env["LAB_ADDRS"] = " ".join(
                    "%s.%d/%d" % (net, i + 1, LAN_LEN) for i in range(count))
                for i in range(count):
                    env["LAB_BIND_%d" % i] = "%s.%d" % (net, i + 1)
        # Ping, iperf (both ways) and the stop, with room for boot.
        per_iperf = (iperf_secs + 3) * (2 if iperf_reverse else 1)
        ups = count if sequential else 1
        deadline = 30 + 30 + ups * up_timeout + 25 + \
            min(iperf, count) * (per_iperf + 10) + \
            (iperf_wait if iperf > 0 else 0) + hold + 15
        self.uml = Uml(lab, "c%d" % index, "client", env, mem=mem,
                       deadline=deadline,
                       bridge=self.nat.bridge if self.nat else None)
        self.dir = self.uml.dir
        self.timeout = deadline + 15
        shutil.copy(os.path.join(UML_DIR, "ip-up"),
                    os.path.join(self.uml.etc, "ip-up"))
        instances = list(instances or [])
        for i in range(count):
            p = dict(user=user, password=password, auth=auth, mppe=mppe,
                     extra=extra)
            if i < len(instances):
                p.update(instances[i])
            self._options(i, **p)

    def _options(self, i, user, password, auth, mppe, extra):
        if auth != "any" and auth not in AUTHS:
            raise LabError("unknown auth method %r" % auth)
        if mppe not in MPPE:
            raise LabError("unknown MPPE policy %r" % mppe)
        user = str(user).replace("%i", str(i))
        password = str(password).replace("%i", str(i))
        prefix = os.path.join(self.dir, "i%d" % i)
        opts = ["user " + _quote(user), "password " + _quote(password),
                "noauth", "refuse-eap", "nodefaultroute", "noipdefault",
                "usepeerdns", "nodetach", "maxfail 1", "debug",
                "logfile " + _quote(prefix + ".log"), "unit %d" % i,
                "linkname lab%d" % i, "ipparam " + _quote(prefix),
                "novj", "nobsdcomp", "nodeflate"]
        if auth != "any":
            opts += [r for m, r in _REFUSE.items() if m != auth]
        opts += _MPPE_OPTS[mppe] + list(extra)
        _write(prefix + ".options", "\n".join(opts) + "\n", 0o600)

    def start(self):
        self.uml.start()
        return self

    def _count(self, suffix):
        return sum(os.path.exists(os.path.join(self.dir, "i%d.%s" %
                                               (i, suffix)))
                   for i in range(self.count))

    def wait_up(self, n=None, timeout=60):
        """Wait until n instances (default all) are up; return how many are."""
        n = self.count if n is None else n
        _wait_for(lambda: self._count("up") >= n or not self.uml.running(),
                  timeout)
        return self._count("up")

    def wait_tested(self, timeout=120):
        """Wait until ping and iperf3 are done (sessions still held)."""
        return _wait_for(lambda: os.path.exists(
            os.path.join(self.dir, "tested")) or not self.uml.running(),
            timeout)

    def release(self):
        """Let held sessions end now."""
        _write(os.path.join(self.dir, "release"), "release\n")

    def _request(self, verb, args, timeout):
        self._requests += 1
        return _ask(self.uml, "client %s" % self.uml.name, self._requests,
                    self.REQUESTS, verb, args, timeout)

    def crash(self, i, timeout=30):
        """SIGKILL instance i's pppd and what carries its session (pptp's
        GRE gateway and, unless shared, its call manager; pppoe's relay),
        as a crash would, while the sessions are held (after
        wait_tested()).  Once pppd is gone, return {"exit": its exit
        status (137) or None if it was not running, "killed": [(pid,
        command name, command line), ...]} (pptp's processes are named
        pptpgw and pptpcm; the command line's words run together)."""
        prefix = self._request("crash", [i], timeout)
        if (_read(prefix + ".done") or "").strip() != "exit":
            return {"exit": None, "killed": []}
        ex = (_read(os.path.join(self.dir, "i%d.exit" % i)) or "").strip()
        killed = []
        for line in (_read(prefix + ".killed") or "").splitlines():
            w = line.split(" ", 2)
            if len(w) >= 2 and w[0].isdigit():
                killed.append((int(w[0]), w[1], w[2] if len(w) > 2 else ""))
        return {"exit": int(ex) if ex.isdigit() else None,
                "killed": killed}

    def start_instance(self, i, like=None, timeout=None):
        """Start instance i (a standby one, or one that has ended) while
        the sessions are held, from the address instance `like` bound
        (the same client coming back) or its own; return True once it is
        up, False if its pppd ended first."""
        args = [i] if like is None else [i, like]
        prefix = self._request("start", args, timeout or
                               self.up_timeout + 10)
        return (_read(prefix + ".done") or "").strip() == "up"

    def test(self, instances, timeout=None):
        """Ping through each of the given instances' sessions at once,
        then iperf3 through each in turn (as after set-up, with the
        same counts and seconds), while the sessions are held; return
        {i: {ping, ping_tx, ping_rx, iperf_mbps, iperf_rev_mbps}}.  The
        raw output is DIR/snap-N.iI.{ping,iperf,iperf-r}."""
        per = (self.iperf_secs + 13) * 2 + self.iperf_wait
        prefix = self._request("test", list(instances), timeout or
                               30 + per * len(instances))
        out = {}
        for i in instances:
            r = _instance_result("%s.i%d" % (prefix, i))
            out[i] = {k: r[k] for k in ("ping", "ping_tx", "ping_rx",
                                        "iperf_mbps", "iperf_rev_mbps")}
        return out

    def finish(self, timeout=None):
        """Wait for the UML to power off (killing it after timeout) and
        return the per-instance results."""
        self.uml.wait(self.timeout if timeout is None else timeout)
        self.uml.kill()
        return self.results()

    def results(self):
        """One dict per instance (see the class docstring), also written
        as DIR/iN.result."""
        out = []
        for i in range(self.count):
            r = _instance_result(os.path.join(self.dir, "i%d" % i))
            r["instance"] = i
            r["uml"] = self.uml.name
            r["scenario"] = self.scenario
            _write(os.path.join(self.dir, "i%d.result" % i), "".join(
                "%s=%s\n" % (k, "" if v is None else v)
                for k, v in r.items()))
            out.append(r)
        return out

    def close(self, grace):
        if self.uml.running():
            self.release()
            self.uml.wait(grace)
        self.uml.kill()


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _uptime_ms(text):
    try:
        return int(round(float(text.strip()) * 1000))
    except (AttributeError, ValueError):
        return None


def _iperf_mbps(text):
    """Mbit/s of the receiver line of iperf3 -f m output."""
    for line in (text or "").splitlines():
        if line.rstrip().endswith("receiver"):
            w = line.split()
            if "Mbits/sec" in w:
                return float(w[w.index("Mbits/sec") - 1])
    return None


_AUTH_NAMES = {"pap": "pap", "chap MD5": "chap", "chap MS": "mschap",
               "chap MS-v2": "mschap-v2", "eap": "eap"}


def _instance_result(prefix):
    """The result of one client instance from the raw files the UML left
    under prefix (DIR/iN)."""
    r = {"up": 0, "setup_ms": None, "ip": None, "remote": None,
         "dns1": None, "dns2": None, "iface": None, "ping": 0,
         "ping_tx": 0, "ping_rx": 0, "iperf_mbps": None,
         "iperf_rev_mbps": None, "auth": "none", "auth_ok": None,
         "mppe": "none",
         "mppe_mode": None, "down": None, "pppd_exit": None,
         "log": prefix + ".log"}
    up = _read(prefix + ".up")
    if up is not None:
        kv = dict(line.split("=", 1) for line in up.splitlines()
                  if "=" in line)
        r["up"] = 1
        for k in ("ip", "remote", "dns1", "dns2", "iface"):
            r[k] = kv.get(k) or None
        t0 = _uptime_ms(_read(prefix + ".start"))
        t1 = _uptime_ms(kv.get("t_up"))
        if t0 is not None and t1 is not None:
            r["setup_ms"] = t1 - t0
    ping = _read(prefix + ".ping") or ""
    m = re.search(r"(\d+) packets transmitted, (\d+) received", ping)
    if m:
        r["ping_tx"], r["ping_rx"] = int(m.group(1)), int(m.group(2))
        r["ping"] = 1 if r["ping_rx"] > 0 else 0
    r["iperf_mbps"] = _iperf_mbps(_read(prefix + ".iperf"))
    r["iperf_rev_mbps"] = _iperf_mbps(_read(prefix + ".iperf-r"))
    log = _read(prefix + ".log") or ""
    acks = re.findall(r"sent \[LCP ConfAck [^\n]*?<auth ([^>]*)>", log)
    if acks:
        r["auth"] = _AUTH_NAMES.get(acks[-1], acks[-1].replace(" ", "-"))
    m = re.findall(r"authentication (succeeded|failed)", log)
    if m:
        r["auth_ok"] = 1 if m[-1] == "succeeded" else 0
    m = re.findall(r"MPPE (\d+)-bit (\w+) compression enabled", log)
    if m:
        r["mppe"], r["mppe_mode"] = m[-1]
    down = _read(prefix + ".down")
    r["down"] = "requested" if down is not None else (
        "early" if os.path.exists(prefix + ".exit") else None)
    ex = (_read(prefix + ".exit") or "").strip()
    r["pppd_exit"] = int(ex) if ex.isdigit() else None
    return r


# --------------------------------------------------------------------- lab

def _sigterm(signo, frame):
    raise SystemExit(128 + signo)


def _new_id():
    names = set(_netns_list())
    dirs = set(d.split("-")[0] for d in os.listdir(TMP))
    while True:
        i = "%s%04x" % (PREFIX, random.randrange(0x10000))
        if not {i, i + "x", i + "n"} & names and i not in dirs:
            return i


def _netns_list():
    r = _run(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in r.stdout.splitlines() if line.split()]


class Lab:
    """with Lab("tag") as lab: ...  -- see the module docstring."""

    def __init__(self, tag="lab", keep=None):
        self.id = _new_id()
        self.netns = self.id
        self.bridge = self.id + "b"
        self.dir = os.path.join(TMP, "%s-%s" % (self.id, tag))
        self.keep = os.environ.get("LAB_KEEP") == "1" if keep is None else keep
        self.server = None
        self.nat_side = None
        self.clients = []
        self.procs = []
        self.modprobe = os.path.join(self.dir, "modprobe")
        self._sigterm = False
        self.state = {"id": self.id, "dir": self.dir, "netns": [],
                      "owner": os.getpid(),
                      "owner_start": _stat(os.getpid())[2],
                      "pids": []}

    def __enter__(self):
        try:
            self.open()
        except BaseException:
            self.close(failed=True)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(failed=exc_type is not None)
        return False

    def _save(self):
        _write(os.path.join(self.dir, "state.json"), json.dumps(self.state))

    def _record(self, what, pid, match, umid):
        self.state["pids"].append({"what": what, "pid": pid, "match": match,
                                   "umid": umid})
        self._save()

    def open(self):
        if os.geteuid() != 0:
            raise LabError("the lab needs root")
        # The UMLs lead process groups of their own: a SIGTERM meant for
        # this process group (run-areas' timeout) must end in close().
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _sigterm)
            self._sigterm = True
        os.makedirs(self.dir)
        os.chmod(self.dir, 0o755)
        self._save()
        # modprobe for the UML kernel: its modules, not the host's.
        ver = sorted(os.listdir(UML_MODULES))[-1]
        mods = os.path.join(self.dir, "modroot", "lib", "modules")
        os.makedirs(mods)
        os.symlink(os.path.join(UML_MODULES, ver), os.path.join(mods, ver))
        _write(self.modprobe, "#!/bin/sh\nexec /usr/sbin/modprobe -d %s "
               '"$@"\n' % shlex.quote(os.path.join(self.dir, "modroot")),
               0o755)
        _run(["ip", "netns", "add", self.netns])
        self.state["netns"].append(self.netns)
        self._save()
        _run(["ip", "-n", self.netns, "link", "set", "lo", "up"])
        _run(["ip", "-n", self.netns, "link", "add", self.bridge,
              "type", "bridge", "stp_state", "0", "forward_delay", "0"])
        _run(["ip", "-n", self.netns, "link", "set", self.bridge, "up"])
        return self

    def _tap(self, name, bridge=None):
        _run(["ip", "-n", self.netns, "tuntap", "add", "dev", name,
              "mode", "tap"])
        _run(["ip", "-n", self.netns, "link", "set", name, "master",
              bridge or self.bridge, "up"])

    def reference_server(self, servers=("pptpd",), users=(("alice",
                         "alice secret"),), auth="mschap-v2", mppe="128",
                         extra=(), pppoe_service=None,
                         iperf_ports=IPERF_PORTS, mem=256, max_life=300,
                         wait=True, timeout=30):
        """Start pptpd and/or pppoe-server (servers: "pptpd", "pppoe") in a
        UML; auth is a method or a list of methods the server requires,
        or "none"; users are (user, password[, address]) tuples.  With
        wait=False it returns at once: client UMLs boot meanwhile and wait
        for the server's ready file themselves."""
        if self.server is not None:
            raise LabError("the lab already has a server side")
        if isinstance(servers, str):
            servers = servers.split("+")
        self.server = RefServer(self, servers, users, auth, mppe, extra,
                                pppoe_service, iperf_ports, mem, max_life)
        return self.server.start(wait, timeout)

    def pppoxd_server(self, conf_text, secrets_text, pppoxd=None,
                      pppoxctl=None, pool=True, verbose=0,
                      iperf_ports=IPERF_PORTS, mem=256, max_life=300,
                      wait=True, timeout=30):
        """Start pppoxd in a UML of its own (see PppoxdServer): conf_text
        follows the lab's globals and pool "lab"; secrets_text is its
        chap-secrets.  pppoxd and pppoxctl default to the binaries built
        at the top of the tree; verbose adds -v flags."""
        if self.server is not None:
            raise LabError("the lab already has a server side")
        top = os.path.dirname(os.path.dirname(HOME))
        self.server = PppoxdServer(
            self, conf_text, secrets_text,
            pppoxd or os.path.join(top, "pppoxd"),
            pppoxctl or os.path.join(top, "pppoxctl"), pool, verbose,
            iperf_ports, mem, max_life)
        return self.server.start(wait, timeout)

    def external_server(self):
        """Create the external server side's namespace on the segment."""
        if self.server is not None:
            raise LabError("the lab already has a server side")
        self.server = External(self)
        return self.server.create()

    def nat(self):
        """The lab's NAT (see Nat), created on the first call: clients
        started with nat=True reach the segment through it."""
        if self.nat_side is None:
            self.nat_side = Nat(self)
            self.nat_side.create()
        return self.nat_side

    def spawn(self, argv, log=None):
        """Popen argv in the segment namespace (where the bridge and every
        UML's tap are, e.g. a sniffer); the lab stops it at teardown."""
        out = open(log, "w") if log else subprocess.DEVNULL
        p = subprocess.Popen(["ip", "netns", "exec", self.netns] +
                             list(argv), stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT)
        if log:
            out.close()
        self._record("proc", p.pid, os.path.basename(argv[0]), None)
        self.procs.append(p)
        return p

    def stop_proc(self, p, grace=3):
        """Stop a process of spawn() (or External.spawn()) now."""
        if p.poll() is None:
            _stop_pid(p.pid, "", grace)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            pass

    def start_clients(self, scenario, **kw):
        """Start a client UML (see Clients for the parameters); with
        nat=True behind the lab's NAT, created if need be."""
        if self.server is None:
            raise LabError("start a server side first")
        if kw.get("nat"):
            self.nat()
        c = Clients(self, len(self.clients), self.server, scenario, **kw)
        self.clients.append(c)
        return c.start()

    def run_clients(self, scenario, **kw):
        """Start a client UML, wait for it and return its results."""
        return self.start_clients(scenario, **kw).finish()

    def run_parallel(self, specs):
        """Start one client UML per (scenario, kwargs) at once; return the
        concatenated results once all have finished."""
        cs = [self.start_clients(s, **kw) for s, kw in specs]
        out = []
        for c in cs:
            out += c.finish()
        return out

    def close(self, failed=False, grace=3):
        """Stop everything started, by pid and bounded; delete namespaces,
        UML state directories and (unless kept or failed) the run dir."""
        for c in self.clients:
            c.close(grace)
        if self.server is not None:
            self.server.close(grace)
        for p in self.procs:
            if p.poll() is None:
                _stop_pid(p.pid, "", grace)
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    pass
        teardown(self.state, grace)
        self.state["closed"] = True
        if os.path.isdir(self.dir):
            self._save()
        if self._sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            self._sigterm = False
        if failed or self.keep:
            print("lab: run directory kept: %s" % self.dir, file=sys.stderr)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


def teardown(state, grace=3):
    """Stop what a state file records: processes by pid (if their command
    line still matches), UML state directories, namespaces (taps, bridge
    and veths go with their links first)."""
    for rec in reversed(state["pids"]):
        _stop_pid(rec["pid"], rec["match"], grace)
        if rec.get("umid"):
            shutil.rmtree(os.path.join(UML_STATE, rec["umid"]),
                          ignore_errors=True)
    for ns in state["netns"]:
        if ns not in _netns_list():
            continue
        r = _run(["ip", "-n", ns, "-o", "link", "show"], check=False)
        for line in r.stdout.splitlines():
            name = line.split(":")[1].strip().split("@")[0]
            if name.startswith(PREFIX):
                _run(["ip", "-n", ns, "link", "del", name], check=False)
        _run(["ip", "netns", "del", ns], check=False)


def leftovers(lab_id=None):
    """Everything with the lab's prefix (or, given lab_id, that lab's id)
    still on the host: namespaces (the segment's, the external side's,
    the NAT router's), links in the root namespace, UML processes,
    ~/.uml directories."""
    pre = lab_id or PREFIX
    found = ["netns " + n for n in _netns_list() if n.startswith(pre)]
    r = _run(["ip", "-o", "link", "show"], check=False)
    for line in r.stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(pre):
            found.append("link " + name)
    for d in os.listdir("/proc"):
        if d.isdigit() and "umid=" + pre in _cmdline(int(d)):
            found.append("process %s %s" % (d, _cmdline(int(d))[:80]))
    if os.path.isdir(UML_STATE):
        found += ["uml-dir " + u for u in os.listdir(UML_STATE)
                  if u.startswith(pre)]
    return found


def _states():
    """(path, state) of every lab run directory's state file."""
    out = []
    for d in os.listdir(TMP):
        p = os.path.join(TMP, d, "state.json")
        if not d.startswith(PREFIX) or not os.path.exists(p):
            continue
        try:
            with open(p) as f:
                out.append((p, json.load(f)))
        except (OSError, ValueError):
            continue
    return out


def _owner_alive(st):
    owner = _stat(st["owner"])
    return owner is not None and owner[2] == st["owner_start"]


def live_ids():
    """Ids of the labs that are open and whose owning process runs (other
    test runs on this host may have labs of their own)."""
    return [st["id"] for _, st in _states()
            if not st.get("closed") and _owner_alive(st)]


def strays():
    """leftovers() that belong to no live lab."""
    live = live_ids()
    return [x for x in leftovers()
            if not any(x.split()[-1].startswith(i) or
                       "umid=" + i in x for i in live)]


def clean_stale():
    """Tear down labs whose owning process is gone; return their ids."""
    done = []
    for p, st in _states():
        if st.get("closed") or _owner_alive(st):
            continue
        # Its owner may have closed it and exited since we read it: a
        # closed lab's directory is gone.
        if not os.path.exists(p):
            continue
        teardown(st)
        st["closed"] = True
        try:
            _write(p, json.dumps(st))
        except FileNotFoundError:
            continue
        done.append(st["id"])
    return done


def format_results(results):
    """The results as an aligned table, one line per instance."""
    cols = ("uml", "instance", "scenario", "up", "setup_ms", "ip", "dns1",
            "ping", "iperf_mbps", "iperf_rev_mbps", "auth", "mppe",
            "pppd_exit")
    rows = [cols] + [tuple("" if r.get(c) is None else str(r.get(c))
                           for c in cols) for r in results]
    w = [max(len(r[k]) for r in rows) for k in range(len(cols))]
    return "\n".join("  ".join(v.ljust(w[k]) for k, v in enumerate(r))
                     for r in rows)


# --------------------------------------------------------------------- CLI

def _cli_run(a):
    ensure()
    specs = []
    for k in range(a.clients):
        specs.append((a.scenario, dict(
            count=a.count, user=a.user, password=a.password, auth=a.auth,
            mppe=a.mppe, iperf=a.iperf, iperf_secs=a.iperf_secs,
            up_timeout=a.up_timeout, pptp_shared_ctrl=a.pptp_shared_ctrl,
            nat=a.nat)))
    ok = False
    with Lab(a.tag, keep=a.keep) as L:
        if a.server == "external":
            ext = L.external_server()
            ext.start_iperf()
            if a.exec_cmd:
                ext.spawn(shlex.split(a.exec_cmd),
                          log=os.path.join(ext.dir, "exec.log"))
                time.sleep(a.exec_delay)
        else:
            users = [(a.user.replace("%i", str(i)),
                      a.password.replace("%i", str(i)))
                     for i in range(a.count)]
            L.reference_server(a.server, users=users,
                               auth=a.server_auth.split(","),
                               mppe=a.server_mppe, wait=False)
        res = L.run_parallel(specs)
        print(format_results(res))
        if isinstance(L.server, RefServer):
            print("server: %s" % L.server.stop())
        if L.keep:
            print("run directory: %s" % L.dir)
        ok = all(r["up"] == 1 for r in res)
    return 0 if ok else 1


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="lab.py", description="The pppoxd "
                                 "real-client lab (see README.md).")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="one lab: server side, client UMLs, "
                       "results table, teardown")
    r.add_argument("--server", default="pptpd",
                   help="pptpd, pppoe, pptpd+pppoe or external")
    r.add_argument("--exec", dest="exec_cmd", default=None,
                   help="external: command to run in the namespace first")
    r.add_argument("--exec-delay", type=float, default=2.0,
                   help="seconds to give --exec before the clients start")
    r.add_argument("--server-auth", default="mschap-v2",
                   help="comma-separated methods the reference requires")
    r.add_argument("--server-mppe", default="128")
    r.add_argument("--scenario", default="pptp", choices=SCENARIOS)
    r.add_argument("--clients", type=int, default=1,
                   help="client UMLs, all with the same scenario")
    r.add_argument("--count", type=int, default=1,
                   help="pppd instances per client UML")
    r.add_argument("--user", default="alice", help="%%i: instance number")
    r.add_argument("--password", default="alice secret")
    r.add_argument("--auth", default="mschap-v2",
                   choices=AUTHS + ("any",))
    r.add_argument("--mppe", default="128", choices=MPPE)
    r.add_argument("--iperf", type=int, default=1,
                   help="instances per UML that run iperf3")
    r.add_argument("--iperf-secs", type=int, default=2)
    r.add_argument("--up-timeout", type=int, default=30)
    r.add_argument("--pptp-shared-ctrl", action="store_true")
    r.add_argument("--nat", action="store_true",
                   help="the client UMLs reach the server through a NAT")
    r.add_argument("--tag", default="cli")
    r.add_argument("--clean", dest="keep", action="store_false",
                   help="remove the run directory (kept by default)")
    sub.add_parser("leftovers", help="list what labs left on this host")
    sub.add_parser("strays", help="list leftovers of no running lab")
    sub.add_parser("clean-stale", help="tear down labs whose owner died")
    d = sub.add_parser("down", help="tear down the lab of a run directory")
    d.add_argument("dir")
    a = ap.parse_args(argv)
    if a.cmd == "run":
        return _cli_run(a)
    if a.cmd == "leftovers":
        left = leftovers()
        print("\n".join(left))
        return 1 if left else 0
    if a.cmd == "strays":
        left = strays()
        print("\n".join(left))
        return 1 if left else 0
    if a.cmd == "clean-stale":
        for i in clean_stale():
            print("tore down %s" % i)
        return 0
    with open(os.path.join(a.dir, "state.json")) as f:
        st = json.load(f)
    teardown(st)
    st["closed"] = True
    _write(os.path.join(a.dir, "state.json"), json.dumps(st))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
