"""PPTP and PPPoE set-up as seen on the wire of the lab's segment.

capture(L, iface, path) runs this file in the segment namespace as a
sniffer of one link (the server UML's tap: every packet to and from the
server side), stopped at the lab's teardown or by stop().  It writes one
line per PPTP control message, TCP SYN, GRE packet and PPPoE frame:

    SECONDS SRC DST KIND [DETAIL]

(SECONDS from the kernel's receive timestamp; SRC and DST are IPv4
addresses, or MAC addresses for PPPoE; KIND is SYN, SYNACK, PPTP with the
message name, GRE with the PPP protocol and code, GREACK for a GRE packet
without payload, PPPOED with the session ID, the Host-Uniq in hex ("-"
if none) and the discovery code's name, or PPPOES with the session ID,
the PPP protocol and code).  It must be stopped before bulk traffic: it
parses every packet in Python.

calls(path, server) turns such a file into the set-up of every PPTP call,
by client address: from the client's SYN until IPCP is up on the wire (an
IPCP Configure-Ack seen in both directions), and the server's share of
it: the sum, over every client message, of the time until the server's
next packet.  pppoe_calls(path) does the same for every PPPoE session,
by the client's Host-Uniq: from its first PADI until IPCP is up.

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
PPPOE_CODES = {0x09: "PADI", 0x07: "PADO", 0x19: "PADR", 0x65: "PADS",
               0xa7: "PADT"}
PPPOE_HOST_UNIQ = 0x0103
ETH_P_ALL = 3
ETH_P_IP = b"\x08\x00"
ETH_P_PPPOED = b"\x88\x63"
ETH_P_PPPOES = b"\x88\x64"
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


def _ppp(d):
    """(name, code) of a PPP frame's protocol and, for control
    protocols, the packet's code ("" for data), or None if d is short.
    PFC may have shortened the protocol field to one byte."""
    if not d:
        return None
    if d[0] & 1:
        proto, d = d[0], d[1:]
    elif len(d) >= 2:
        proto, d = struct.unpack("!H", d[:2])[0], d[2:]
    else:
        return None
    name = PPP_PROTOS.get(proto, "0x%04x" % proto)
    return name, str(d[0]) if d and name not in ("MPPE", "IP") else ""


def _mac(b):
    return ":".join("%02x" % x for x in b)


def _describe_pppoe(frame):
    """(src, dst, kind, detail) of a PPPoE Ethernet frame, or None."""
    p = frame[14:]
    if len(p) < 6 or p[0] != 0x11:
        return None
    code, sid, length = struct.unpack("!BHH", p[1:6])
    p = p[6:6 + length]
    src, dst = _mac(frame[6:12]), _mac(frame[0:6])
    if frame[12:14] == ETH_P_PPPOED:
        uniq = "-"
        i = 0
        while len(p) - i >= 4:
            tag, tlen = struct.unpack("!HH", p[i:i + 4])
            if tag == PPPOE_HOST_UNIQ:
                uniq = p[i + 4:i + 4 + tlen].hex() or "-"
                break
            i += 4 + tlen
        name = PPPOE_CODES.get(code, "0x%02x" % code)
        return src, dst, "PPPOED", "%d %s %s" % (sid, uniq, name)
    if code != 0:
        return None
    d = p[2:] if p[:2] == b"\xff\x03" else p
    pp = _ppp(d)
    if pp is None:
        return None
    return src, dst, "PPPOES", ("%d %s %s" % ((sid,) + pp)).strip()


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
        pp = _ppp(d)
        if pp is None:
            return None
        return src, dst, "GRE", ("%s %s" % pp).strip()
    return None


def sniff(iface, path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    s.bind((iface, 0))
    with open(path, "w", buffering=1) as out:
        while True:
            pkt, anc, _, _ = s.recvmsg(65535, 64)
            ether = pkt[12:14]
            if ether not in (ETH_P_IP, ETH_P_PPPOED, ETH_P_PPPOES):
                continue
            t = None
            for level, kind, data in anc:
                if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", data[:16])
                    t = sec + nsec / 1e9
            if ether == ETH_P_IP:
                d = _describe(pkt[14:])
            else:
                d = _describe_pppoe(pkt)
            if d is None or t is None:
                continue
            out.write("%.6f %s %s %s %s\n" % ((t,) + d))


# A call's set-up on the wire: the event that starts it, then (request,
# answer, result key) of the server's answers it times; "ppp_ms" runs
# from the last answer to IPCP up.
PPTP_STEPS = ("SYN", (("SCCRQ", "SCCRP", "sccrp_ms"),
                      ("OCRQ", "OCRP", "ocrp_ms")))
PPPOE_STEPS = ("PADI", (("PADI", "PADO", "pado_ms"),
                        ("PADR", "PADS", "pads_ms")))


def _lines(path):
    """The capture's lines as (seconds, src, dst, kind, detail)."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                w = line.split(None, 4)
                if len(w) < 4:
                    continue
                out.append((float(w[0]), w[1], w[2], w[3],
                            w[4].strip() if len(w) > 4 else ""))
    except FileNotFoundError:
        pass
    return out


def calls(path, server):
    """{client address: {"total_ms", "server_ms", "sccrp_ms", "ocrp_ms",
    "ppp_ms"}} for every PPTP call whose IPCP came up in the capture:
    total is the client's SYN to IPCP up, server the server's share of
    it (see the module docstring), sccrp and ocrp the server's answer
    times to SCCRQ and OCRQ, ppp from OCRP to IPCP up."""
    ev = {}
    for t, src, dst, kind, detail in _lines(path):
        if kind.startswith("PPPOE"):
            continue
        client = dst if src == server else src
        ev.setdefault(client, []).append((t, src == server, kind, detail))
    out = {}
    for client, evs in ev.items():
        r = _call(evs, PPTP_STEPS)
        if r is not None:
            out[client] = r
    return out


def pppoe_calls(path):
    """{Host-Uniq in hex: {"total_ms", "server_ms", "pado_ms", "pads_ms",
    "ppp_ms"}} for every PPPoE session whose IPCP came up in the
    capture: total is the client's first PADI to IPCP up, server the
    server's share of it, pado and pads the server's answer times to the
    first PADI and PADR, ppp from PADS to IPCP up.  The server is who
    sends PADO and PADS; a session's frames are the discovery frames with
    its Host-Uniq, then those of the session ID its PADS gave, between
    that client and the server, until another PADS reuses the ID."""
    lines = _lines(path)
    servers = {src for _, src, _, kind, detail in lines
               if kind == "PPPOED" and detail.split()[-1] in ("PADO", "PADS")}
    ev = {}
    owner = {}
    for t, src, dst, kind, detail in lines:
        if kind not in ("PPPOED", "PPPOES"):
            continue
        from_server = src in servers
        client = dst if from_server else src
        w = detail.split()
        if kind == "PPPOED":
            sid, uniq, name = w[0], w[1], w[2]
            if name == "PADS" and uniq != "-":
                owner[(client, sid)] = uniq
            if uniq == "-":
                uniq = owner.get((client, sid))
            if uniq is not None:
                ev.setdefault(uniq, []).append((t, from_server, kind, name))
            continue
        uniq = owner.get((client, w[0]))
        if uniq is not None:
            ev[uniq].append((t, from_server, kind, " ".join(w[1:])))
    out = {}
    for uniq, evs in ev.items():
        r = _call(evs, PPPOE_STEPS)
        if r is not None:
            out[uniq] = r
    return out


def _call(evs, steps):
    """A call's set-up from its events (seconds, from the server, kind,
    detail) in time order: see calls() and steps (PPTP_STEPS)."""
    first, pairs = steps
    start = pending = last = None
    asked = {}
    share = 0.0
    r = {}
    acks = set()
    for t, from_server, kind, detail in evs:
        if start is None and first in (kind, detail):
            start = t
        if start is None or kind == "GREACK":
            continue
        if from_server:
            if pending is not None:
                share += t - pending
                pending = None
            for ask, answer, key in pairs:
                if detail == answer and ask in asked:
                    r.setdefault(key, (t - asked[ask]) * 1000)
                    if answer == pairs[-1][1]:
                        last = t
        else:
            if pending is None:
                pending = t
            # The first one: TCP (or a PPPoE client) may send it again.
            if detail in (ask for ask, _, _ in pairs):
                asked.setdefault(detail, t)
        if detail == "IPCP 2":
            acks.add(from_server)
            if len(acks) == 2:
                r["total_ms"] = (t - start) * 1000
                r["server_ms"] = share * 1000
                if last is not None:
                    r["ppp_ms"] = (t - last) * 1000
                return r
    return None


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: wire.py IFACE OUTPUT")
    try:
        sniff(sys.argv[1], sys.argv[2])
    except KeyboardInterrupt:
        pass
