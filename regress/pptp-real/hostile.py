"""A hostile PPTP control-connection peer, run inside the server's
namespace against 10.77.0.1:1723: garbage of every kind pppoxd must
survive.  Prints one line per attack; exits 0 when all were sent."""
import socket
import struct
import sys
import time

HOST = sys.argv[1]
MAGIC = 0x1A2B3C4D


def hdr(length, mtype, ctype, magic=MAGIC):
    return struct.pack("!HHIHH", length, mtype, magic, ctype, 0)


def sccrq():
    body = struct.pack("!HHIIHH64s64s", 0x0100, 0, 1, 1, 0, 1,
                       b"hostile", b"test")
    return hdr(156, 1, 1) + body


# A partial header may just be slow: it is dropped by the control
# timeout (10 s by default), so that attack waits longer.
ATTACKS = [
    ("truncated header", b"\x00\x9c\x00", 15),
    ("bad magic", hdr(156, 1, 1, magic=0xdeadbeef) + b"\0" * 144),
    ("length below the header", hdr(4, 1, 1)),
    ("lying length", hdr(60000, 1, 1) + b"\0" * 100),
    ("length wrong for SCCRQ", hdr(100, 1, 1) + b"\0" * 88),
    ("call before SCCRQ", hdr(168, 1, 7) + b"\0" * 156),
    ("unknown control type", sccrq() + hdr(12, 1, 99)),
    ("second SCCRQ", sccrq() + sccrq()),
    ("not a control message", hdr(156, 2, 1) + b"\0" * 144),
    ("random bytes", bytes(range(256)) * 4),
]


def attack(payload, close_wait=3.0):
    s = socket.create_connection((HOST, 1723), timeout=5)
    s.sendall(payload)
    s.settimeout(close_wait)
    got = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                return "closed by the server", got
            got += b
    except socket.timeout:
        return "still open", got
    except ConnectionResetError:
        return "reset by the server", got
    finally:
        s.close()


for a in ATTACKS:
    name, payload = a[0], a[1]
    outcome, got = attack(payload, *a[2:])
    print("%s: %s (%d bytes back)" % (name, outcome, len(got)), flush=True)

# A flood of connections each sending an SCCRQ and leaving at once.
t0 = time.monotonic()
for i in range(200):
    try:
        s = socket.create_connection((HOST, 1723), timeout=5)
        s.sendall(sccrq())
        s.close()
    except OSError as e:
        print("flood connection %d: %s" % (i, e), flush=True)
print("SCCRQ flood: 200 connections in %.1f s" % (time.monotonic() - t0),
      flush=True)
