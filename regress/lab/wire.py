"""PPTP set-up as seen on the wire of the lab's segment.

capture(L, iface, path) runs this file in the segment namespace as a
sniffer of one link (the server UML's tap: every packet to and from the
server side), stopped at the lab's teardown or by stop().  It writes one
line per PPTP control message, TCP SYN and GRE packet:

    SECONDS SRC DST KIND [DETAIL]

(SECONDS from the kernel's receive timestamp; KIND is SYN, SYNACK, PPTP
with the message name, GRE with the PPP protocol and code, or GREACK for
a GRE packet without payload).  It must be stopped before bulk traffic:
it parses every packet in Python.

calls(path, server) turns such a file into the set-up of every call, by
client address: from the client's SYN until IPCP is up on the wire (an
IPCP Configure-Ack seen in both directions), and the server's share of
it: the sum, over every client message, of the time until the server's
next packet.

Standard library only; run as root (AF_PACKET).
"""
import os
import socket
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

PPTP_TYPES = {1: "SCCRQ", 2: "SCCRP", 3: "StopCCRQ", 4: "StopCCRP",
              5: "EchoRQ", 6: "EchoRP", 7: "OCRQ", 8: "OCRP", 9: "ICRQ",
              10: "ICRP", 11: "ICCN", 12: "CCRQ", 13: "CDN", 14: "WEN",
              15: "SLI"}
PPP_PROTOS = {0xc021: "LCP", 0xc223: "CHAP", 0xc023: "PAP", 0x80fd: "CCP",
              0x8021: "IPCP", 0x8057: "IPV6CP", 0x00fd: "MPPE",
              0x0021: "IP"}
ETH_P_ALL = 3
SO_TIMESTAMPNS = 35
PPTP_PORT = 1723
IPPROTO_GRE = 47


def capture(L, iface, path):
    """Start the sniffer of iface (in the lab's segment namespace) writing
    to path; returns the process (the lab stops it at teardown)."""
    return L.spawn([sys.executable, os.path.abspath(__file__), iface, path],
                   log=path + ".err")


def stop(L, p, grace=3):
    """Stop a capture() now (its file is complete once this returns)."""
    L.stop_proc(p, grace)


def _describe(ip):
    """(src, dst, kind, detail) of an IPv4 packet, or None if it is of no
    interest."""
    if len(ip) < 20:
        return None
    ihl = (ip[0] & 0x0f) * 4
    proto = ip[9]
    src = socket.inet_ntoa(ip[12:16])
    dst = socket.inet_ntoa(ip[16:20])
    p = ip[ihl:]
    if proto == socket.IPPROTO_TCP and len(p) >= 20:
        sport, dport = struct.unpack("!HH", p[:4])
        if PPTP_PORT not in (sport, dport):
            return None
        flags = p[13]
        if flags & 0x02:
            return src, dst, "SYNACK" if flags & 0x10 else "SYN", ""
        data = p[(p[12] >> 4) * 4:]
        names = []
        i = 0
        while len(data) - i >= 10:
            length, _, _, ctype = struct.unpack("!HHIH", data[i:i + 10])
            names.append(PPTP_TYPES.get(ctype, str(ctype)))
            i += max(length, 10)
        return (src, dst, "PPTP", ",".join(names)) if names else None
    if proto == IPPROTO_GRE and len(p) >= 8:
        flags = struct.unpack("!H", p[:2])[0]
        i = 8 + (4 if flags & 0x1000 else 0) + (4 if flags & 0x0080 else 0)
        d = p[i:]
        if not d:
            return src, dst, "GREACK", ""
        if d[:2] == b"\xff\x03":
            d = d[2:]
        if not d:
            return None
        if d[0] & 1:
            proto, d = d[0], d[1:]
        elif len(d) >= 2:
            proto, d = struct.unpack("!H", d[:2])[0], d[2:]
        else:
            return None
        name = PPP_PROTOS.get(proto, "0x%04x" % proto)
        code = str(d[0]) if d and name not in ("MPPE", "IP") else ""
        return src, dst, "GRE", (name + " " + code).strip()
    return None


def sniff(iface, path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((iface, 0))
    with open(path, "w", buffering=1) as out:
        while True:
            pkt, anc, _, _ = s.recvmsg(65535, 64)
            if pkt[12:14] != b"\x08\x00":
                continue
            t = None
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", data[:16])
                    t = sec + nsec / 1e9
            d = _describe(pkt[14:])
            if d is None or t is None:
                continue
            out.write("%.6f %s %s %s %s\n" % ((t,) + d))


def calls(path, server):
    """{client address: {"total_ms", "server_ms", "sccrp_ms", "ocrp_ms",
    "ppp_ms"}} for every call whose IPCP came up in the capture: total
    is the client's SYN to IPCP up, server the server's share of it (see
    the module docstring), sccrp and ocrp the server's answer times to
    SCCRQ and OCRQ, ppp from OCRP to IPCP up."""
    ev = {}
    try:
        with open(path) as f:
            for line in f:
                w = line.split(None, 4)
                if len(w) < 4:
                    continue
                t, src, dst, kind = float(w[0]), w[1], w[2], w[3]
                detail = w[4].strip() if len(w) > 4 else ""
                client = dst if src == server else src
                ev.setdefault(client, []).append(
                    (t, src == server, kind, detail))
    except FileNotFoundError:
        return {}
    out = {}
    for client, evs in ev.items():
        r = _call(evs)
        if r is not None:
            out[client] = r
    return out


def _call(evs):
    syn = pending = sccrq = ocrq = ocrp = None
    share = 0.0
    r = {}
    acks = set()
    for t, from_server, kind, detail in evs:
        if kind == "SYN" and syn is None:
            syn = t
        if syn is None or kind == "GREACK":
            continue
        if from_server:
            if pending is not None:
                share += t - pending
                pending = None
            if detail == "SCCRP" and sccrq is not None:
                r.setdefault("sccrp_ms", (t - sccrq) * 1000)
            if detail == "OCRP" and ocrq is not None:
                r.setdefault("ocrp_ms", (t - ocrq) * 1000)
                ocrp = t
        else:
            if pending is None:
                pending = t
            # The first one: TCP may send it again.
            if detail == "SCCRQ" and sccrq is None:
                sccrq = t
            if detail == "OCRQ" and ocrq is None:
                ocrq = t
        if detail == "IPCP 2":
            acks.add(from_server)
            if len(acks) == 2:
                r["total_ms"] = (t - syn) * 1000
                r["server_ms"] = share * 1000
                if ocrp is not None:
                    r["ppp_ms"] = (t - ocrp) * 1000
                return r
    return None


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: wire.py IFACE OUTPUT")
    try:
        sniff(sys.argv[1], sys.argv[2])
    except KeyboardInterrupt:
        pass
