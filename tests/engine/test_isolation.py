#!/usr/bin/env python3
"""What other local users can reach of the engine, and what its files hold,
without Wine: the control channel (loopback TCP, open only to whoever can
read the secret in the ready file), the request queues' shared memory, the
run directory, the error and W3C logs.

usage: test_isolation.py ENGINE_BINARY WORKDIR
Run as root it makes a system user (HS_OTHER_USER, default httpsys-other)
and checks as that user that none of it can be read, opened or driven; as
anyone else that part is skipped (a line says so).  Prints one line per
failed check and "RESULT <passed> <failed>"."""

import base64
import json
import os
import pwd
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
from checks import check, report  # noqa: E402
from enginectl import Engine, Image, HDR, AUTH_MAGIC, PROTO_VERSION, IOCTL_SEND, free_port, wire_response  # noqa: E402
from enginectl import SPROP_LOGGING, ctl_code  # noqa: E402
from pki import Pki  # noqa: E402
from test_tls import ssl_line, client_context, Server, https_get  # noqa: E402

IOCTL_PKCS12 = ctl_code(0x90a)

# Runs as the other user: tries each way in and prints what happened, as JSON.
PROBE = r'''
import json, os, socket, struct, sys
rundir, ready, port, shm, pid, hdr_auth = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:-2], sys.argv[-2], sys.argv[-1]
out = {}
def attempt(name, fn):
    try:
        fn()
        out[name] = "allowed"
    except OSError as e:
        out[name] = e.__class__.__name__
attempt("list parent", lambda: os.listdir(os.path.dirname(rundir)))
attempt("list rundir", lambda: os.listdir(rundir))
attempt("read ready", lambda: open(ready).read())
attempt("open doorbell", lambda: os.close(os.open(os.path.join(rundir, "doorbell"), os.O_WRONLY | os.O_NONBLOCK)))
attempt("read engine.log", lambda: open(os.path.join(rundir, "engine.log")).read())
for i, p in enumerate(shm):
    attempt("read shm %d" % i, lambda: open(p, "rb").read(1))
    attempt("write shm %d" % i, lambda: os.close(os.open(p, os.O_RDWR)))
attempt("list engine fds", lambda: os.listdir("/proc/%s/fd" % pid))
attempt("read engine memory", lambda: open("/proc/%s/mem" % pid, "rb").read(1))
attempt("read engine environ", lambda: open("/proc/%s/environ" % pid, "rb").read())
# the control port is loopback TCP; without the secret it answers nothing
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.sendall(bytes.fromhex(hdr_auth) + b"\0" * 32)
    data = s.recv(100)
    out["control without the secret"] = "dropped" if not data else "answered %r" % data[:24]
except (ConnectionResetError, ConnectionRefusedError):
    out["control without the secret"] = "dropped"
except socket.timeout:
    out["control without the secret"] = "no answer"
print(json.dumps(out))
'''


def other_user():
    """(uid, gid) of an unprivileged user other than us, made if need be, or
    None where the machine does not allow it."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("HS_OTHER_USER", "httpsys-other")
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        r = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode:
            return None
        pw = pwd.getpwnam(name)
    if pw.pw_uid == 0:
        return None
    return pw.pw_uid, pw.pw_gid


def created_files(paths):
    """Every file and folder under the given paths (the paths included)."""
    out = []
    for p in paths:
        out.append(p)
        if os.path.isdir(p) and not os.path.islink(p):
            for root, dirs, files in os.walk(p):
                out += [os.path.join(root, n) for n in dirs + files]
    return out


def check_modes(paths, base):
    for p in paths:
        st = os.lstat(p)
        want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
        check(stat.S_IMODE(st.st_mode) == want and st.st_uid == os.getuid(),
              "%s is %o and ours (%o, uid %d)" % (os.path.relpath(p, base), want, stat.S_IMODE(st.st_mode), st.st_uid))


def engine_shm(pid):
    return sorted(os.path.join("/dev/shm", n) for n in os.listdir("/dev/shm") if n.startswith("httpsys-%d-" % pid))


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    pki = Pki(os.path.join(workdir, "pki"))
    leaf = pki.leaf("iso", "localhost", dns=["localhost"])
    ccs = pki.leaf("iso-ccs", "ccs.test", dns=["ccs.test"])
    password = b"pfx pass phrase 7"
    pfx = ccs.pfx(password.decode())

    # a base that everybody may enter (as /tmp), so that only the engine's own modes keep others out
    base = tempfile.mkdtemp(prefix="hs-iso-", dir=os.environ.get("TMPDIR", "/tmp"))
    os.chmod(base, 0o755)
    rundir = os.path.join(base, "run")
    errdir = os.path.join(base, "LogFiles")      # the engine makes it, and HTTPERR in it
    w3cdir = os.path.join(base, "w3c")
    os.makedirs(w3cdir)
    os.chmod(w3cdir, 0o700)
    port = free_port()
    # every trace the engine has (on its stderr, caught in a file), secrets must not be among them
    env = dict(os.environ, WINEDEBUG="+all")
    traces = os.path.join(base, "stderr.txt")
    saved = os.dup(2)
    fd = os.open(traces, os.O_WRONLY | os.O_CREAT, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    config = ssl_line("ip", "0.0.0.0:%d" % port, leaf) + ssl_line("ccs", "0.0.0.0:%d" % port, None) + \
        "timeout headerwait 1\n"
    eng = Engine(binary, rundir, ["ErrorLoggingDir:unix=" + errdir], env=env, config=config,
                 certs={leaf.thumbprint: leaf.material(), "ccs.test": ("pkcs12", pfx, password)})
    os.dup2(saved, 2)
    os.close(saved)
    secret = eng.secret
    srv = Server(eng, ["https://+:%d/" % port])

    # (a) the control channel and the run directory
    check(stat.S_IMODE(os.stat(rundir).st_mode) == 0o700, "the run directory is 0700")
    check(stat.S_IMODE(os.stat(os.path.join(rundir, "ready")).st_mode) == 0o600, "the ready file is 0600")
    auth = HDR.pack(HDR.size + 40, 1, 0, 0, 0) + struct.pack("<II", AUTH_MAGIC, PROTO_VERSION)
    try:   # with the driver in, the port is closed; before, a wrong secret is dropped (test_engine.py)
        s = socket.create_connection(("127.0.0.1", eng.port), timeout=3)
        s.sendall(auth + b"\0" * 32)
        got = s.recv(100)
        s.close()
    except OSError:
        got = b""
    check(got == b"", "a control connection without the secret gets nothing")

    # (b) the queue's shared memory
    shm = engine_shm(eng.pid)
    check(len(shm) == 1, "the queue has one shared memory file (%r)" % shm)
    for p in shm:
        st = os.stat(p)
        check(stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == os.getuid(),
              "%s is 0600 and ours (%o, uid %d)" % (p, stat.S_IMODE(st.st_mode), st.st_uid))

    # traffic that touches the keys and the logs: TLS with both certificates, a
    # PKCS#12 read, HTTPERR lines (a bad request, a HeaderWait cut), W3C lines
    ctx = client_context(pki)
    check(https_get(port, ctx, sni="localhost").get("status") == 200, "HTTPS with the store's certificate")
    check(https_get(port, ctx, sni="ccs.test").get("status") == 200, "HTTPS with the central store's (PKCS#12)")
    st, n, _ = eng.call(1, IOCTL_PKCS12, struct.pack("<I", len(password)) + password + pfx, 65536)
    check(st == 0 and n > 0, "a PFX is read for the driver (%r)" % st)
    plain = free_port()
    eng.v2_serving("http://+:%d/" % plain)
    w = w3cdir.encode()
    check(eng.server_property(3, 9, SPROP_LOGGING, 0,
                              data=struct.pack("<IIIIII", 2, 0x405 | 0x100 | 0x8, 1, 0xffffffff, 0, len(w)) + w)[0] == 0,
          "W3C logging on")
    op = eng.receive(2, 0, 0, 16384, 2, 0x7f0000000000)
    c = socket.create_connection(("127.0.0.1", plain), timeout=5)
    c.sendall(b"GET /logged HTTP/1.1\r\nHost: x\r\n\r\n")
    done = eng.wait(op, 3)
    if done and done[0] == 0:
        eng.call(2, IOCTL_SEND, wire_response(Image(done[2], 0x7f0000000000).request_id, body=b"ok",
                                              log=[b"u"] + [b""] * 11))
    c.recv(1000)
    c.close()
    c = socket.create_connection(("127.0.0.1", plain), timeout=5)
    c.sendall(b"GET / HTTP/1.1\r\nHost: bad^host\r\n\r\n")
    c.recv(1000)
    c.close()
    c = socket.create_connection(("127.0.0.1", plain), timeout=5)
    c.sendall(b"GET / HTTP/1.1\r\nHo")
    time.sleep(1.5)
    c.close()

    # (c) another local user
    who = other_user()
    python = "/usr/bin/python3"    # sys.executable may be in a home the other user cannot enter
    if who is not None and not os.access(python, os.X_OK):
        who = None
    if who is None:
        print("skip: no other local user to test as (needs root: useradd, then setuid)")
    else:
        uid, gid = who
        r = subprocess.run([python, "-c", PROBE, rundir, os.path.join(rundir, "ready"), str(eng.port)] + shm +
                           [str(eng.pid), auth.hex()], user=uid, group=gid, extra_groups=[],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30, cwd="/")
        try:
            got = json.loads(r.stdout)
        except ValueError:
            got = {}
            print("the probe as uid %d failed: %s" % (uid, r.stderr.decode(errors="replace")[-500:]))
        print("as uid %d: %s" % (uid, ", ".join("%s: %s" % kv for kv in sorted(got.items()))))
        check(got.get("list parent") == "allowed", "as another user: the folder above the run directory is open (%r)" %
              got.get("list parent"))
        for what in ("list rundir", "read ready", "open doorbell", "read engine.log", "list engine fds",
                     "read engine memory", "read engine environ"):
            check(got.get(what) == "PermissionError", "as another user: %s is refused (%r)" % (what, got.get(what)))
        for i in range(len(shm)):
            for what in ("read shm %d" % i, "write shm %d" % i):
                check(got.get(what) == "PermissionError", "as another user: %s is refused (%r)" % (what, got.get(what)))
        check(got.get("control without the secret") == "dropped",
              "as another user: the control channel without the secret is dropped (%r)" %
              got.get("control without the secret"))

    made_running = created_files([rundir, errdir]) + shm
    check_modes(made_running, base)
    srv.stop = True
    pid = eng.pid
    eng.shutdown()
    check(engine_shm(pid) == [], "the shared memory is gone after the engine (%r)" % engine_shm(pid))

    # (d) no secret and no key material in anything the service wrote
    files = [p for p in created_files([rundir, errdir, w3cdir]) if os.path.isfile(p)] + [traces]
    written = {p: open(p, "rb").read() for p in files}
    check(any(b"HTTPERR" in p.encode() for p in files) and any(p.startswith(w3cdir + "/") for p in files),
          "HTTPERR and W3C files were written (%r)" % [os.path.relpath(p, base) for p in files])
    check(written[traces].count(b"trace:") > 20, "the engine traced (%d lines)" % written[traces].count(b"trace:"))
    needles = {"the secret (hex)": secret.hex().encode(), "the secret (bytes)": secret,
               "the PFX password": password, "a PEM private key": b"PRIVATE KEY"}
    for name, key in (("store key", leaf.key_pkcs8), ("PFX key", open(ccs.key_pem.replace(".key", ".p8"), "rb").read())):
        # the last 48 bytes of a PKCS#8 RSA key are inside its private parts (the CRT coefficient)
        part = key[-48:]
        needles[name + " bytes"] = part
        needles[name + " hex"] = part.hex().encode()
        needles[name + " base64"] = base64.b64encode(part[:45])
    ready_path = os.path.join(rundir, "ready")
    for name, needle in needles.items():
        hits = [os.path.relpath(p, base) for p, d in written.items() if needle in d and p != ready_path]
        check(not hits, "%s appears in no file the service wrote (%r)" % (name, hits))
    check(not os.path.exists(ready_path), "the ready file (the secret) is removed on exit")

    # (e) the modes of everything the service made, now and while it ran
    made = created_files([rundir, errdir]) + [p for p in created_files([w3cdir]) if p != w3cdir]
    check_modes(made + [p for p in made_running if os.path.exists(p) and p not in made], base)
    made = sorted(set(made) | set(made_running))
    print("isolation: %d files and folders made by the service checked (%s); %d files (%d bytes) searched for %d "
          "secrets" % (len(made), ", ".join(os.path.relpath(p, base) for p in made), len(files),
                       sum(len(d) for d in written.values()), len(needles)))
    shutil.rmtree(base, ignore_errors=True)
    return report()


if __name__ == "__main__":
    sys.exit(main())
