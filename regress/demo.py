"""make demo: real clients connecting through pppoxd.

pppoxd runs with the sample configuration (etc/pppoxd.conf), its PPPoE
listener turned on for the lab's segment, in a network namespace on that
segment.  A real PPTP client (pppd + pptp-linux in User-Mode Linux)
connects with MS-CHAPv2 and MPPE-128, and a real PPPoE client (pppd with
the rp-pppoe.so plugin, kernel PPPoE in another UML) with CHAP; both ping
and measure throughput through their sessions while pppoxctl shows them;
then everything is torn down.  Exits 1 and says what failed if anything
did.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "lib"))
sys.path.insert(0, os.path.join(HERE, "lab"))
import lab  # noqa: E402
from pppoxd_test import PPPOXCTL, PPPOXD, ensure_user, wait_for  # noqa

TOP = os.path.dirname(HERE)
failed = []


def say(s):
    print("\n== " + s, flush=True)


def fail(what):
    print("FAILED: " + what, flush=True)
    failed.append(what)


def main():
    t0 = time.monotonic()
    if os.geteuid() != 0:
        sys.exit("make demo must run as root")
    ensure_user()
    say("installing the lab's packages if missing (user-mode-linux, ppp, "
        "pptp-linux, iperf3...)")
    lab.ensure()
    with lab.Lab("demo") as L:
        ext = L.external_server()
        d = os.path.join(L.dir, "pppoxd")
        os.makedirs(os.path.join(d, "empty"), 0o755)
        os.chmod(d, 0o755)
        secrets = os.path.join(d, "chap-secrets")
        with open(secrets, "w") as f:
            f.write('# client\tserver\tsecret\t\taddresses\n'
                    'alice\t*\t"alice secret"\t*\n')
        os.chmod(secrets, 0o600)
        sock = os.path.join(d, "pppoxd.sock")
        conf = os.path.join(d, "pppoxd.conf")
        with open(os.path.join(TOP, "etc", "pppoxd.conf")) as f:
            sample = f.read()
        with open(conf, "w") as f:
            f.write('# the sample, with paths of this demo\n'
                    'chroot "%s"\nsecrets "%s"\nsocket "%s"\n'
                    'name "pppoxd"\n\n' % (os.path.join(d, "empty"),
                                           secrets, sock) + sample +
                    '\n# PPPoE for the demo, on the lab segment\n'
                    'listen pppoe on %s pool "clients" ppp "pppoe"\n' %
                    ext.iface)
        log = os.path.join(d, "pppoxd.log")

        def ctl(*args):
            r = subprocess.run([PPPOXCTL, "-s", sock] + list(args),
                               capture_output=True, text=True, timeout=30)
            print(r.stdout + r.stderr, end="", flush=True)
            return r.returncode == 0

        say("starting pppoxd with etc/pppoxd.conf in namespace %s "
            "(10.77.0.1 on the lab segment)" % ext.netns)
        p = ext.spawn([PPPOXD, "-d", "-f", conf], log=log)
        try:
            wait_for(lambda: os.path.exists(sock) or p.poll() is not None,
                     10, "pppoxd")
        except Exception:
            pass
        if p.poll() is not None or not os.path.exists(sock):
            fail("pppoxd did not start")
            print(open(log).read())
            return
        ext.start_iperf()
        ctl("show", "status")

        say("a real PPTP client (pppd + pptp-linux in User-Mode Linux) "
            "connects with MS-CHAPv2 and MPPE-128, and a real PPPoE client "
            "(pppd + rp-pppoe.so, kernel PPPoE, in another UML) with CHAP")
        c = L.start_clients("pptp", count=1, user="alice",
                            password="alice secret", auth="mschap-v2",
                            mppe="128", hold=30)
        e = L.start_clients("pppoe", count=1, user="alice",
                            password="alice secret", auth="chap",
                            mppe="none", hold=30)
        c.wait_tested(90)
        e.wait_tested(90)
        say("pppoxctl show sessions, while the clients are connected")
        if not ctl("show", "sessions"):
            fail("pppoxctl show sessions")
        ctl("show", "status")
        c.release()
        e.release()
        res = c.finish(60) + e.finish(60)
        say("the clients' results: ping and iperf3 through the sessions")
        print(lab.format_results(res))
        for r, what, enc in zip(res + [{}, {}], ("PPTP", "PPPoE"),
                                ("MPPE %s", "no MPPE%.0s")):
            if str(r.get("up")) != "1":
                fail("the %s client did not come up (its log: %s)" %
                     (what, r.get("log")))
                continue
            print(("%s: up in %s ms, address %s, " + enc + ", ping %s/%s, "
                   "iperf3 %s Mbit/s up, %s Mbit/s down") % (
                      what, r.get("setup_ms"), r.get("ip"), r.get("mppe"),
                      r.get("ping_rx"), r.get("ping_tx"),
                      r.get("iperf_mbps"), r.get("iperf_rev_mbps")))
            if str(r.get("ping")) != "1":
                fail("no ping through the %s session" % what)
            if not r.get("iperf_mbps"):
                fail("no iperf3 figure through the %s session" % what)
        say("after the clients hung up")
        time.sleep(1)
        ctl("show", "sessions")
        say("pppoxd's log")
        print(open(log).read())
    print("\ndemo took %.0f s" % (time.monotonic() - t0))
    if failed:
        print("demo FAILED:\n  - " + "\n  - ".join(failed))
        sys.exit(1)
    print("demo OK")


if __name__ == "__main__":
    main()
