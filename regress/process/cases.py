"""Process-model regress cases: run the real daemon in a namespace and
check, from /proc, who runs as whom with what privileges."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from pppoxd_test import (Daemon, Failure, Netns, Peer, PARENT_BOUNDING,
                         PARENT_CAPS, alive, check, children, ensure_user,
                         fd_count, main, proc_status, role_of, wait_for)

CONF = """control-timeout 3
pool "office" {
	local 10.99.0.1
	range 10.99.0.10 - 10.99.0.20
	dns 10.99.0.1
}
listen pptp on 127.0.0.1 pool "office"
"""
SECRETS = 'alice pppoxd "alice secret" *\nbob * bobpw\n'


def run(tag, body):
    uid = ensure_user()
    with Netns(tag) as ns:
        d = Daemon(ns, CONF, SECRETS, tag)
        try:
            d.start()
            body(d, ns, uid)
        except Failure:
            print("--- pppoxd log ---\n" + d.logtext())
            raise
        finally:
            d.cleanup()


def check_sandboxed(d, pid, uid, what):
    # A child just exec'd is still root until it demotes; seccomp is the
    # last step of the demotion, so wait for it.
    st = wait_for(lambda: (proc_status(pid) or {}).get("Seccomp") == "2" and
                  proc_status(pid), 10, "%s %d to finish demoting" % (what, pid))
    check(st["Uid"].split() == [str(uid)] * 4,
          "%s runs as uid %d (real, effective, saved, fs)" % (what, uid))
    check(st["Gid"].split()[0] != "0", "%s gid is not 0" % what)
    check(st["Groups"] == "", "%s has no supplementary groups" % what)
    check(int(st["CapEff"], 16) == 0, "%s CapEff is 0" % what)
    check(int(st["CapPrm"], 16) == 0, "%s CapPrm is 0" % what)
    check(int(st["CapBnd"], 16) == 0, "%s bounding set is empty" % what)
    check(st["NoNewPrivs"] == "1", "%s NoNewPrivs is 1" % what)
    check(st["Seccomp"] == "2", "%s Seccomp is 2 (filter)" % what)
    root = os.readlink("/proc/%d/root" % pid)
    check(root == d.chroot, "%s root directory is the chroot (%s)" %
          (what, root))
    # Beyond stdio: the sockets it was given and libevent's own, no files.
    kinds = []
    for fd in sorted(int(x) for x in os.listdir("/proc/%d/fd" % pid)):
        if fd <= 2:
            continue
        link = os.readlink("/proc/%d/fd/%d" % (pid, fd))
        kinds.append(link.split(":")[0] if ":" in link else link)
    return sorted(kinds)


def sockets(pid):
    return sum(1 for fd in os.listdir("/proc/%d/fd" % pid)
               if os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith(
                   "socket:"))


def process_tree(d, ns, uid):
    st = proc_status(d.pid)
    check(st["Uid"].split()[0] == "0", "parent runs as root")
    check(int(st["CapEff"], 16) == PARENT_CAPS,
          "parent CapEff is exactly NET_ADMIN, NET_RAW, NET_BIND_SERVICE "
          "(%s)" % st["CapEff"])
    check(int(st["CapPrm"], 16) == PARENT_CAPS, "parent CapPrm the same")
    check(int(st["CapBnd"], 16) == PARENT_BOUNDING,
          "parent bounding set: its three plus what children need to "
          "demote (%s)" % st["CapBnd"])
    # The idle session child is started once the event loop runs.
    idle = wait_for(lambda: [k for k in children(d.pid)
                             if role_of(k) == "idle"], 10,
                    "an idle session child")
    kids = children(d.pid)
    check(sorted(role_of(k) for k in kids) == ["auth", "idle"],
          "before any connection: auth and one idle session child (%s)" %
          kids)
    check_sandboxed(d, idle[0], uid, "idle")
    fds = check_sandboxed(d, d.auth_pid(), uid, "auth")
    check(set(fds) <= {"anon_inode", "pipe", "socket"} and
          fds.count("socket") == 1, "auth holds only stdio, libevent's "
          "epoll and signal pipe, and its channel (%s)" % fds)
    auth = d.auth_pid()

    p = Peer(ns, "127.0.0.1", 1723)
    try:
        sess = wait_for(lambda: d.session_pids(), 10, "a session child")
        check(len(sess) == 1, "one session child per connection")
        check(sess == idle, "the idle child took the connection")
        wait_for(lambda: [k for k in children(d.pid)
                          if role_of(k) == "idle"], 10,
                 "another idle session child")
        fds = check_sandboxed(d, sess[0], uid, "session")
        check(set(fds) <= {"anon_inode", "pipe", "socket"} and
              fds.count("socket") == 3, "session holds only stdio, "
              "libevent's, its channels to the parent and to auth, and its "
              "connection (%s)" % fds)
        check(sockets(auth) == 2, "auth holds the new session's channel")
        r = d.ctl("show", "sessions")
        check("pptp" in r.stdout and "127.0.0.1:" in r.stdout,
              "pppoxctl show sessions lists the connection:\n" + r.stdout)
    finally:
        p.close()
    wait_for(lambda: not d.session_pids(), 10, "the session child to exit")
    wait_for(lambda: sockets(auth) == 1, 10,
             "auth to close the ended session's channel")
    check(d.ctl("show", "sessions").stdout.strip() == "no sessions",
          "the session is gone from the table once the peer closed")
    check(sorted(role_of(k) for k in children(d.pid)) == ["auth", "idle"],
          "only auth and an idle session child are left")


def session_kill(d, ns, uid):
    auth = d.auth_pid()
    p1 = Peer(ns, "127.0.0.1", 1723)
    p2 = Peer(ns, "127.0.0.1", 1723)
    try:
        sess = wait_for(lambda: len(d.session_pids()) == 2 and
                        d.session_pids(), 10, "two session children")
        os.kill(sess[0], signal.SIGKILL)
        wait_for(lambda: not alive(sess[0]), 10, "the killed child to die")
        check(p1.wait_closed_by_server(10) or p2.wait_closed_by_server(10),
              "the killed child's connection was closed")
        wait_for(lambda: len(d.session_pids()) == 1, 10,
                 "the table to drop the killed session")
        check(alive(d.pid), "the parent survives a session child's SIGKILL")
        check(d.auth_pid() == auth, "the auth process is untouched")
        check(d.session_pids() == [sess[1]],
              "the other session child is untouched")
        r = d.ctl("show", "sessions", json=True)
        check(r.stdout.count('"id":') == 1,
              "pppoxctl lists exactly the surviving session")
    finally:
        p1.close()
        p2.close()
    check("killed by signal 9" in d.logtext(),
          "the parent logs how the child died")


def control_timeout(d, ns, uid):
    p = Peer(ns, "127.0.0.1", 1723)
    try:
        sess = wait_for(lambda: d.session_pids(), 10, "a session child")
        check(p.wait_closed_by_server(15),
              "a peer that says nothing is dropped after control-timeout")
        wait_for(lambda: not alive(sess[0]), 10, "the child to exit")
    finally:
        p.close()
    check("no Start-Control-Connection-Request within 3000 ms" in
          d.logtext(), "the reason is logged")


def auth_restart(d, ns, uid):
    old = d.auth_pid()
    os.kill(old, signal.SIGKILL)
    new = wait_for(lambda: d.auth_pid() not in (None, old) and d.auth_pid(),
                   10, "a new auth process")
    check(alive(d.pid), "the parent survives the auth process dying")
    check_sandboxed(d, new, uid, "restarted auth")
    r = d.ctl("show", "status")
    check("auth:       running, pid %d, 2 secret(s)" % new in r.stdout,
          "the new auth process has the secrets again:\n" + r.stdout)


def shutdown(d, ns, uid):
    p = Peer(ns, "127.0.0.1", 1723)
    try:
        wait_for(lambda: d.session_pids(), 10, "a session child")
        kids = children(d.pid)
        d.proc.send_signal(signal.SIGTERM)
        d.proc.wait(10)
        for k in kids:
            wait_for(lambda: not alive(k), 10, "child %d to exit" % k)
        check(True, "SIGTERM ends the parent and every child")
        check(not os.path.exists(d.socket), "the control socket is removed")
        check(p.wait_closed_by_server(5), "the peer's connection is closed")
    finally:
        p.close()


def burst(d, ns, uid):
    """Eight connections at once: children start at most one per CPU at
    a time (the idle one takes the first), the others wait their turn,
    and every connection gets its own child."""
    n = 8
    # One process opens all of them at once, then holds them until its
    # standard input closes.
    code = ("import socket, sys\n"
            "s = [socket.create_connection(('127.0.0.1', 1723), 5)\n"
            "     for _ in range(%d)]\n"
            "print('connected', flush=True)\n"
            "sys.stdin.read()\n" % n)
    p = subprocess.Popen(["ip", "netns", "exec", ns.name, sys.executable,
                          "-c", code], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        check(p.stdout.readline().strip() == "connected",
              "%d connections opened at once" % n)
        sess = wait_for(lambda: len(d.session_pids()) == n and
                        d.session_pids(), 20, "%d session children" % n)
        check(len(set(sess)) == n, "one child per connection")
        check("waiting for a child" in d.logtext(),
              "connections beyond the starting children waited")
        r = d.ctl("show", "sessions", json=True)
        check(r.stdout.count('"id":') == n, "pppoxctl lists all %d" % n)
    finally:
        p.stdin.close()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    wait_for(lambda: not d.session_pids(), 15, "every session to end")
    wait_for(lambda: sorted(role_of(k) for k in children(d.pid)) ==
             ["auth", "idle"], 15, "auth and a new idle child left")


CASES = {
    "process-tree": process_tree,
    "process-burst": burst,
    "process-session-kill": session_kill,
    "process-control-timeout": control_timeout,
    "process-auth-restart": auth_restart,
    "process-shutdown": shutdown,
}

if __name__ == "__main__":
    name = sys.argv[1]
    main(lambda: run(name.replace("process-", "")[:8], CASES[name]))
