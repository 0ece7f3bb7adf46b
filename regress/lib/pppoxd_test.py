"""Helpers for regress cases that run the real daemon as root.

Every case gets its own network namespace and temporary directory, starts
pppoxd inside the namespace, and tears everything down by pid, bounded in
time, even when the case fails.  Only addresses inside the namespace are
used.
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PPPOXD = os.path.join(TOP, "pppoxd")
PPPOXCTL = os.path.join(TOP, "pppoxctl")
USER = "_pppoxd"

# CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_NET_RAW (13)
PARENT_CAPS = (1 << 10) | (1 << 12) | (1 << 13)
# ... plus CAP_SETGID (6), CAP_SETUID (7), CAP_SETPCAP (8), CAP_SYS_CHROOT (18)
PARENT_BOUNDING = PARENT_CAPS | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 18)


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print("ok: " + what)


def wait_for(pred, timeout, what, interval=0.05):
    """Poll pred() until it returns a true value or timeout seconds pass."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise Failure("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(interval)


def ensure_user():
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home",
                        "--home-dir", "/nonexistent", "--shell",
                        "/usr/sbin/nologin", USER], check=True)
    return pwd.getpwnam(USER).pw_uid


def proc_status(pid):
    """/proc/PID/status as a dict, or None if the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            d = {}
            for line in f:
                k, _, v = line.partition(":")
                d[k] = v.strip()
            return d
    except (FileNotFoundError, ProcessLookupError):
        return None


def alive(pid):
    st = proc_status(pid)
    return st is not None and not st.get("State", "").startswith("Z")


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = proc_status(int(d))
        if st and st.get("PPid") == str(pid) and \
                not st.get("State", "").startswith("Z"):
            kids.append(int(d))
    return sorted(kids)


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except FileNotFoundError:
        return ""


def role_of(pid):
    c = cmdline(pid)
    # Demoted children are named "pppoxd: ROLE" (a session child is
    # "idle" until it has a connection); before that they are "starting"
    # (the chroot path in the command line could contain any word).
    w = c.split()
    if w[:1] == ["pppoxd:"] and len(w) > 1:
        return w[1]
    if "-P" in w[:-1]:
        return "starting"
    return c


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Netns:
    def __init__(self, tag):
        self.name = "pppoxd-%s-%d" % (tag, os.getpid())

    def __enter__(self):
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.run(["ip", "link", "set", "lo", "up"])
        return self

    def run(self, argv, **kw):
        kw.setdefault("check", True)
        return subprocess.run(["ip", "netns", "exec", self.name] + argv, **kw)

    def __exit__(self, *exc):
        subprocess.run(["ip", "netns", "del", self.name],
                       stderr=subprocess.DEVNULL)


class Daemon:
    """pppoxd -d in a namespace, with its own chroot, secrets and socket."""

    def __init__(self, ns, conf_body, secrets="", tag="t"):
        self.ns = ns
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
        self.write_conf(conf_body)
        self.proc = None

    def header(self):
        return ('user "%s"\nchroot "%s"\nsecrets "%s"\nsocket "%s"\n'
                'name "pppoxd"\n' % (USER, self.chroot, self.secrets,
                                     self.socket))

    def write_conf(self, body):
        with open(self.conf, "w") as f:
            f.write(self.header() + body)

    def start(self, extra=("-v",)):
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns.name, PPPOXD, "-d"] +
            list(extra) + ["-f", self.conf],
            stdout=self.logf, stderr=subprocess.STDOUT)
        # ip netns exec execs pppoxd: same pid.
        self.pid = self.proc.pid
        wait_for(lambda: os.path.exists(self.socket) or
                 self.proc.poll() is not None, 10, "control socket")
        if self.proc.poll() is not None:
            raise Failure("pppoxd exited at start:\n" + self.logtext())
        wait_for(lambda: self.auth_pid(), 10, "auth process")
        # The idle session child, started once the event loop runs.
        wait_for(lambda: [k for k in children(self.pid)
                          if role_of(k) == "idle"], 10,
                 "the idle session child")
        return self

    def logtext(self):
        with open(self.log) as f:
            return f.read()

    def auth_pid(self):
        for k in children(self.pid):
            if role_of(k) == "auth":
                return k
        return None

    def session_pids(self):
        return [k for k in children(self.pid) if role_of(k) == "session"]

    def ctl(self, *args, check_rc=True, json=False):
        argv = [PPPOXCTL, "-s", self.socket] + (["-j"] if json else []) + \
            list(args)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        if check_rc and r.returncode != 0:
            raise Failure("pppoxctl %s failed (%d): %s%s" % (
                " ".join(args), r.returncode, r.stdout, r.stderr))
        return r

    def stop(self):
        if self.proc is None:
            return
        kids = children(self.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        # Children leave when their channel closes; make sure, by pid.
        end = time.monotonic() + 10
        for k in kids:
            while alive(k) and time.monotonic() < end:
                time.sleep(0.05)
            if alive(k):
                try:
                    os.kill(k, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.logf.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Peer:
    """A TCP peer inside the namespace, held open until close().

    Runs lib/peer.py there (the netns cannot be entered from this process
    without os.setns, which Debian 12's Python lacks)."""

    def __init__(self, ns, host, port, send=b""):
        self.p = subprocess.Popen(
            ["ip", "netns", "exec", ns.name, sys.executable,
             os.path.join(os.path.dirname(__file__), "peer.py"),
             host, str(port), send.hex()],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.p.stdout.readline().strip()
        if line != "connected":
            self.close()
            raise Failure("cannot connect to %s:%s: %s" % (host, port, line))

    def wait_closed_by_server(self, timeout):
        """True if the server closed the connection within timeout."""
        try:
            self.p.stdin.write("wait\n")
            self.p.stdin.flush()
        except BrokenPipeError:
            return True
        try:
            out, _ = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return "closed" in out

    def close(self):
        if self.p.poll() is None:
            try:
                self.p.stdin.close()
            except BrokenPipeError:
                pass
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(5)


def main(case):
    """Run case() and report; exit status is what make sees."""
    if os.geteuid() != 0:
        print("SKIP: needs root")
        sys.exit(0)
    try:
        case()
    except Failure as e:
        print("FAIL: %s" % e)
        sys.exit(1)
    print("PASS")
