"""pppoxd against real PPTP clients (pppd + pptp-linux in User-Mode
Linux, from regress/lab): sessions come up with the configured auth and
MPPE, get their address and DNS from the pool, pass traffic, show in
pppoxctl, and leave nothing behind."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from pppoxd_lab import (LabDaemon, check_session_result, run)  # noqa: E402
from pppoxd_test import Failure, check, main, wait_for  # noqa: E402

SECRETS = ('alice * "alice secret" *\n'
           'bob * bobpw *\n')


def profile(auth, mppe):
    return ('ppp "default" {\n\tauth %s\n\tmppe %s\n\tmru 1400\n'
            '\tlcp-echo-interval 2\n\tlcp-echo-failure 3\n}\n'
            'listen pptp on 10.77.0.1 pool "lab"\n' % (auth, mppe))


def one_session(tag, auth_conf, mppe_conf, client_auth, client_mppe,
                want_auth, want_mppe):
    def body(L):
        d = LabDaemon(L, profile(auth_conf, mppe_conf), SECRETS, tag)
        try:
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
            check(s["rx_bytes"] > 0 and s["tx_bytes"] > 0,
                  "counters move both ways")
            check(d.interfaces() == [s["interface"]],
                  "one session interface, %s" % s["interface"])
            c.release()
            res = c.finish()
            check_session_result(res[0], "client", mppe=want_mppe,
                                 auth=want_auth)
            check(float(res[0].get("iperf_mbps") or 0) > 0 and
                  float(res[0].get("iperf_rev_mbps") or 0) > 0,
                  "iperf3 through the tunnel: %s / %s Mbit/s" % (
                      res[0].get("iperf_mbps"), res[0].get("iperf_rev_mbps")))
            check(s["address"] == str(res[0]["ip"]),
                  "pppoxctl shows the client's address")
            wait_for(lambda: d.sessions() == [], 15,
                     "the session to end after the client hung up")
            wait_for(lambda: d.interfaces() == [], 10,
                     "the interface to go")
        except Failure:
            print("--- pppoxd log ---\n" + d.logtext())
            raise
        finally:
            d.close()
    run(tag, body)


CASES = {
    "pptp-real-mschapv2-nomppe":
        lambda: one_session("pmsv2n", "mschap-v2", "off",
                            "mschap-v2", "none", "mschap-v2", "none"),
    "pptp-real-mschapv2-mppe128":
        lambda: one_session("pmsv2", "mschap-v2", "required 128 stateless",
                            "mschap-v2", "128", "mschap-v2", "128"),
}

if __name__ == "__main__":
    main(CASES[sys.argv[1]])
