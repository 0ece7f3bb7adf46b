"""pppoxctl end to end through the running parent, and reload."""
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from pppoxd_test import (PPPOXD, Daemon, Failure, Netns, Peer, alive, check,
                         ensure_user, main, wait_for)

CONF = """pool "office" {
	local 10.99.0.1
	range 10.99.0.10 - 10.99.0.20
}
listen pptp on 127.0.0.1 pool "office"
"""
CONF2 = CONF + 'listen pptp on 127.0.0.1 port 1724 pool "office"\n'
BROKEN = CONF + "listen pptp on 127.0.0.1 pool \"nosuchpool\"\nbogus 1\n"
SECRETS = "alice pppoxd alicepw *\n"


def run(tag, body):
    ensure_user()
    with Netns(tag) as ns:
        d = Daemon(ns, CONF, SECRETS, tag)
        try:
            if body not in (check_only, secrets_atfile):
                d.start()
            body(d, ns)
        except Failure:
            print("--- pppoxd log ---\n" + d.logtext())
            raise
        finally:
            d.cleanup()


def show(d, ns):
    st = os.stat(d.socket)
    check(stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o660
          and st.st_uid == 0 and st.st_gid == 0,
          "the control socket is mode 0660, root:root")
    r = d.ctl("show", "sessions")
    check(r.stdout.strip() == "no sessions", "empty table: 'no sessions'")
    j = json.loads(d.ctl("show", "sessions", json=True).stdout)
    check(j == {"sessions": []}, "empty table as JSON")
    p = Peer(ns, "127.0.0.1", 1723)
    try:
        wait_for(lambda: d.session_pids(), 10, "a session child")
        j = json.loads(d.ctl("show", "sessions", json=True).stdout)
        check(len(j["sessions"]) == 1, "one session as JSON")
        s = j["sessions"][0]
        check(s["protocol"] == "pptp" and s["peer"].startswith("127.0.0.1:")
              and s["pid"] == d.session_pids()[0],
              "session row has protocol, peer and pid: %s" % s)
        for k in ("id", "state", "user", "address", "interface", "uptime",
                  "rx_bytes", "tx_bytes", "rx_packets", "tx_packets"):
            check(k in s, "session row has %s" % k)
        one = json.loads(d.ctl("show", "session", str(s["id"]),
                               json=True).stdout)
        check(one["session"]["id"] == s["id"], "show session ID as JSON")
        r = d.ctl("show", "session", str(s["id"]))
        check("protocol:   pptp" in r.stdout, "show session ID as text")
        r = d.ctl("show", "session", "999", check_rc=False)
        check(r.returncode == 1 and "no session 999" in r.stderr,
              "show session of an unknown id fails and says so")
        r = d.ctl("show", "session", "999", check_rc=False, json=True)
        check(json.loads(r.stdout) == {"ok": False,
                                       "error": "no session 999"},
              "the failure as JSON")
    finally:
        p.close()
    st = json.loads(d.ctl("show", "status", json=True).stdout)["status"]
    check(st["pid"] == d.pid and st["listeners"] == 1,
          "show status: pid and listeners: %s" % st)
    check(st["auth"]["running"] and st["auth"]["pid"] == d.auth_pid() and
          st["auth"]["secrets"] == 1,
          "show status went through auth, which loaded 1 secret")
    r = d.ctl("show", "status")
    check("auth:       running" in r.stdout, "show status as text")
    r = d.ctl("frobnicate", check_rc=False)
    check(r.returncode == 1 and "usage" in r.stderr,
          "an unknown command prints usage")


def disconnect(d, ns):
    p = Peer(ns, "127.0.0.1", 1723)
    try:
        pid = wait_for(lambda: d.session_pids(), 10, "a session child")[0]
        sid = json.loads(d.ctl("show", "sessions",
                               json=True).stdout)["sessions"][0]["id"]
        r = d.ctl("disconnect", "user", "nobody", check_rc=False)
        check(r.returncode == 1 and "no session matches" in r.stderr,
              "disconnect of an unknown user fails")
        r = d.ctl("disconnect", "ip", "10.99.0.99", check_rc=False)
        check(r.returncode == 1, "disconnect of an unused address fails")
        r = d.ctl("disconnect", "ip", "not-an-ip", check_rc=False)
        check(r.returncode == 1 and "not an IPv4 address" in r.stderr,
              "a malformed address is refused by pppoxctl")
        r = d.ctl("disconnect", str(sid))
        check("disconnecting 1 session" in r.stdout, "disconnect ID")
        check(p.wait_closed_by_server(10), "the peer is disconnected")
        wait_for(lambda: not alive(pid), 10, "the child to exit")
        wait_for(lambda: d.ctl("show", "sessions").stdout.strip() ==
                 "no sessions", 10, "the table to empty")
    finally:
        p.close()
    check("disconnected by the administrator" in d.logtext(),
          "the reason is logged")


def reload_good(d, ns):
    d.write_conf(CONF2)
    r = d.ctl("reload")
    check("configuration reloaded" in r.stdout, "reload succeeds")
    st = json.loads(d.ctl("show", "status", json=True).stdout)["status"]
    check(st["listeners"] == 2 and st["reloaded"] > 0,
          "the new listener is open")
    p = Peer(ns, "127.0.0.1", 1724)
    p.close()
    check(True, "the new listener accepts")
    # A session survives a reload that removes its listener.
    p = Peer(ns, "127.0.0.1", 1724)
    try:
        pid = wait_for(lambda: d.session_pids(), 10, "a session child")[0]
        d.write_conf(CONF)
        d.ctl("reload")
        check(alive(pid) and len(d.session_pids()) == 1,
              "a running session survives reload")
    finally:
        p.close()
    # Secrets are re-read.
    with open(d.secrets, "a") as f:
        f.write("bob pppoxd bobpw\ncarol * carolpw 10.99.0.15\n")
    d.ctl("reload")
    st = json.loads(d.ctl("show", "status", json=True).stdout)["status"]
    check(st["auth"]["secrets"] == 3, "reload re-reads the secrets")


def reload_broken(d, ns):
    auth = d.auth_pid()
    d.write_conf(BROKEN)
    r = d.ctl("reload", check_rc=False)
    check(r.returncode == 1 and "running configuration kept" in r.stderr,
          "reload of a broken config fails and says the old one is kept")
    first = d.header().count("\n") + CONF.count("\n") + 1
    log = d.logtext()
    check("pppoxd.conf:%d: listen pptp: pool \"nosuchpool\"" % first in log
          and "pppoxd.conf:%d: unknown keyword \"bogus\"" % (first + 1)
          in log, "the errors are logged with file:line")
    check(alive(d.pid) and d.auth_pid() == auth, "nothing restarted")
    p = Peer(ns, "127.0.0.1", 1723)
    p.close()
    check(True, "the old listener still accepts")
    # SIGHUP takes the same path.
    os.kill(d.pid, signal.SIGHUP)
    wait_for(lambda: d.logtext().count("running configuration kept") >= 2,
             10, "the SIGHUP reload to be refused")
    check(alive(d.pid), "the daemon survives SIGHUP with a broken config")
    st = json.loads(d.ctl("show", "status", json=True).stdout)["status"]
    check(st["listeners"] == 1 and st["reloaded"] == 0,
          "the running configuration is unchanged")


def secrets_atfile(d, ns):
    """"@/file" secrets: the parent opens only regular files beside the
    secrets file, auth reads the secret from them; every refusal is logged
    with its reason and skips its line, at start and on reload."""
    here = os.path.dirname(d.secrets)
    out = tempfile.mkdtemp(prefix="pppoxd-outside.")
    try:
        def write(path, text, mode=0o600):
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, mode)
        os.mkdir(os.path.join(here, "sub"), 0o700)
        write(os.path.join(here, "carol.pw"), "carolpw and the rest\n")
        write(os.path.join(here, "sub", "dave.pw"), '"dave pw"\n')
        write(os.path.join(out, "erin.pw"), "erinpw\n")
        os.symlink(os.path.join(here, "carol.pw"),
                   os.path.join(here, "link.pw"))
        os.symlink(out, os.path.join(here, "outlink"))
        os.mkfifo(os.path.join(here, "fifo.pw"), 0o600)
        back = os.path.join(here, "..", os.path.basename(here), "carol.pw")
        lines = [
            "alice pppoxd alicepw *",
            "carol * @%s/carol.pw *" % here,
            "dave * @%s/sub/dave.pw *" % here,
            "carol2 * @%s/carol.pw *" % here,           # the same file again
            "erin * @%s/erin.pw *" % out,               # 5: outside
            "frank * @%s *" % back,                     # 6: ".."
            "gina * @%s/link.pw *" % here,              # 7: a symlink
            "henry * @%s/outlink/erin.pw *" % here,     # 8: leads outside
            "ivan * @%s/fifo.pw *" % here,              # 9: not a file
            "judy * @%s/missing.pw *" % here,           # 10: missing
            "other-server-line otherhost @%s/erin.pw *" % out,
        ]
        write(d.secrets, "\n".join(lines) + "\n")
        d.start()

        def status():
            st = json.loads(d.ctl("show", "status", json=True).stdout)
            return st["status"]["auth"]
        wait_for(lambda: "secret(s) loaded" in d.logtext(), 10,
                 "auth to load the secrets")
        a = status()
        check(a["secrets"] == 4 and a["skipped_lines"] == 6,
              "4 secrets loaded (2 from one file), 6 lines skipped: %s" % a)
        log = d.logtext()
        for path, why in (
                ("%s/erin.pw" % out,
                 "not in %s or below it, beside the secrets file" % here),
                (back, 'a ".." component'),
                ("%s/link.pw" % here, "a symbolic link"),
                ("%s/outlink/erin.pw" % here,
                 "it leads to %s/erin.pw, outside %s" % (
                     os.path.realpath(out), os.path.realpath(here))),
                ("%s/fifo.pw" % here, "not a regular file"),
                ("%s/missing.pw" % here, "No such file or directory")):
            check("auth: secret file %s refused: %s" % (path, why) in log,
                  "the parent refuses %s: %s" % (path, why))
        for n, path in ((5, "%s/erin.pw" % out), (10,
                                                   "%s/missing.pw" % here)):
            check("%s:%d: secret file %s: " % (d.secrets, n, path) in log,
                  "auth skips line %d and says which file" % n)
        check("otherhost" not in log and
              log.count("%s/erin.pw refused" % out) == 1,
              "a line for another server asks for nothing")
        check("carolpw" not in log and "dave pw" not in log,
              "no secret is logged")
        # A reload asks again, under a new number; a file edited since
        # counts, and one that is now allowed is used.
        os.unlink(os.path.join(here, "outlink"))
        os.mkdir(os.path.join(here, "outlink"))
        write(os.path.join(here, "outlink", "erin.pw"), "erinpw\n")
        loads = d.logtext().count("secret(s) loaded")
        d.ctl("reload")
        wait_for(lambda: d.logtext().count("secret(s) loaded") > loads, 10,
                 "auth to load the secrets again")
        a = status()
        check(a["secrets"] == 5 and a["skipped_lines"] == 5,
              "after the reload 5 secrets, 5 lines skipped: %s" % a)
        check(alive(d.auth_pid()) and alive(d.pid),
              "auth and the parent are still running")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def check_only(d, ns):
    r = subprocess.run([PPPOXD, "-n", "-f", d.conf], capture_output=True,
                       text=True)
    check(r.returncode == 0 and "configuration OK" in r.stderr,
          "pppoxd -n accepts a good configuration")
    d.write_conf(BROKEN)
    r = subprocess.run([PPPOXD, "-n", "-f", d.conf], capture_output=True,
                       text=True)
    check(r.returncode == 1 and d.conf + ":" in r.stderr,
          "pppoxd -n refuses a broken one, naming file:line:\n" + r.stderr)
    r = subprocess.run([PPPOXD, "-n", "-f", d.conf + ".missing"],
                       capture_output=True, text=True)
    check(r.returncode == 1 and "No such file" in r.stderr,
          "pppoxd -n on a missing file says so")
    r = subprocess.run([PPPOXD, "-x"], capture_output=True, text=True)
    check(r.returncode == 1 and "usage: pppoxd [-dnv] [-f file]" in r.stderr,
          "an unknown flag prints usage")


CASES = {
    "ctl-check-only": check_only,
    "ctl-show": show,
    "ctl-disconnect": disconnect,
    "ctl-reload": reload_good,
    "ctl-reload-broken": reload_broken,
    "ctl-secrets-atfile": secrets_atfile,
}

if __name__ == "__main__":
    name = sys.argv[1]
    main(lambda: run(name.replace("ctl-", "c")[:8], CASES[name]))
