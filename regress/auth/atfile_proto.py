"""The auth process's side of "@/file" secrets, with this script playing
the parent on its channel: the real `pppoxd -P auth` (chrooted, seccomp'd)
asks for every "@/" file of a secrets load, loads the file again with the
descriptors it gets, skips the lines of refused or unanswered files,
never mixes the answers of a load that a reload replaced into the new
one, and logs in a user whose secret came from a file.  Needs root (auth
demotes itself).

usage: atfile_proto.py reload|refused|timeout|bad-answer
"""
import ctypes
import errno
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from pppoxd_test import (PPPOXD, TOP, USER, Failure, check,  # noqa: E402
                         ensure_user, main, wait_for)

HDR = struct.Struct("=IHHII")           # struct imsg_hdr
IMSG_F_HASFD = 1
AUTH_PAP = 0


def imsg_types():
    """enum imsg_type, numbered as the C compiler numbers it."""
    with open(os.path.join(TOP, "common", "pppoxd.h")) as f:
        text = f.read()
    body = text[text.index("enum imsg_type {"):]
    body = body[:body.index("};")]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    names = re.findall(r"\b(IMSG_[A-Z0-9_]+)\s*,", body)
    return {n: i for i, n in enumerate(names)}


T = imsg_types()


class AuthSecrets(ctypes.Structure):
    _fields_ = [("server_name", ctypes.c_char * 64),
                ("path", ctypes.c_char * 256),
                ("strip_domain", ctypes.c_int)]


class AuthFileReq(ctypes.Structure):
    _fields_ = [("idx", ctypes.c_uint32), ("path", ctypes.c_char * 1024)]


class AuthFile(ctypes.Structure):
    _fields_ = [("idx", ctypes.c_uint32), ("error", ctypes.c_int)]


class AuthStatus(ctypes.Structure):
    _fields_ = [("entries", ctypes.c_uint32), ("errors", ctypes.c_uint32)]


class AuthSession(ctypes.Structure):
    _fields_ = [("id", ctypes.c_uint32), ("peer", ctypes.c_char * 64),
                ("peer_addr", ctypes.c_char * 48)]


class AuthRequest(ctypes.Structure):
    _fields_ = [("method", ctypes.c_int), ("id", ctypes.c_uint8),
                ("name", ctypes.c_char * 256),
                ("response", ctypes.c_uint8 * 255),
                ("response_len", ctypes.c_uint16)]


class AuthResult(ctypes.Structure):
    _fields_ = [("ok", ctypes.c_int), ("message", ctypes.c_char * 256),
                ("retry", ctypes.c_int), ("have_keys", ctypes.c_int),
                ("send_key", ctypes.c_uint8 * 16),
                ("recv_key", ctypes.c_uint8 * 16)]


class Channel:
    """One end of an imsg channel."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def send(self, name, peerid, data=b"", fd=None):
        data = bytes(data)
        msg = HDR.pack(T[name], HDR.size + len(data),
                       IMSG_F_HASFD if fd is not None else 0, peerid,
                       os.getpid()) + data
        if fd is None:
            self.sock.sendall(msg)
        else:
            socket.send_fds(self.sock, [msg], [fd])

    def recv(self, timeout=10):
        """The next message as (type name, peerid, payload), or None at
        EOF; fails after timeout seconds without one."""
        names = {v: k for k, v in T.items()}
        end = time.monotonic() + timeout
        while True:
            if len(self.buf) >= HDR.size:
                typ, ln, _, peerid, _ = HDR.unpack_from(self.buf)
                if len(self.buf) >= ln:
                    data = self.buf[HDR.size:ln]
                    self.buf = self.buf[ln:]
                    return names.get(typ, typ), peerid, data
            left = end - time.monotonic()
            if left <= 0:
                raise Failure("no message from auth within %ds" % timeout)
            r, _, _ = select.select([self.sock], [], [], left)
            if r:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None
                self.buf += chunk

    def expect(self, name, timeout=10):
        m = self.recv(timeout)
        if m is None or m[0] != name:
            raise Failure("expected %s from auth, got %s" % (name, m and
                                                              m[0]))
        return m


class Auth:
    """pppoxd -P auth with our end of its channel on fd 3."""

    def __init__(self):
        ensure_user()
        self.dir = tempfile.mkdtemp(prefix="pppoxd-atproto.")
        os.chmod(self.dir, 0o755)
        self.chroot = os.path.join(self.dir, "empty")
        os.mkdir(self.chroot, 0o755)
        self.log = os.path.join(self.dir, "auth.log")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.logf = open(self.log, "w")
        tfd = theirs.fileno()

        # The channel goes to fd 3 before the other descriptors close.
        def child():
            os.dup2(tfd, 3)
        self.proc = subprocess.Popen(
            [PPPOXD, "-P", "auth", "-u", USER, "-r", self.chroot, "-d",
             "-v"], preexec_fn=child, pass_fds=(3,), stdout=self.logf,
            stderr=subprocess.STDOUT, env={})
        theirs.close()
        self.chan = Channel(ours)
        self.gen = None

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        os.chmod(self.path(name), 0o600)
        return self.path(name)

    def logtext(self):
        with open(self.log) as f:
            return f.read()

    def load(self, name):
        """Send the secrets file name; peerid 0 as the parent sends it."""
        a = AuthSecrets(server_name=b"pppoxd", path=self.path(name).encode())
        fd = os.open(self.path(name), os.O_RDONLY)
        try:
            self.chan.send("IMSG_AUTH_SECRETS", 0, a, fd)
        finally:
            os.close(fd)

    def requests(self, n):
        """n IMSG_AUTH_FILE_REQ of one load: [(peerid, idx, path)]."""
        out = []
        for _ in range(n):
            _, peerid, data = self.chan.expect("IMSG_AUTH_FILE_REQ")
            r = AuthFileReq.from_buffer_copy(data)
            out.append((peerid, r.idx, r.path.decode()))
        check(len({p for p, _, _ in out}) == 1,
              "one load's requests carry one number: %s" % out)
        return out

    def answer(self, peerid, idx, path=None, error=0):
        if path is None:
            self.chan.send("IMSG_AUTH_FILE", peerid, AuthFile(idx, error))
            return
        fd = os.open(path, os.O_RDONLY)
        try:
            self.chan.send("IMSG_AUTH_FILE", peerid, AuthFile(idx, 0), fd)
        finally:
            os.close(fd)

    def status(self, timeout=10):
        _, peerid, data = self.chan.expect("IMSG_AUTH_STATUS", timeout)
        st = AuthStatus.from_buffer_copy(data)
        return st.entries, st.errors

    def pap(self, sid, user, password):
        """A PAP login on a new session channel: (ok, verdict seen)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s = AuthSession(id=sid, peer=b"test", peer_addr=b"192.0.2.1")
            self.chan.send("IMSG_AUTH_SESSION", sid, s, theirs.fileno())
            theirs.close()
            sess = Channel(ours)
            pw = password.encode()
            req = AuthRequest(method=AUTH_PAP, id=1, name=user.encode(),
                              response_len=len(pw))
            ctypes.memmove(req.response, pw, len(pw))
            sess.send("IMSG_AUTH_REQUEST", sid, req)
            _, _, data = self.chan.expect("IMSG_AUTH_VERDICT")
            _, _, data = sess.expect("IMSG_AUTH_RESULT", 70)
            return AuthResult.from_buffer_copy(data).ok
        finally:
            ours.close()

    def close(self):
        self.chan.sock.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.logf.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def reload_while_waiting(a):
    old = a.write("old.pw", "oldpw\n")
    a.write("old2.pw", "old2pw\n")
    new = a.write("new.pw", "newpw\n")
    a.write("s1", "carol * @%s *\nbob * @%s *\n" % (old, a.path("old2.pw")))
    a.write("s2", "carol * @%s *\nalice * alicepw *\n"
            "carol2 * @%s *\n" % (new, new))
    a.load("s1")
    r1 = a.requests(2)
    check([p for _, _, p in r1] == [old, a.path("old2.pw")],
          "the first load asks for its two files, in order")
    # The reload comes before any answer: the first load is dropped.
    a.load("s2")
    r2 = a.requests(2)
    check(r2[0][0] != r1[0][0], "the reload's requests carry a new number")
    check([p for _, _, p in r2] == [new, new],
          "a file named twice is asked for twice (one per line)")
    # Late answers to the first load, with the old secret, then the
    # answers to the second.
    for peerid, idx, _ in r1:
        a.answer(peerid, idx, old)
    for peerid, idx, path in r2:
        a.answer(peerid, idx, path)
    check(a.status() == (3, 0), "the new file's 3 secrets, no line skipped")
    wait_for(lambda: "reloaded before its" in a.logtext(), 5,
             "the dropped load to be logged")
    check(True, "the dropped load is logged")
    check(a.pap(1, "carol", "newpw") == 1,
          "carol logs in with the secret from the new file")
    check(a.pap(2, "carol2", "newpw") == 1,
          "carol2 too, from the same file's second descriptor")
    check(a.pap(3, "alice", "alicepw") == 1, "alice's plain line works")
    check("newpw" not in a.logtext() and "oldpw" not in a.logtext(),
          "no secret is logged")


def refused(a):
    a.write("s", "carol * @%s/x.pw *\ndave * davepw *\n" % a.dir)
    a.load("s")
    (peerid, idx, _), = a.requests(1)
    a.answer(peerid, idx, error=errno.EPERM)
    check(a.status() == (1, 1), "the refused file's line is skipped")
    check("%s:1: secret file %s/x.pw: %s" % (a.path("s"), a.dir,
                                            os.strerror(errno.EPERM))
          in a.logtext(), "auth logs file:line and the parent's reason")


def timeout(a):
    a.write("s", "carol * @%s/x.pw *\ndave * davepw *\n" % a.dir)
    a.load("s")
    a.requests(1)
    check(a.status(30) == (1, 1), "without an answer the line is skipped")
    log = a.logtext()
    check('no answer for 1 "@/" file(s)' in log and
          "%s:1: secret file %s/x.pw: %s" % (
              a.path("s"), a.dir, os.strerror(errno.ETIMEDOUT)) in log,
          "the missing answer is logged")


def bad_answer(a):
    a.write("s", "carol * @%s/x.pw *\n" % a.dir)
    a.load("s")
    (peerid, _, _), = a.requests(1)
    a.answer(peerid, 5, error=errno.EPERM)
    check(a.chan.recv() is None, "auth closes its channel")
    check(a.proc.wait(10) != 0, "and exits with an error")
    check("for a file not asked for" in a.logtext(),
          "an answer to no request is a protocol error")


CASES = {
    "reload": reload_while_waiting,
    "refused": refused,
    "timeout": timeout,
    "bad-answer": bad_answer,
}


def run(name):
    a = Auth()
    try:
        CASES[name](a)
    except (Failure, OSError):
        print("--- auth log ---\n" + a.logtext())
        raise
    finally:
        a.close()


if __name__ == "__main__":
    main(lambda: run(sys.argv[1]))
