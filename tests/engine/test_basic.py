#!/usr/bin/env python3
"""Basic authentication logged on through PAM (logon.c), without Wine.

usage: test_basic.py ENGINE_BINARY WORKDIR
Run as root it makes a system user (HS_BASIC_USER, default httpsys-basic)
with a known password, runs the engine as that user (the prefix's one
account) and checks what HTTP_REQUEST_AUTH_INFO says for right and wrong
passwords, other names and malformed credentials; that PAM's delay after a
wrong password holds up no other connection; and that a client leaving
during a check is harmless.  As anyone else it says why it skips.  Prints
one line per failed check and "RESULT <passed> <failed>"."""

import base64
import os
import pwd
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from checks import check, report  # noqa: E402
from enginectl import Engine, Image, IOCTL_SEND  # noqa: E402
from enginectl import free_port, wire_response  # noqa: E402

SPROP_AUTH = 5
SUCCESS, FAILURE, NOT_AUTHENTICATED = 0, 2, 1
SEC_E_LOGON_DENIED = -2146893044     # 0x8009030C
SEC_E_INVALID_TOKEN = -2146893048    # 0x80090308
PASSWORD = "Basic-test 7 pass"
BASE = 0x7f0000000000


def basic_user():
    """(name, uid, gid) of a system user with PASSWORD, made if need be; None
    where the machine does not allow it."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("HS_BASIC_USER", "httpsys-basic")
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        if subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
            return None
        pw = pwd.getpwnam(name)
    if pw.pw_uid == 0:
        return None
    if subprocess.run(["chpasswd"], input=("%s:%s\n" % (name, PASSWORD)).encode(),
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        return None
    return name, pw.pw_uid, pw.pw_gid


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def auth_info(done):
    """(status, sec_status, type, token bytes) of the delivered request's auth entry."""
    img = Image(done[2], BASE)
    for typ, data in img.request_info():
        if typ == 0:
            status, sec, flags, atype, token = struct.unpack_from("<IiIIQ", data)
            rest = data[24:]
            return status, sec, atype, token, flags, rest
    return None


class Server:
    def __init__(self, eng, port):
        self.eng = eng
        self.port = port

    def receive(self, timeout=10):
        op = self.eng.receive(2, 0, 0, 16384, 2, BASE)
        return op, self.eng.wait(op, timeout)

    def answer(self, done):
        rid = Image(done[2], BASE).request_id
        self.eng.call(2, IOCTL_SEND, wire_response(rid, body=b"ok"))


def send(port, path, authorization=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    extra = "Authorization: %s\r\n" % authorization if authorization else ""
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, extra)).encode())
    return s


def exchange(srv, path, authorization, keep=None):
    """Sends a request (on keep, a connection, when given), takes it as the
    application and answers it; returns (auth info, seconds to delivery, socket)."""
    t = time.time()
    if keep:
        keep.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n\r\n" % (path, authorization)).encode())
        s = keep
    else:
        s = send(srv.port, path, authorization)
    op, done = srv.receive()
    took = time.time() - t
    if not done or done[0] != 0:
        return None, took, s
    info = auth_info(done)
    token_at = srv.eng.token_at.get(op, 0)
    srv.answer(done)
    s.recv(4096)
    return (info, token_at), took, s


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    who = basic_user()
    if who is None:
        print("skip: no local user with a known password to run the engine as (needs root: useradd, chpasswd)")
        return report()
    name, uid, gid = who
    os.makedirs(workdir, exist_ok=True)
    base = tempfile.mkdtemp(prefix="hs-basic-", dir=os.environ.get("TMPDIR", "/tmp"))
    os.chmod(base, 0o755)
    rundir = os.path.join(base, "run")
    os.makedirs(rundir, mode=0o700)
    os.chown(rundir, uid, gid)
    # the engine runs as that user: the prefix's one account
    wrapper = os.path.join(base, "as-user")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nexec setpriv --reuid=%d --regid=%d --clear-groups %s \"$@\"\n" %
                (uid, gid, os.path.abspath(binary)))
    os.chmod(wrapper, 0o755)
    port = free_port()
    # every trace the engine makes (its stderr, caught in a file): no password among them
    traces = os.path.join(base, "stderr.txt")
    saved = os.dup(2)
    fd = os.open(traces, os.O_WRONLY | os.O_CREAT, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    try:
        eng = Engine(wrapper, rundir, env=dict(os.environ, WINEDEBUG="+all"))
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    try:
        run(eng, port, name)
    finally:
        code = eng.shutdown()
        check(code == 0, "the engine stops cleanly, sanitizers silent (exit %r)" % code)
        log = open(traces, errors="replace").read()
        if os.path.exists(os.path.join(rundir, "engine.log")):
            log += open(os.path.join(rundir, "engine.log"), errors="replace").read()
        check("Basic logon of" in log, "the engine traced its logons")
        sys.stdout.write("".join(line + "\n" for line in log.splitlines() if "ERROR" in line or "Sanitizer" in line))
        check(PASSWORD not in log and base64.b64encode(PASSWORD.encode()).decode()[:16] not in log,
              "the password is not in the engine's log")
        shutil.rmtree(base, ignore_errors=True)
    return report()


def run(eng, port, name):
    eng.v2_serving("http://+:%d/" % port)
    st = eng.server_property(3, 9, SPROP_AUTH, 1)
    check(st and st[0] == 0, "Basic enabled on the group (%r)" % (st,))
    srv = Server(eng, port)

    # the right password: logged on, with a place for the driver's token
    got, took, s = exchange(srv, "/right", basic(name, PASSWORD))
    s.close()
    info = got and got[0]
    check(info and info[:3] == (SUCCESS, 0, 1),
          "right password: expected HttpAuthStatusSuccess, SecStatus 0, Basic; got %r" % (info and info[:3],))
    check(info and info[3] == 0 and info[4] == 0, "the engine leaves AccessToken and Flags to the driver (%r)" %
          (info and info[3:5],))
    check(info and info[5] == bytes(len(info[5])), "ContextAttributes, PackedContext, MutualAuthData, "
          "pPackageName: none for Basic")
    check(got and got[1] > 0, "the completion says where AccessToken goes (token_at %r)" % (got and got[1],))
    check(took < 1.5, "a right password is delivered without delay (%.2f s)" % took)

    # the name as Windows compares it, and with the local computer's domain
    host = socket.gethostname().split(".")[0]
    for user in (name.upper(), ".\\" + name, host.lower() + "\\" + name, host[:15].upper() + "\\" + name.upper()):
        got, took, s = exchange(srv, "/form", basic(user, PASSWORD))
        s.close()
        check(got and got[0][:3] == (SUCCESS, 0, 1), "user %r: expected success, got %r" %
              (user, got and got[0][:3]))

    # a wrong password: PAM's answer, after its delay
    got, took, s = exchange(srv, "/wrong", basic(name, PASSWORD + "x"))
    s.close()
    check(got and got[0][:3] == (FAILURE, SEC_E_LOGON_DENIED, 1),
          "wrong password: expected HttpAuthStatusFailure, SEC_E_LOGON_DENIED; got %r" % (got and got[0][:3],))
    check(got and got[1] == 0, "a failure gets no token (token_at %r)" % (got and got[1],))

    # other names fail at once, PAM is not asked
    for user, password in (("root", PASSWORD), ("nobody", PASSWORD), ("other\\" + name, PASSWORD),
                           (name + "@" + host, PASSWORD), (name, ""), ("", PASSWORD)):
        got, took, s = exchange(srv, "/other", basic(user, password))
        s.close()
        check(got and got[0][:3] == (FAILURE, SEC_E_LOGON_DENIED, 1),
              "user %r password %r: expected SEC_E_LOGON_DENIED, got %r" % (user, password, got and got[0][:3]))
        check(took < 0.5, "user %r password %r: answered without PAM's delay (%.2f s)" % (user, password, took))

    # malformed: as before
    got, took, s = exchange(srv, "/bad", "Basic !!!!")
    s.close()
    check(got and got[0][:3] == (FAILURE, SEC_E_INVALID_TOKEN, 1),
          "malformed: expected SEC_E_INVALID_TOKEN, got %r" % (got and got[0][:3],))

    # on one connection: the success is remembered (no second check), a failure is not
    got, took, s = exchange(srv, "/keep1", basic(name, PASSWORD))
    got2, took2, _ = exchange(srv, "/keep2", basic(name, PASSWORD), keep=s)
    check(got2 and got2[0][0] == SUCCESS and took2 < 0.5, "the same credentials again on the connection: "
          "success at once (%r, %.2f s)" % (got2 and got2[0][:3], took2))
    got3, took3, _ = exchange(srv, "/keep3", basic(name, "nope"), keep=s)
    check(got3 and got3[0][:2] == (FAILURE, SEC_E_LOGON_DENIED), "then a wrong password on it: failure (%r)" %
          (got3 and got3[0][:2],))
    got4, took4, _ = exchange(srv, "/keep4", basic(name, "nope"), keep=s)
    check(got4 and got4[0][:2] == (FAILURE, SEC_E_LOGON_DENIED) and took4 > 1.0,
          "the same wrong password again: checked again, with PAM's delay (%r, %.2f s)" % (got4 and got4[0][:2], took4))
    s.close()

    # many wrong passwords at once (more than the checks that may run): the
    # engine goes on serving others meanwhile, and answers them all
    many = [send(port, "/many%d" % i, basic(name, "wrong %d" % i)) for i in range(20)]
    time.sleep(0.3)
    t = time.time()
    plain = send(port, "/plain")
    op, done = srv.receive(5)
    first = auth_info(done) if done and done[0] == 0 else None
    check(first is not None and first[0] == NOT_AUTHENTICATED and time.time() - t < 1.0,
          "a request without credentials is delivered at once while 20 checks wait (%r, %.2f s)" %
          (first and first[:3], time.time() - t))
    if done and done[0] == 0:
        srv.answer(done)
    plain.recv(4096)
    plain.close()
    answered = 0
    deadline = time.time() + 40
    while answered < len(many) and time.time() < deadline:
        op, done = srv.receive(max(0.1, deadline - time.time()))
        if not done or done[0] != 0:
            break
        info = auth_info(done)
        if info and info[:2] == (FAILURE, SEC_E_LOGON_DENIED):
            answered += 1
        srv.answer(done)
    check(answered == len(many), "every one of the 20 wrong passwords is answered as a failure (%d)" % answered)
    for c in many:
        c.close()

    # a client that leaves during its check: nothing is delivered for it, the engine goes on
    for how in ("reset", "close"):
        c = send(port, "/gone-" + how, basic(name, "bad " + how))
        time.sleep(0.2)
        if how == "reset":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
    # PAM's delay passes; a half-closed client's complete request is still
    # delivered (as any request is), a reset one's never
    seen = []
    deadline = time.time() + 4
    while time.time() < deadline:
        op, done = srv.receive(0.5)
        if not done:
            eng.cancel(op)
            eng.wait(op, 2)
            continue
        if done[0] == 0:
            seen.append(Image(done[2], BASE).raw_url)
            srv.answer(done)
    check(b"/gone-reset" not in seen and seen in ([], [b"/gone-close"]),
          "of the clients that left mid-check only the half-closed one's request is delivered (%r)" % seen)
    got, took, s = exchange(srv, "/after", basic(name, PASSWORD))
    s.close()
    check(got and got[0][0] == SUCCESS, "after clients left mid-check, the next logon works (%r)" %
          (got and got[0][:3],))


if __name__ == "__main__":
    sys.exit(main())
