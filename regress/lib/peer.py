"""TCP peer for regress cases: connect, send the hex bytes of argv[3],
print "connected", then on stdin EOF close; on a "wait" line, wait (up to
the caller's bound) for the server to close and print "closed"."""
import socket
import sys

try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
except OSError as e:
    print("error: %s" % e, flush=True)
    sys.exit(1)
if len(sys.argv) > 3 and sys.argv[3]:
    s.sendall(bytes.fromhex(sys.argv[3]))
print("connected", flush=True)
for line in sys.stdin:
    if line.strip() == "wait":
        s.settimeout(None)
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
        print("closed", flush=True)
        break
s.close()
