#!/usr/bin/env python3
"""The two replay programs (tests/replay/): the calls .NET's HttpListener and
ASP.NET Core's HttpSys server make, in their order, serving a small site.
Each runs in the prefix on an HTTP and an HTTPS port (a test certificate
imported with certutil and bound with netsh, as test_https.py does), and
curl and Python's sockets check every answer byte for byte: plain and TLS,
keep-alive, HTTP/1.0, a 1 MB POST with a length and a chunked one, a chunked
response, a header too big for the first receive buffer, a client that
leaves (the disconnect notification), a request the program cancels (curl
sees the connection reset), a client certificate asked for and absent, and
the shutdown sequence.

usage: test_replay.py PREFIX BUILD_DIR   (installs the build if the prefix lacks it)
Ends with "RESULT <passed> <failed>"."""

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, report  # noqa: E402
from pki import Pki  # noqa: E402
from winenv import Prefix, free_port, wait_port  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PASSWORD = "replay-Test-pfx"
APPID = "{3f6c2a1e-5b7d-4e19-8c0a-9d2e4f6a8b10}"


def winpath(path):
    return "Z:" + path.replace("/", "\\")


def curl(*args, timeout=30):
    """(exit code, body bytes, stderr text)"""
    try:
        p = subprocess.run(["curl", "-sS", "--max-time", "20"] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, b"", "timed out"
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def raw_request(port, data, timeout=15):
    """Sends bytes, reads until the server closes (or the timeout): the raw answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    got = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except OSError:
        pass
    s.close()
    return got


class Program:
    """A replay program running in the prefix, its output lines collected."""

    def __init__(self, pfx, exe, args):
        self.lines = []
        self.cond = threading.Condition()
        self.proc = pfx.start(exe, *args)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def wait_line(self, prefix, timeout=20, start=0):
        """The first line from index start that begins with prefix, or None."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for line in self.lines[start:]:
                    if line.startswith(prefix):
                        return line
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def mark(self):
        with self.cond:
            return len(self.lines)

    def problems(self):
        with self.cond:
            return [l for l in self.lines if l.startswith("ERROR") or l.startswith("UNEXPECTED")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass


class Site:
    """The certificates and the SSL bindings both programs use."""

    def __init__(self, pfx, tmp):
        self.pfx = pfx
        self.tmp = tmp
        self.pki = Pki(os.path.join(tmp, "pki"))
        self.leaf = self.pki.leaf("localhost", "localhost", dns=("localhost",), ips=("127.0.0.1", "::1"))
        self.client = self.pki.leaf("client", "Replay Client", client=True)
        self.ca = self.pki.root_pem
        self.bound = []

    def setup(self):
        pfx_file = os.path.join(self.tmp, "localhost.pfx")
        with open(pfx_file, "wb") as f:
            f.write(self.leaf.pfx(PASSWORD))
        rc, out = self.pfx.run("certutil", "-f", "-p", PASSWORD, "-importpfx", winpath(pfx_file), input=b"")
        return check(rc == 0 and "command completed successfully" in out, "certutil -importpfx (%d: %r)" % (rc, out))

    def bind(self, port):
        for ipport in ("0.0.0.0:%d" % port, "[::]:%d" % port):
            rc, out = self.pfx.run("netsh", "http", "add", "sslcert", "ipport=" + ipport,
                                   "certhash=" + self.leaf.hash_hex, "appid=" + APPID)
            if check(rc == 0 and "SSL Certificate successfully added" in out,
                     "netsh http add sslcert ipport=%s (%r)" % (ipport, out.strip())):
                self.bound.append(ipport)

    def teardown(self):
        for ipport in self.bound:
            self.pfx.run("netsh", "http", "delete", "sslcert", "ipport=" + ipport)
        for thumb in (self.leaf.hash_hex, hashlib.sha1(self.pki.inter_der).hexdigest()):
            self.pfx.run("certutil", "-delstore", "My", thumb, input=b"")


def header_of(head, name):
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().decode("latin-1").lower() == name.lower():
            return v.strip().decode("latin-1")
    return None


def split_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def dechunk(body):
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if not size:
            return out
        out, rest = out + rest[:size], rest[size + 2:]
    return None


def exercise(name, prog, http, https, site, hello, chunked_hello, tmp):
    base = "http://127.0.0.1:%d" % http
    sbase = "https://localhost:%d" % https

    # GET /: the body and how it is framed
    rc, out, err = curl("-i", base + "/")
    head, body = split_response(out)
    check(rc == 0 and head.startswith(b"HTTP/1.1 200 OK") and body == hello,
          "%s: GET / answers %r (%d %r %r)" % (name, hello, rc, out[:200], err))
    if chunked_hello:
        check(header_of(head, "Transfer-Encoding") == "chunked" and header_of(head, "Content-Length") is None,
              "%s: GET / is chunked, as WriteAsync without a length makes it (%r)" % (name, head))
    else:
        check(header_of(head, "Content-Length") == str(len(hello)),
              "%s: GET / carries Content-Length %d (%r)" % (name, len(hello), head))
    check(header_of(head, "Server") == "Microsoft-HTTPAPI/2.0" and header_of(head, "Content-Type") == "text/plain",
          "%s: Server and Content-Type headers (%r)" % (name, head))

    # keep-alive: two requests, one connection
    rc, out, err = curl("-w", "\n%{num_connects}", base + "/", base + "/echo?second")
    check(rc == 0 and out == hello + b"\n1" + b"second" + b"\n0",
          "%s: two requests on one keep-alive connection (%d %r)" % (name, rc, out))

    query = "a=1&b=%20x&c"
    rc, out, err = curl(base + "/echo?" + query)
    check(rc == 0 and out == query.encode(), "%s: /echo returns the query (%d %r)" % (name, rc, out))

    # 1 MB bodies: with a length and chunked, echoed as they are read
    blob = os.path.join(tmp, "body.bin")
    data = os.urandom(1 << 20)
    with open(blob, "wb") as f:
        f.write(data)
    for label, extra, path in (("Content-Length", [], "/upload"), ("Content-Length, read synchronously", [], "/upload?sync"),
                               ("chunked", ["-H", "Transfer-Encoding: chunked"], "/upload")):
        if "sync" in path and name != "HttpListener":
            continue
        rc, out, err = curl("-H", "Content-Type: application/octet-stream", "--data-binary", "@" + blob, *extra,
                            base + path)
        check(rc == 0 and out == data, "%s: a 1 MB POST (%s) comes back byte for byte (%d, %d bytes, %r)"
              % (name, label, rc, len(out), err))

    # a chunked response, sent piece by piece
    rc, out, err = curl("-i", "--raw", base + "/chunked")
    head, body = split_response(out)
    want = b"".join(b"piece %d of 5\n" % i for i in range(1, 6))
    check(rc == 0 and header_of(head, "Transfer-Encoding") == "chunked" and dechunk(body) == want,
          "%s: /chunked arrives in chunks, the pieces in order (%d %r)" % (name, rc, out[-200:]))

    # HTTP/1.0
    got = raw_request(http, b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n", timeout=10)
    head, body = split_response(got)
    if chunked_hello:
        ok = head.startswith(b"HTTP/1.1 200") and header_of(head, "Connection") == "close" and body == hello
        what = "answered, Connection: close, and closed"
    else:
        ok = head.startswith(b"HTTP/1.1 200") and header_of(head, "Keep-Alive") == "true" and body == hello
        what = "answered with Keep-Alive: true, as HttpListener adds for 1.0"
    check(ok, "%s: an HTTP/1.0 request is %s (%r)" % (name, what, got[:300]))

    # headers bigger than the 4 KB first buffer: ERROR_MORE_DATA, a bigger buffer
    mark = prog.mark()
    rc, out, err = curl("-H", "X-Big: " + "b" * 6000, base + "/echo?big")
    check(rc == 0 and out == b"big", "%s: a request with a 6 kB header (%d %r %r)" % (name, rc, out, err))
    rc, out, err = curl(base + "/echo?after-big")
    check(rc == 0 and out == b"after-big", "%s: the next request after it (%d %r)" % (name, rc, out))
    check(not prog.wait_line("UNEXPECTED", timeout=1, start=mark), "%s: no completion the framework does not expect "
          "after the big request" % name)

    # the client leaves a slow request: the disconnect notification fires
    mark = prog.mark()
    rc, out, err = curl("--max-time", "1", base + "/slow", timeout=15)
    check(rc == 28, "%s: curl gives up on /slow (%d %r)" % (name, rc, err))
    line = prog.wait_line("EVENT disconnect", timeout=15, start=mark)
    check(line is not None, "%s: the program sees the client go (%r)" % (name, prog.lines[mark:]))

    # the program cancels a started response: curl sees the reset
    mark = prog.mark()
    rc, out, err = curl(base + "/cancel")
    check(rc in (18, 56) and out == b"partial\n",
          "%s: /cancel: the first piece, then the connection is reset (%d %r %r)" % (name, rc, out, err))
    line = prog.wait_line("EVENT cancel", timeout=10, start=mark)
    check(line == "EVENT cancel 0", "%s: HttpCancelHttpRequest succeeds (%r)" % (name, line))
    rc, out, err = curl(base + "/echo?alive")
    check(rc == 0 and out == b"alive", "%s: the server goes on after the cancel (%d %r)" % (name, rc, out))

    # HTTPS
    rc, out, err = curl("--cacert", site.ca, sbase + "/")
    check(rc == 0 and out == hello, "%s: GET / over TLS (%d %r %r)" % (name, rc, out, err))
    rc, out, err = curl("--cacert", site.ca, "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + blob,
                        sbase + "/upload")
    check(rc == 0 and out == data, "%s: a 1 MB chunked POST over TLS (%d, %d bytes, %r)" % (name, rc, len(out), err))
    mark = prog.mark()
    rc, out, err = curl("--cacert", site.ca, sbase + "/cert")
    check(rc == 0 and out == b"cert: none\n", "%s: /cert without a client certificate (%d %r %r)" % (name, rc, out, err))
    check(prog.wait_line("EVENT cert none", timeout=10, start=mark) is not None,
          "%s: the program was told there is none (ERROR_NOT_FOUND)" % name)
    want = "cert: present sha1=%s " % site.client.hash_hex
    mark = prog.mark()
    rc, out, err = curl("--cacert", site.ca, "--tlsv1.2", "--tls-max", "1.2", "--cert", site.client.cert_pem,
                        "--key", site.client.key_pem, sbase + "/cert")
    check(rc == 0 and out.decode("latin-1").startswith(want),
          "%s: /cert with a client certificate, asked for by renegotiation (%d %r %r)" % (name, rc, out, err))
    check(prog.wait_line("EVENT cert present", timeout=10, start=mark) is not None,
          "%s: the program received the certificate" % name)

    # nothing failed along the way
    problems = prog.problems()
    check(not problems, "%s: no call failed unexpectedly (%r)" % (name, problems))

    # shutdown
    rc, out, err = curl(base + "/quit")
    check(rc == 0 and out == b"bye\n", "%s: /quit answered (%d %r)" % (name, rc, out))
    check(prog.wait_line("STOPPED", timeout=30) is not None, "%s: the shutdown sequence ran (%r)" % (name, prog.lines[-5:]))
    try:
        code = prog.proc.wait(30)
    except subprocess.TimeoutExpired:
        code = None
    check(code == 0, "%s: the program exits with 0 (%r)" % (name, code))
    check(not prog.problems(), "%s: the shutdown calls succeed (%r)" % (name, prog.problems()))
    rc, out, err = curl("-o", "/dev/null", "-w", "%{http_code}", base + "/")
    check(out != b"200", "%s: its URLs are gone after the shutdown (%d %r)" % (name, rc, out))


def ensure_installed(prefix, build):
    engine = os.path.join(prefix, "drive_c/windows/system32/httpsys/httpsys-engine")
    if os.path.exists(os.path.join(prefix, "system.reg")) and os.path.exists(engine):
        return True
    p = subprocess.run([os.path.join(ROOT, "tools", "install.sh"), prefix, build], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return check(p.returncode == 0, "install.sh %s (%s)" % (prefix, p.stdout.decode(errors="replace")[-300:]))


def start_service(pfx):
    for _ in range(10):
        rc, out = pfx.net("start")
        if rc == 0 or "already" in out:
            return True
        time.sleep(2)
    return False


def main():
    prefix, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    started = time.time()
    if not ensure_installed(prefix, build):
        return report()
    pfx = Prefix(prefix)
    check(start_service(pfx), "net start http")
    tmp = tempfile.mkdtemp(prefix="httpsys-replay-")
    site = Site(pfx, tmp)
    programs = (("HttpListener", "httplistener.exe", [], b"Hello from HttpListener\n", False),
                ("ASP.NET Core", "aspnetcore.exe", ["replay-aspnetcore"], b"Hello from ASP.NET Core\n", True))
    try:
        if site.setup():
            for name, exe, extra, hello, chunked in programs:
                http, https = free_port(), free_port()
                site.bind(https)
                prog = Program(pfx, os.path.join(build, "replay", exe), [str(http), str(https)] + extra)
                try:
                    ready = prog.wait_line("READY", timeout=60)
                    check(ready is not None and wait_port(http) and wait_port(https),
                          "%s: the program registers its prefixes (%r)" % (name, prog.lines))
                    if ready:
                        exercise(name, prog, http, https, site, hello, chunked, tmp)
                except Exception as e:
                    import traceback
                    traceback.print_exc()
                    check(False, "%s raised %r" % (name, e))
                finally:
                    prog.stop()
    finally:
        site.teardown()
        shutil.rmtree(tmp, ignore_errors=True)
    print("took %.0f s" % (time.time() - started), flush=True)
    return report()


if __name__ == "__main__":
    sys.exit(main())
