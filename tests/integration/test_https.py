#!/usr/bin/env python3
"""HTTPS end to end in a real Wine prefix, set up the way a Windows
administrator does it: a test CA and a server certificate for localhost made
with openssl, the PFX imported with certutil -importpfx, the port bound with
netsh http add sslcert (0.0.0.0 and [::]), and the example server on
https://+:PORT/.  Then the clients a site meets: curl (TLS 1.2 and 1.3),
openssl s_client (the chain, the versions and the ciphers it must refuse),
Python's ssl module (hostname checks, session resumption, keep-alive, a
large POST) and a headless Chromium.

usage: test_https.py PREFIX BUILD_DIR   (the prefix has the build installed)
Ends with "RESULT <passed> <failed>"."""

import base64
import hashlib
import http.client
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, report  # noqa: E402
from pki import Pki  # noqa: E402
from winenv import Prefix, free_port, wait_port  # noqa: E402

PASSWORD = "https-Test-pfx"
APPID = "{6b1d3c2e-47a0-4c55-9a8e-2f1e0d7c9b31}"
HELLO = b"Hello, World!"


def winpath(path):
    return "Z:" + path.replace("/", "\\")


def run(args, timeout=30, env=None, input=b""):
    """(exit code, stdout, stderr) as text; a command that hangs counts as failed."""
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env,
                           input=input)
    except subprocess.TimeoutExpired:
        return -1, "", "timed out"
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


class Site:
    """The certificates, the bound port and the running example server."""

    def __init__(self, pfx, build, tmp):
        self.pfx = pfx
        self.build = build
        self.tmp = tmp
        self.port = free_port()
        self.pki = Pki(os.path.join(tmp, "pki"))
        self.leaf = self.pki.leaf("localhost", "localhost", dns=("localhost",), ips=("127.0.0.1", "::1"))
        self.ca = self.pki.root_pem
        self.hash = self.leaf.hash_hex
        self.server = None
        self.bound = []

    def url(self, host="localhost", path="/"):
        return "https://%s:%d%s" % (host, self.port, path)

    def start_service(self):
        # Right after a prefix is made, Wine's services.exe keeps its
        # database locked for a while; "already running" is as good.
        for _ in range(10):
            rc, out = self.pfx.net("start")
            if rc == 0 or "already" in out:
                return True
            time.sleep(2)
        return False

    def setup(self):
        check(self.start_service(), "net start http")
        pfx_file = os.path.join(self.tmp, "localhost.pfx")
        with open(pfx_file, "wb") as f:
            f.write(self.leaf.pfx(PASSWORD))
        rc, out = self.pfx.run("certutil", "-f", "-p", PASSWORD, "-importpfx", winpath(pfx_file), input=b"")
        check(rc == 0 and "command completed successfully" in out, "certutil -importpfx imports the PFX (%d: %r)" % (rc, out))
        rc, out = self.pfx.run("certutil", "-store", "My", self.hash, input=b"")
        check(rc == 0 and ("Cert Hash(sha1): " + self.hash) in out, "certutil -store My shows the certificate")
        for ipport in ("0.0.0.0:%d" % self.port, "[::]:%d" % self.port):
            rc, out = self.pfx.run("netsh", "http", "add", "sslcert", "ipport=" + ipport, "certhash=" + self.hash,
                                   "appid=" + APPID)
            if check(rc == 0 and "SSL Certificate successfully added" in out,
                     "netsh http add sslcert ipport=%s (%d: %r)" % (ipport, rc, out.strip())):
                self.bound.append(ipport)
        rc, out = self.pfx.run("netsh", "http", "show", "sslcert", "ipport=0.0.0.0:%d" % self.port)
        check(rc == 0 and self.hash in out and APPID in out, "netsh http show sslcert lists the binding")
        self.server = self.pfx.start(os.path.join(self.build, "examples", "hello.exe"), "https://+:%d/" % self.port)
        line = self.server.stdout.readline().decode(errors="replace").strip()
        check(line == "Serving https://+:%d/" % self.port, "hello.exe registers https://+:%d/ (%r)" % (self.port, line))
        return check(wait_port(self.port), "the https port listens")

    def teardown(self):
        if self.server and self.server.poll() is None:
            self.server.kill()
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                pass
        for ipport in self.bound:
            self.pfx.run("netsh", "http", "delete", "sslcert", "ipport=" + ipport)
        # certutil -importpfx puts the PFX's chain into My too, as on Windows
        for thumb in (self.hash, hashlib.sha1(self.pki.inter_der).hexdigest()):
            self.pfx.run("certutil", "-delstore", "My", thumb, input=b"")


# --- curl -------------------------------------------------------------------

def test_curl(site):
    for flag, name in (("--tlsv1.2", "TLSv1.2"), ("--tlsv1.3", "TLSv1.3")):
        args = ["curl", "-sS", "-v", "--max-time", "15", "--cacert", site.ca, flag, "--tls-max", name[4:].replace("v", ""),
                site.url(path="/curl")]
        rc, out, err = run(args)
        check(rc == 0 and out.encode() == HELLO and ("SSL connection using %s" % name) in err,
              "curl %s with --cacert: %s and Hello, World! (%d, %r, %s)"
              % (flag, name, rc, out, [l for l in err.splitlines() if "SSL" in l][:3]))
    rc, out, err = run(["curl", "-sS", "--max-time", "15", "--cacert", site.ca, "-6", site.url("[::1]")])
    check(rc == 0 and out.encode() == HELLO, "curl over IPv6 (the [::] binding, IP:::1 in the certificate) (%d %r)"
          % (rc, err.strip()))
    body = os.path.join(site.tmp, "post.bin")
    with open(body, "wb") as f:
        f.write(bytes(range(256)) * 390 + b"x" * 160)   # 100,000 bytes
    rc, out, err = run(["curl", "-sS", "--max-time", "30", "--cacert", site.ca, "--data-binary", "@" + body,
                        "-H", "Content-Type: application/octet-stream", site.url(path="/upload")])
    check(rc == 0 and out.encode() == HELLO, "a 100 kB POST over TLS (%d %r)" % (rc, err.strip()))


# --- openssl s_client ------------------------------------------------------

def s_client(site, *args, env=None):
    rc, out, err = run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % site.port, "-servername", "localhost"]
                       + list(args), timeout=20, env=env)
    return rc, out + err


def legacy_env(site):
    """Debian's openssl.cnf forbids the client anything below TLS 1.2 and
    SECLEVEL 2: without it the client offers what we ask, and the refusal
    seen is the server's."""
    conf = os.path.join(site.tmp, "openssl-legacy.cnf")
    with open(conf, "w") as f:
        f.write("# empty: OpenSSL's built-in defaults\n")
    return dict(os.environ, OPENSSL_CONF=conf)


def client_cannot(text):
    """True if s_client gave up before sending anything the server could refuse."""
    return any(s in text for s in ("no protocols available", "no cipher match", "no ciphers available",
                                   "unknown option", "Unknown option", "bad cipher"))


def handshake_done(text):
    return "Cipher is (NONE)" not in text and "New, TLS" in text


def test_s_client(site):
    rc, out = s_client(site, "-CAfile", site.ca, "-verify_return_error", "-showcerts")
    check(rc == 0 and "Verify return code: 0 (ok)" in out,
          "s_client verifies the chain against the test root alone (%s)" % [l for l in out.splitlines() if "erif" in l][:2])
    chain = [l.strip() for l in out.splitlines() if l.strip()[:4] in ("0 s:", "1 s:", "2 s:")]
    check(bool(chain) and chain[0].startswith("0 s:") and "CN = localhost" in chain[0],
          "the server certificate's subject is CN=localhost (%r)" % chain[:1])
    check(len(chain) >= 2 and "CN = httpsys Test Intermediate CA" in chain[1],
          "the intermediate CA from the PFX is sent with it (%r)" % chain)
    sent = subprocess.run(["openssl", "x509", "-outform", "DER"], input=out.encode(), stdout=subprocess.PIPE).stdout
    check(sent == site.leaf.cert_der, "the certificate served is the one imported")
    for flag, name in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        rc, out = s_client(site, "-CAfile", site.ca, flag)
        check(rc == 0 and ("New, %s, Cipher is" % name) in out,
              "s_client %s negotiates %s (%r)" % (flag, name, [l for l in out.splitlines() if "New," in l]))
    rc, out = s_client(site, "-CAfile", site.ca)
    check(rc == 0 and "New, TLSv1.3, Cipher is" in out, "a client offering everything gets TLS 1.3")
    rc, out = s_client(site, "-CAfile", site.ca, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
    check(rc == 0 and "Cipher is ECDHE-RSA-AES128-GCM-SHA256" in out, "an AES-GCM suite is accepted under TLS 1.2")

    env = legacy_env(site)
    for name, flag, version in (("SSL 3.0", "-ssl3", 0x0300), ("TLS 1.0", "-tls1", 0x0301), ("TLS 1.1", "-tls1_1", 0x0302)):
        rc, out = s_client(site, flag, "-cipher", "DEFAULT:@SECLEVEL=0", env=env)
        if not client_cannot(out):
            check(not handshake_done(out) and rc != 0, "%s is refused (openssl s_client %s: %s)"
                  % (name, flag, [l for l in out.splitlines() if "alert" in l or "error" in l][:1]))
        else:
            got = raw_hello(site.port, version, SUITES_MODERN + SUITES_LEGACY_CBC)
            check(refusal(got), "%s is refused (a hand-made %s ClientHello: this openssl cannot send one; got %r)"
                  % (name, name, got))
    for name, cipher, suites in (("RC4", "RC4", SUITES_RC4), ("3DES", "3DES", SUITES_3DES), ("NULL", "eNULL", SUITES_NULL)):
        rc, out = s_client(site, "-tls1_2", "-cipher", cipher + ":@SECLEVEL=0", env=env)
        if not client_cannot(out):
            check(not handshake_done(out) and rc != 0, "%s ciphers are refused (openssl s_client -cipher %s: %s)"
                  % (name, cipher, [l for l in out.splitlines() if "alert" in l or "error" in l][:1]))
        else:
            got = raw_hello(site.port, 0x0303, suites)
            check(refusal(got), "%s ciphers are refused (a hand-made ClientHello offering only them: this "
                  "openssl has none; got %r)" % (name, got))


# A ClientHello written by hand, for what this machine's OpenSSL will not
# offer (SSL 3.0, RC4 and 3DES are compiled out of Debian's): the answer is a
# ServerHello, an alert, or the connection closing.
SUITES_MODERN = [0xC02F, 0xC030, 0x009E, 0x009F]                 # (EC)DHE-RSA-AES-GCM
SUITES_LEGACY_CBC = [0xC013, 0xC014, 0x002F, 0x0035]             # what TLS 1.0 clients offer
SUITES_RC4 = [0x0004, 0x0005, 0xC011, 0xC007]
SUITES_3DES = [0x000A, 0x0016, 0xC012, 0xC008]
SUITES_NULL = [0x0001, 0x0002, 0x003B, 0xC010, 0xC006]


def _ext(kind, data):
    return struct.pack(">HH", kind, len(data)) + data


def client_hello(version, suites, host="localhost"):
    name = host.encode()
    exts = _ext(0, struct.pack(">HBH", len(name) + 3, 0, len(name)) + name)
    exts += _ext(10, struct.pack(">H", 6) + struct.pack(">HHH", 0x001D, 0x0017, 0x0018))
    exts += _ext(11, b"\x01\x00")
    if version >= 0x0303:
        algs = [0x0401, 0x0804, 0x0501, 0x0805, 0x0601, 0x0806, 0x0403, 0x0201]
        exts += _ext(13, struct.pack(">H", 2 * len(algs)) + b"".join(struct.pack(">H", a) for a in algs))
    cs = b"".join(struct.pack(">H", s) for s in suites + [0x00FF])
    body = struct.pack(">H", version) + os.urandom(32) + b"\x00" + struct.pack(">H", len(cs)) + cs + b"\x01\x00"
    body += struct.pack(">H", len(exts)) + exts
    handshake = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16" + struct.pack(">HH", min(version, 0x0301), len(handshake)) + handshake


def raw_hello(port, version, suites):
    """('hello', version, suite) | ('alert', description) | ('closed', detail)"""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError as e:
        return ("closed", "connect: %s" % e)
    try:
        s.sendall(client_hello(version, suites))
        data = b""
        while not (data[:1] == b"\x15" and len(data) >= 7) and not (len(data) >= 44 and len(data) >= 47 + data[43]):
            d = s.recv(4096)
            if not d:
                break
            data += d
    except OSError as e:
        return ("closed", str(e))
    finally:
        s.close()
    if len(data) >= 7 and data[0] == 0x15:
        return ("alert", data[6])
    if len(data) >= 11 and data[0] == 0x16 and data[5] == 0x02:
        hello = data[9:]
        # version, random, session id, then the chosen suite
        if len(hello) >= 35 and len(hello) >= 35 + hello[34] + 2:
            at = 35 + hello[34]
            return ("hello", struct.unpack(">H", hello[0:2])[0], struct.unpack(">H", hello[at:at + 2])[0])
        return ("hello", struct.unpack(">H", hello[0:2])[0], None)
    return ("closed", data[:16].hex())


def refusal(got):
    """A refusal is handshake_failure, protocol_version or the connection
    closing; any other alert (decode_error, ...) means the hello was bad."""
    return got[0] == "closed" or got == ("alert", 40) or got == ("alert", 70)


def test_raw_hello(site):
    """The hand-made ClientHello is trusted to find refusals only if it gets
    a ServerHello for what the server does speak."""
    got = raw_hello(site.port, 0x0303, SUITES_MODERN)
    check(got[0] == "hello" and got[1] == 0x0303 and got[2] in SUITES_MODERN,
          "a hand-made TLS 1.2 ClientHello with AES-GCM gets a TLS 1.2 ServerHello (%r)" % (got,))


# --- Python's ssl module ---------------------------------------------------

def context(site, version=None):
    ctx = ssl.create_default_context(cafile=site.ca)
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    return ctx


def get(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read()


def fetch_once(site, ctx, path, session=None):
    """One GET on a connection of its own: (status, body, session, reused)."""
    raw = socket.create_connection(("127.0.0.1", site.port), timeout=10)
    s = ctx.wrap_socket(raw, server_hostname="localhost", session=session)
    try:
        s.sendall(("GET %s HTTP/1.1\r\nHost: localhost:%d\r\n\r\n" % (path, site.port)).encode())
        r = http.client.HTTPResponse(s)
        r.begin()
        body = r.read()
        return r.status, body, s.session, s.session_reused
    finally:
        s.close()


def test_python(site):
    ctx = context(site)
    try:
        with socket.create_connection(("127.0.0.1", site.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                cert = s.getpeercert()
                cn = [v for rdn in cert.get("subject", ()) for k, v in rdn if k == "commonName"]
                ok = cn == ["localhost"]
    except (OSError, ssl.SSLError) as e:
        ok, cn = False, e
    check(ok, "Python ssl: SNI localhost, the chain and the host name verify (%r)" % (cn,))
    try:
        with socket.create_connection(("127.0.0.1", site.port), timeout=10) as raw:
            with ctx.wrap_socket(raw, server_hostname="not-localhost.example"):
                pass
        err = None
    except ssl.SSLCertVerificationError as e:
        err = e
    except (OSError, ssl.SSLError) as e:
        err = "wrong error %r" % e
    check(isinstance(err, ssl.SSLCertVerificationError) and "mismatch" in str(err),
          "Python ssl: a name the certificate does not carry fails verification (%r)" % (err,))

    # Resumption: the response is read by its Content-Length and the client
    # closes first, so the session is not spoilt by an EOF without
    # close_notify (the service sends none, as Windows does by default).
    for version, name in ((ssl.TLSVersion.TLSv1_2, "TLS 1.2 (session id)"), (ssl.TLSVersion.TLSv1_3, "TLS 1.3 (ticket)")):
        ctx = context(site, version)
        got = []
        session = None
        try:
            for i in range(2):
                status, body, session, reused = fetch_once(site, ctx, "/resume%d" % i, session)
                got.append((status, body == HELLO, reused))
        except (OSError, ssl.SSLError, http.client.HTTPException) as e:
            got.append(repr(e))
        check(got == [(200, True, False), (200, True, True)],
              "Python ssl: the second connection resumes the first one's session, %s (%r)" % (name, got))

    c = http.client.HTTPSConnection("localhost", site.port, context=context(site), timeout=10)
    try:
        c.connect()
        sock = c.sock
        answers = [get(c, "/keepalive/%d" % i) for i in range(5)]
        same = c.sock is sock
    except (OSError, ssl.SSLError, http.client.HTTPException) as e:
        answers, same = repr(e), False
    finally:
        c.close()
    check(same and answers == [(200, HELLO)] * 5,
          "five keep-alive requests on one TLS connection (%r)" % (answers,))


# --- Chromium --------------------------------------------------------------

def spki_sha256(site):
    pub = subprocess.run(["openssl", "x509", "-in", site.leaf.cert_pem, "-noout", "-pubkey"], stdout=subprocess.PIPE).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub, stdout=subprocess.PIPE).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def test_chromium(site):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("skip: chromium is not installed (tools/deps.sh test installs it): no browser check", flush=True)
        return
    home = os.path.join(site.tmp, "chromium-home")
    os.makedirs(home)
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + os.path.join(home, "profile")]
    # Trusting the test root in an NSS database (what Chromium on Linux
    # reads) makes the browser check the chain and the name as for any
    # site; pinning the server's key only skips that, so it is the fallback.
    nss = shutil.which("certutil")
    how = "the test root trusted in an NSS database"
    if nss:
        db = "sql:" + os.path.join(home, ".pki", "nssdb")
        os.makedirs(os.path.join(home, ".pki", "nssdb"))
        ok = run([nss, "-N", "-d", db, "--empty-password"])[0] == 0 and \
            run([nss, "-A", "-d", db, "-t", "C,,", "-n", "httpsys test root", "-i", site.ca])[0] == 0
        if not ok:
            nss = None
    if not nss:
        how = "the server key pinned with --ignore-certificate-errors-spki-list"
        args.append("--ignore-certificate-errors-spki-list=" + spki_sha256(site))
    env = dict(os.environ, HOME=home)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    rc, out, err = run(args + ["--dump-dom", site.url(path="/chromium")], timeout=60, env=env)
    check("Hello, World!" in out, "headless Chromium loads the page (%s) (%d, %r)" % (how, rc, out[:200] or err[-300:]))


# --- client certificates ----------------------------------------------------

def test_client_certificate(site):
    """clientcertnegotiation=enable: the certificate is asked for in the
    handshake and its chain checked by the driver in the prefix (a request
    waits for that answer, so a missing answer would time curl out)."""
    ipport = "0.0.0.0:%d" % site.port
    rc, out = site.pfx.run("netsh", "http", "update", "sslcert", "ipport=" + ipport, "certhash=" + site.hash,
                           "appid=" + APPID, "clientcertnegotiation=enable")
    check(rc == 0 and "successfully updated" in out, "netsh http update sslcert clientcertnegotiation=enable (%r)"
          % out.strip())
    client = site.pki.leaf("client", "Test Client", client=True)
    rc, out, err = run(["curl", "-sS", "--max-time", "15", "--cacert", site.ca, "--cert", client.cert_pem,
                        "--key", client.key_pem, site.url(path="/client")])
    check(rc == 0 and out.encode() == HELLO, "curl with a client certificate is answered (%d %r)" % (rc, err.strip()))
    rc, out, err = run(["curl", "-sS", "--max-time", "15", "--cacert", site.ca, site.url(path="/noclient")])
    check(rc == 0 and out.encode() == HELLO, "and a client without one too (%d %r)" % (rc, err.strip()))
    rc, out = site.pfx.run("netsh", "http", "update", "sslcert", "ipport=" + ipport, "certhash=" + site.hash,
                           "appid=" + APPID, "clientcertnegotiation=disable")
    check(rc == 0, "the binding back without client certificates")


def main():
    prefix, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pfx = Prefix(prefix)
    started = time.time()
    tmp = tempfile.mkdtemp(prefix="httpsys-https-")
    site = Site(pfx, build, tmp)
    try:
        if site.setup():
            for test in (test_curl, test_s_client, test_raw_hello, test_python, test_client_certificate, test_chromium):
                try:
                    test(site)
                except Exception as e:
                    import traceback
                    traceback.print_exc()
                    check(False, "%s raised %r" % (test.__name__, e))
    finally:
        site.teardown()
        shutil.rmtree(tmp, ignore_errors=True)
    print("took %.0f s" % (time.time() - started), flush=True)
    return report()


if __name__ == "__main__":
    sys.exit(main())
