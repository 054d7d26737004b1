#!/usr/bin/env python3
"""HTTPS in the engine, without Wine: this script plays the driver (and its
certificate store) on the control channel, and real TLS clients (Python's ssl
module, openssl s_client) on the https ports.

usage: test_tls.py ENGINE_BINARY WORKDIR
Prints one line per failed check and ends with "RESULT <passed> <failed>"."""

import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from enginectl import Engine, Image, status_of, free_port, wire_response, IOCTL_SEND, ctl_code  # noqa: E402
from pki import Pki  # noqa: E402

BASE = 0x7f0000000000
IOCTL_REQUEST_PROPERTY = ctl_code(0x90b)
IOCTL_CLIENT_CERT = ctl_code(0x90c)
FLAG_NEGOTIATE_CLIENT_CERT, FLAG_REJECT, FLAG_DISABLE_TLS13 = 0x2, 0x8, 0x40
FLAG_ENABLE_SESSION_TICKET, FLAG_DISABLE_TLS12, FLAG_DISABLE_SESSION_ID = 0x800, 0x1000, 0x4000
FLAG_CACHE_CLIENT_HELLO = 0x8000
IOCTL_SERVICE_STATE = ctl_code(0x906)


def ssl_line(kind, subject, leaf, flags=0, store="MY", checkmode=0, freshness=0, urltimeout=0):
    return "ssl %s %s hash=%s store=%s flags=%d checkmode=%d freshness=%d urltimeout=%d\n" % (
        kind, subject, leaf.hash_hex if leaf else "00" * 20, store, flags, checkmode, freshness, urltimeout)


def client_context(pki, minimum=None, maximum=None, cert=None, tickets=True, pha=False):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.post_handshake_auth = pha
    ctx.load_verify_locations(pki.root_pem)
    ctx.check_hostname = False
    if minimum:
        ctx.minimum_version = minimum
    if maximum:
        ctx.maximum_version = maximum
    if cert:
        ctx.load_cert_chain(cert.cert_pem, cert.key_pem)
    if not tickets:
        ctx.options |= ssl.OP_NO_TICKET
    return ctx


class Server:
    """A queue on the engine with https prefixes; answers each request with
    its path from a thread, so that blocking clients can be used freely."""

    def __init__(self, eng, urls, file=1, image=1):
        self.eng, self.file, self.image = eng, file, image
        self.images = []
        self.on_request = None       # called with each image before the answer
        self.respond = None          # image -> wire response, instead of "hello <url>"
        eng.open(file)
        eng.set_queue(file, image)
        self.add_results = [eng.add_url(file, u)[0] for u in urls]
        self.stop = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop:
            op = self.eng.receive(self.file, 0, 0, 16384, self.image, BASE)
            res = self.eng.wait(op, 3600)
            if res is None or res[0] != 0 or self.stop:
                return
            img = Image(res[2], BASE)
            self.images.append(img)
            if self.on_request:
                self.on_request(img)
            body = b"hello " + img.raw_url
            r = self.respond(img) if self.respond else wire_response(img.request_id, body=body)
            self.eng.call(self.file, IOCTL_SEND, r)


def https_get(port, ctx, sni=None, path="/", session=None, close="keep", ragged=False):
    """One GET over a new connection.  Returns a dict: status, body, version,
    cert (DER of the server certificate), reused, session, eof (how the
    server ended the connection: 'close_notify', 'ragged' or None), error."""
    out = {"status": None, "body": b"", "error": None, "eof": None, "reused": False, "session": None}
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        s = ctx.wrap_socket(raw, server_hostname=sni, session=session, suppress_ragged_eofs=False)
    except (ssl.SSLError, OSError) as e:
        raw.close()
        out["error"] = e
        return out
    out["version"] = s.version()
    out["cert"] = s.getpeercert(binary_form=True)
    out["cipher"] = s.cipher()
    try:
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: h\r\n" +
                  (b"Connection: close\r\n" if close == "server" else b"") + b"\r\n")
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < int(
                [l for l in data.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1]):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, body = data.split(b"\r\n\r\n", 1)
        out["status"] = int(head.split()[1])
        out["body"] = body
        out["reused"] = s.session_reused
        if close == "server":
            try:
                out["eof"] = "close_notify" if s.recv(100) == b"" else "data"
            except ssl.SSLEOFError:
                out["eof"] = "ragged"
            except (ssl.SSLError, OSError) as e:
                out["eof"] = repr(e)
        out["session"] = s.session
        if close == "client" and not ragged:
            try:
                s.unwrap()      # close_notify, and wait for the server's
            except (ssl.SSLError, OSError):
                pass
    except (ssl.SSLError, OSError, IndexError, ValueError) as e:
        out["error"] = e
    finally:
        s.close()
    return out


def s_client(port, args, stdin_text, delay=1.0):
    """Runs openssl s_client with the given arguments and feeds it text;
    returns its exit code and everything it printed."""
    p = subprocess.Popen(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port] + args,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()), daemon=True)
    reader.start()
    try:
        for i, chunk in enumerate(stdin_text):
            time.sleep(0.3 if i else 1.0)   # s_client reads its commands once the handshake is done
            p.stdin.write(chunk)
            p.stdin.flush()
        time.sleep(delay)
        p.stdin.close()
    except (BrokenPipeError, ValueError):
        pass
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    reader.join(5)
    return p.returncode, (out[0] if out else b"")


def start(binary, workdir, name, port, config, certs, params=(), urls=None, image=1):
    eng = Engine(binary, os.path.join(workdir, name), params, config=config, certs=certs)
    srv = Server(eng, urls or ["https://+:%d/" % port], image=image)
    return eng, srv


def finish(eng, srv):
    srv.stop = True
    eng.shutdown()


def test_basics(binary, workdir, pki):
    rsa = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    port = free_port()
    eng, srv = start(binary, workdir, "basics", port, ssl_line("ip", "0.0.0.0:%d" % port, rsa),
                     {rsa.thumbprint: rsa.material()})
    check(srv.add_results == [0], "an https prefix registers")
    check(eng.add_url(1, "http://+:%d/x/" % port)[0] == status_of(183),
          "http on an https port: ERROR_ALREADY_EXISTS")
    ctx = client_context(pki)
    ctx.check_hostname = True
    props = {}

    def query(img):
        for prop, size in ((4, 516), (14, 680), (2, 100), (1, 100)):
            props[prop] = eng.call(1, IOCTL_REQUEST_PROPERTY, struct.pack("<QII", img.request_id, prop, 0), size)
        props["small"] = eng.call(1, IOCTL_REQUEST_PROPERTY, struct.pack("<QII", img.request_id, 4, 0), 10)
    srv.on_request = query
    r = https_get(port, ctx, sni="localhost", path="/a?b")
    srv.on_request = None
    st, info, data = props.get(4) or (None, 0, b"")
    check(st == 0 and info == 516 and data[:18].decode("utf-16-le") == "localhost" and
          struct.unpack_from("<I", data, 512)[0] == 1, "property Sni: the host name and SNI_USED")
    st, info, data = props.get(14) or (None, 0, b"")
    check(st == 0 and info == 680 and struct.unpack_from("<4I", data) == (1, 0x0304, 0x1302, 0x1302),
          "property TlsCipherInfo: version 1, TLS 1.3, TLS_AES_256_GCM_SHA384 (%r)" % (data[:16],))
    check(data[16:60].decode("utf-16-le").rstrip("\0") == "TLS_AES_256_GCM_SHA384", "the suite's name")
    check(data[144:150].decode("utf-16-le") == "AES" and struct.unpack_from("<I", data, 272)[0] == 256,
          "cipher AES, 256 bits")
    check(data[548:554].decode("utf-16-le") == "RSA", "certificate RSA")
    st, info, _ = props.get("small") or (None, 0, b"")
    check(st == status_of(234) and info == 516, "a small buffer: ERROR_MORE_DATA with the size (%r)" % (st,))
    st, _, _ = props.get(2) or (None, 0, b"")
    check(st == status_of(1), "a property no TLS-over-TCP request has (QuicStats): ERROR_INVALID_FUNCTION")
    st, info, data = props.get(1) or (None, 0, b"")
    check(st == 0 and info == 88 and struct.unpack_from("<I", data)[0] == 4,
          "TcpInfoV0 of a TLS connection: 88 bytes, ESTABLISHED (%r %r)" % (st, info))
    r = https_get(port, ctx, sni="localhost", path="/a?b")
    check(r["error"] is None, "handshake and request over TLS (%r)" % r["error"])
    check(r["status"] == 200 and r["body"] == b"hello /a?b", "the response comes back over TLS")
    check(r.get("cert") == rsa.cert_der, "the binding's certificate is served")
    check(r.get("version") == "TLSv1.3", "TLS 1.3 by default (%s)" % r.get("version"))
    img = srv.images[-1] if srv.images else None
    check(img is not None and img.full_url.startswith("https://"), "the cooked URL says https")
    info = img.ssl_info() if img else None
    check(info is not None, "HTTP_REQUEST.pSslInfo is set on an https request")
    if info:
        check(info["server_cert_key_size"] == 2048, "ServerCertKeySize is the certificate's 2048 bits (%r)"
              % info["server_cert_key_size"])
        check(info["connection_key_size"] == 256, "ConnectionKeySize 256 for TLS_AES_256_GCM_SHA384 (%r)"
              % info["connection_key_size"])
        check(info["subject"] == b"C=US, S=Test State, O=httpsys tests, CN=localhost",
              "pServerCertSubject as CertNameToStr writes it (%r)" % info["subject"])
        check(info["issuer"] == b"C=US, O=httpsys tests, CN=httpsys Test Intermediate CA",
              "pServerCertIssuer (%r)" % info["issuer"])
        check(info["issuer_nul"] == 0, "the names are NUL-terminated")
        check(info["negotiated"] == 0 and info["client_cert"] is None, "no client certificate: none negotiated")
    check(img is not None and img.connection_id != 0, "the connection id is set")
    check(eng.cert_requests[:1] == [(0, rsa.thumbprint, "MY")],
          "the certificate is asked for by thumbprint and store MY (%r)" % eng.cert_requests[:1])
    # TLS 1.2 works too, and the chain verifies from the root alone: the intermediate was sent
    r = https_get(port, client_context(pki, maximum=ssl.TLSVersion.TLSv1_2), sni="localhost")
    check(r["error"] is None and r["version"] == "TLSv1.2", "TLS 1.2 with the chain (%r)" % r["error"])
    check(r["cipher"] and "GCM" in r["cipher"][0] and r["cipher"][0].startswith("ECDHE"),
          "TLS 1.2 picks a forward-secret AEAD suite (%r)" % (r["cipher"],))
    # plain HTTP to the https port is not a request
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        data = s.recv(100)
    except OSError:
        data = b""
    check(not data.startswith(b"HTTP/"), "plain HTTP on an https port gets no HTTP answer")
    s.close()
    r = https_get(port, ctx, sni="localhost")
    check(r["status"] == 200, "the engine serves on after garbage")
    # old protocol versions and broken suites are refused
    for args, what in ((["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], "TLS 1.1"),
                       (["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"], "TLS 1.0"),
                       (["-tls1_2", "-cipher", "NULL:eNULL:aNULL@SECLEVEL=0"], "NULL and anonymous suites"),
                       (["-tls1_2", "-cipher", "RC4:RC2:EXP:DES:3DES:MD5@SECLEVEL=0"], "RC4, RC2, export, DES, 3DES")):
        code, out = s_client(port, args, [b"Q\n"], 0.2)
        check(b"Cipher is (NONE)" in out or b"no protocols available" in out or b"no ciphers available" in out
              or b"alert" in out, "%s is refused" % what)
    finish(eng, srv)


def test_lookup_and_changes(binary, workdir, pki):
    a = pki.leaf("sni-a", "www.a.test", dns=["www.a.test"])
    b = pki.leaf("ip-b", "ip.b.test", key="prime256v1", dns=["ip.b.test"])
    c = pki.leaf("any-c", "any.c.test", key="secp384r1", dns=["any.c.test"])
    d = pki.leaf("ccs-d", "www.ccs.test", dns=["www.ccs.test"])
    port = free_port()
    certs = {a.thumbprint: a.material(), b.thumbprint: b.material(), c.thumbprint: c.material(),
             "www.ccs.test": ("pkcs12", d.pfx("secret pass"), b"secret pass")}
    eng, srv = start(binary, workdir, "lookup", port, "", certs)
    ctx = client_context(pki)
    r = https_get(port, ctx, sni="www.a.test")
    check(r["error"] is not None and r["status"] is None, "no binding: the handshake fails (%r)" % r["error"])

    full = (ssl_line("sni", "www.a.test:%d" % port, a) + ssl_line("ip", "127.0.0.1:%d" % port, b) +
            ssl_line("ip", "0.0.0.0:%d" % port, c) + ssl_line("ccs", "0.0.0.0:%d" % port, None))
    check(eng.apply_config(1, full)[0] == 0, "bindings added while running")
    check(https_get(port, ctx, sni="WWW.A.TEST").get("cert") == a.cert_der, "1. SNI host:port first (any case)")
    check(https_get(port, ctx, sni="other.test").get("cert") == b.cert_der, "2. then IP:port for another name")
    check(https_get(port, ctx).get("cert") == b.cert_der, "2. IP:port without SNI")
    eng.apply_config(1, ssl_line("sni", "www.a.test:%d" % port, a) + ssl_line("ip", "0.0.0.0:%d" % port, c) +
                     ssl_line("ccs", "0.0.0.0:%d" % port, None))
    r = https_get(port, ctx, sni="other.test")
    check(r.get("cert") == c.cert_der, "3. then 0.0.0.0:port (ECDSA P-384 served)")
    eng.apply_config(1, ssl_line("sni", "www.a.test:%d" % port, a) + ssl_line("ccs", "0.0.0.0:%d" % port, None))
    r = https_get(port, ctx, sni="www.ccs.test")
    check(r.get("cert") == d.cert_der, "4. then the central certificate store (%r)" % r["error"])
    check((1, "www.ccs.test", "") in eng.cert_requests, "the CCS file is asked for by host name")
    r = https_get(port, ctx)
    check(r["error"] is not None, "CCS without SNI: the handshake fails")
    r = https_get(port, ctx, sni="nothing.test")
    check(r["error"] is not None, "CCS with a host that has no file: the handshake fails")
    # a binding on another port never applies
    eng.apply_config(1, ssl_line("ip", "0.0.0.0:%d" % (port + 1), a))
    check(https_get(port, ctx, sni="www.a.test")["error"] is not None, "a binding of another port is not used")
    # updating the binding to another certificate takes effect for new connections
    eng.apply_config(1, ssl_line("ip", "0.0.0.0:%d" % port, a))
    check(https_get(port, ctx).get("cert") == a.cert_der, "binding to certificate A")
    eng.apply_config(1, ssl_line("ip", "0.0.0.0:%d" % port, b))
    check(https_get(port, ctx).get("cert") == b.cert_der, "updated to certificate B at once")
    eng.apply_config(1, "")
    check(https_get(port, ctx)["error"] is not None, "deleted: handshakes fail at once")
    finish(eng, srv)


def test_flags(binary, workdir, pki):
    leaf = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    port = free_port()
    eng, srv = start(binary, workdir, "flags", port, "", {leaf.thumbprint: leaf.material()}, image=2)
    any_ = "0.0.0.0:%d" % port

    def bind(flags):
        eng.apply_config(1, ssl_line("ip", any_, leaf, flags))

    bind(FLAG_DISABLE_TLS13)
    r = https_get(port, client_context(pki))
    check(r.get("version") == "TLSv1.2", "DISABLE_TLS13: TLS 1.2 is negotiated (%r)" % r.get("version"))
    check(https_get(port, client_context(pki, minimum=ssl.TLSVersion.TLSv1_3))["error"] is not None,
          "DISABLE_TLS13: a TLS 1.3-only client fails")
    bind(FLAG_DISABLE_TLS12)
    check(https_get(port, client_context(pki)).get("version") == "TLSv1.3", "DISABLE_TLS12: TLS 1.3 works")
    check(https_get(port, client_context(pki, maximum=ssl.TLSVersion.TLSv1_2))["error"] is not None,
          "DISABLE_TLS12: a TLS 1.2-only client fails")
    bind(FLAG_DISABLE_TLS12 | FLAG_DISABLE_TLS13)
    check(https_get(port, client_context(pki))["error"] is not None, "both versions disabled: nothing works")
    bind(FLAG_REJECT)
    check(https_get(port, client_context(pki))["error"] is not None, "REJECT: the handshake fails")
    bind(0)
    code, out = s_client(port, ["-tls1_3"], [b"Q\n"], 0.2)
    check(b"Acceptable client certificate CA names" not in out and b"Client Certificate Types" not in out,
          "no client certificate is asked for by default")
    bind(FLAG_NEGOTIATE_CLIENT_CERT)
    for v in ("-tls1_2", "-tls1_3"):
        code, out = s_client(port, [v], [b"Q\n"], 0.2)
        check(b"Client Certificate Types" in out or b"Requested Signature Algorithms" in out,
              "NEGOTIATE_CLIENT_CERT: the certificate is asked for in the handshake (%s)" % v)
    client = pki.leaf("client", "Test Client", client=True)
    r = https_get(port, client_context(pki, cert=client))
    check(r["status"] == 200, "NEGOTIATE_CLIENT_CERT: a client certificate is accepted (%r)" % r["error"])
    info = srv.images[-1].ssl_info() if srv.images else None
    check(info and info["negotiated"] == 1, "SslClientCertNegotiated is set")
    check(info and info["client_cert"] == client.cert_der, "pClientCertInfo carries the client's certificate")
    ri = srv.images[-1].request_info()
    check(len(ri) == 1 and ri[0][0] == 2 and len(ri[0][1]) == 28, "V2: one SslProtocol request info (%r)" % ri)
    if ri:
        proto = struct.unpack("<7I", ri[0][1])
        check(proto[0] == 0x1000, "HTTP_SSL_PROTOCOL_INFO.Protocol is SP_PROT_TLS1_3_SERVER (%#x)" % proto[0])
        check(proto[1] == 0x6610 and proto[2] == 256, "CipherType CALG_AES_256, strength 256 (%r)" % (proto[1:3],))
        check(proto[3] == 0x800d and proto[4] == 384, "HashType CALG_SHA_384 (%r)" % (proto[3:5],))
        check(proto[5] == 0xae06 and proto[6] in (255, 256), "KeyExchange ECDHE (%r)" % (proto[5:7],))
    r = https_get(port, client_context(pki, maximum=ssl.TLSVersion.TLSv1_2, cert=client))
    ri = srv.images[-1].request_info()
    proto = struct.unpack("<7I", ri[0][1]) if ri else (0,) * 7
    check(proto[0] == 0x400, "TLS 1.2: SP_PROT_TLS1_2_SERVER (%#x)" % proto[0])
    r = https_get(port, client_context(pki))
    check(r["status"] == 200, "NEGOTIATE_CLIENT_CERT: a client without one still gets in")
    finish(eng, srv)


def hello_state(eng):
    """(ClientHellos kept, their bytes) from the service state's H line."""
    st, n, data = eng.call(1, IOCTL_SERVICE_STATE, b"", 1 << 20)
    for line in data[:n].decode().splitlines():
        f = line.split()
        if f and f[0] == "H":
            return int(f[1]), int(f[2])
    return None


def records_of(data):
    """[(content type, payload)] of TLS records; None if the bytes are not whole records."""
    out, i = [], 0
    while i < len(data):
        if i + 5 > len(data):
            return None
        n = struct.unpack_from(">H", data, i + 3)[0]
        if i + 5 + n > len(data):
            return None
        out.append((data[i], data[i + 5:i + 5 + n]))
        i += 5 + n
    return out


def test_client_hello(binary, workdir, pki):
    """HttpRequestPropertyTlsClientHello: the ClientHello's records, kept only
    on a binding with ENABLE_CACHE_CLIENT_HELLO, until the connection ends."""
    leaf = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    port, plain = free_port(), free_port()
    config = (ssl_line("ip", "0.0.0.0:%d" % port, leaf, FLAG_CACHE_CLIENT_HELLO) +
              ssl_line("ip", "0.0.0.0:%d" % plain, leaf, 0))
    eng, srv = start(binary, workdir, "hello", port, config, {leaf.thumbprint: leaf.material()},
                     urls=["https://+:%d/" % port, "https://+:%d/" % plain])
    seen = {}

    def query(img):
        q = struct.pack("<QII", img.request_id, 11, 0)
        seen["probe"] = eng.call(1, IOCTL_REQUEST_PROPERTY, q, 0)
        size = seen["probe"][1]
        seen["short"] = eng.call(1, IOCTL_REQUEST_PROPERTY, q, max(size - 1, 0))
        seen["full"] = eng.call(1, IOCTL_REQUEST_PROPERTY, q, size)
        seen["state"] = hello_state(eng)
    srv.on_request = query
    for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        seen.clear()
        r = https_get(port, client_context(pki, maximum=version), sni="localhost")
        check(r["status"] == 200, "a request on a binding that keeps the ClientHello (%r)" % r["error"])
        st, size, _ = seen.get("probe") or (None, 0, b"")
        check(st == status_of(234) and size > 50, "TlsClientHello with no room: ERROR_MORE_DATA and its size (%r %r)"
              % (st, size))
        st, info, _ = seen.get("short") or (None, 0, b"")
        check(st == status_of(234) and info == size, "one byte short: ERROR_MORE_DATA and the size")
        st, info, data = seen.get("full") or (None, 0, b"")
        check(st == 0 and info == size == len(data), "TlsClientHello: %d bytes (%r)" % (size, st))
        recs = records_of(data)
        check(recs is not None and all(t == 22 for t, _ in recs), "whole handshake records, as the client sent them")
        msg = b"".join(p for _, p in recs or ())
        check(msg[:1] == b"\x01" and 4 + int.from_bytes(msg[1:4], "big") == len(msg),
              "they carry one ClientHello message, whole")
        check(b"localhost" in msg, "with the SNI the client sent")
        check(data[1:3] in (b"\x03\x01", b"\x03\x03"), "the record version as sent (%r)" % data[1:3])
        check(seen.get("state") == (1, size), "the service state counts it: %r" % (seen.get("state"),))
    for _ in range(50):
        if hello_state(eng) == (0, 0):
            break
        time.sleep(0.05)
    check(hello_state(eng) == (0, 0), "the connection ended: nothing kept (%r)" % (hello_state(eng),))
    seen.clear()
    r = https_get(plain, client_context(pki), sni="localhost")
    st, _, _ = seen.get("probe") or (None, 0, b"")
    check(r["status"] == 200 and st == status_of(1),
          "a binding without ENABLE_CACHE_CLIENT_HELLO: ERROR_INVALID_FUNCTION (%r)" % (st,))
    check(seen.get("state") == (0, 0), "and nothing is kept for its connection (%r)" % (seen.get("state"),))
    # a handshake that never finishes keeps nothing after its connection
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    raw.sendall(bytes.fromhex("16030100") + b"\x05" + b"\x01\x00\x00\x01\x00")
    time.sleep(0.2)
    raw.close()
    time.sleep(0.2)
    check(hello_state(eng) == (0, 0), "a broken ClientHello leaves nothing kept (%r)" % (hello_state(eng),))
    finish(eng, srv)


def test_sessions(binary, workdir, pki):
    leaf = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    port = free_port()
    eng, srv = start(binary, workdir, "sessions", port, "", {leaf.thumbprint: leaf.material()})

    def bind(flags):
        eng.apply_config(1, ssl_line("ip", "0.0.0.0:%d" % port, leaf, flags))

    def resumes(ctx, what):
        first = https_get(port, ctx)
        second = https_get(port, ctx, session=first["session"]) if first["session"] else {"reused": False}
        return first["status"] == 200 and second.get("reused")

    tls12_ids = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2, tickets=False)
    tls12_tickets = client_context(pki, maximum=ssl.TLSVersion.TLSv1_2)
    tls13 = client_context(pki, minimum=ssl.TLSVersion.TLSv1_3)
    bind(0)
    check(resumes(tls12_ids, ""), "TLS 1.2 resumes by session id")
    check(resumes(tls13, ""), "TLS 1.3 resumes")
    bind(FLAG_DISABLE_SESSION_ID)
    check(not resumes(tls12_ids, ""), "DISABLE_SESSION_ID: TLS 1.2 does not resume by id")
    check(not resumes(tls12_tickets, ""), "DISABLE_SESSION_ID without tickets: no TLS 1.2 resumption at all")
    bind(FLAG_DISABLE_SESSION_ID | FLAG_ENABLE_SESSION_TICKET)
    check(resumes(tls12_tickets, ""), "ENABLE_SESSION_TICKET: TLS 1.2 resumes with a ticket")
    check(resumes(tls13, ""), "ENABLE_SESSION_TICKET: TLS 1.3 resumes with a ticket")
    # sessions belong to their binding: another certificate does not resume them
    bind(0)
    first = https_get(port, tls12_ids)
    other = pki.leaf("ip-b", "ip.b.test", key="prime256v1", dns=["ip.b.test"])
    eng.certs[other.thumbprint] = other.material()
    eng.apply_config(1, ssl_line("ip", "0.0.0.0:%d" % port, other))
    second = https_get(port, tls12_ids, session=first["session"])
    check(second["status"] == 200 and not second["reused"], "a session does not resume on another certificate")
    # EnableSslCloseNotify off (default): no close_notify from the server, and a
    # client that just drops the connection can still resume
    bind(0)
    for ctx, name in ((tls12_ids, "TLS 1.2"), (tls13, "TLS 1.3")):
        r = https_get(port, ctx, close="server")
        check(r["eof"] == "ragged", "%s: without EnableSslCloseNotify the server sends no close_notify (%r)"
              % (name, r["eof"]))
        first = https_get(port, ctx, close="client", ragged=True)
        second = https_get(port, ctx, session=first["session"])
        check(second.get("reused"), "%s: a client that sent no close_notify resumes (EnableSslCloseNotify=0)" % name)
    finish(eng, srv)

    port = free_port()
    eng, srv = start(binary, workdir, "closenotify", port, ssl_line("ip", "0.0.0.0:%d" % port, leaf),
                     {leaf.thumbprint: leaf.material()}, ["EnableSslCloseNotify:dword=1"])
    for ctx, name in ((tls12_ids, "TLS 1.2"), (tls13, "TLS 1.3")):
        r = https_get(port, ctx, close="server")
        check(r["eof"] == "close_notify", "%s: EnableSslCloseNotify=1: the server sends close_notify (%r)"
              % (name, r["eof"]))
        first = https_get(port, ctx, close="client")
        time.sleep(0.2)
        second = https_get(port, ctx, session=first["session"])
        check(second.get("reused"), "%s: a client that sent close_notify resumes" % name)
        first = https_get(port, ctx, close="client", ragged=True)
        time.sleep(0.2)
        second = https_get(port, ctx, session=first["session"])
        check(second["status"] == 200 and not second.get("reused"),
              "%s: a client that sent no close_notify does not resume (EnableSslCloseNotify=1)" % name)
    finish(eng, srv)


def test_certificate_fetch(binary, workdir, pki):
    leaf = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    port = free_port()
    line = ssl_line("ip", "0.0.0.0:%d" % port, leaf, store="WebHosting")
    eng, srv = start(binary, workdir, "fetch", port, line, {})
    ctx = client_context(pki)
    r = https_get(port, ctx)
    check(r["error"] is not None, "a certificate missing from the store: the handshake fails")
    check(eng.cert_requests[-1:] == [(0, leaf.thumbprint, "WEBHOSTING")], "the store named by the binding is asked")
    eng.certs[leaf.thumbprint] = leaf.material()
    eng.apply_config(1, line)
    check(https_get(port, ctx)["status"] == 200, "imported, and the binding touched: served at once")
    # many handshakes waiting for one slow store read: one request, all served
    eng.apply_config(1, line)
    eng.cert_delay = 0.7
    before = len(eng.cert_requests)
    results = [None] * 6
    threads = [threading.Thread(target=lambda i=i: results.__setitem__(i, https_get(port, ctx))) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    check(all(r and r["status"] == 200 for r in results), "handshakes wait for the certificate")
    check(len(eng.cert_requests) - before == 1, "one store read serves them all (%d)" % (len(eng.cert_requests) - before))
    eng.cert_delay = 0
    # a wrong key for the certificate is refused, not served
    other = pki.leaf("any-c", "any.c.test", key="secp384r1", dns=["any.c.test"])
    eng.certs[leaf.thumbprint] = (leaf.cert_der, [], other.key_pkcs8)
    eng.apply_config(1, line)
    check(https_get(port, ctx)["error"] is not None, "a key that is not the certificate's is refused")
    eng.certs[leaf.thumbprint] = (b"\x30\x03junk", [], b"junk")
    eng.apply_config(1, line + "\n")
    check(https_get(port, ctx)["error"] is not None, "malformed material from the store is refused")
    eng.certs[leaf.thumbprint] = leaf.material()
    eng.apply_config(1, line)
    check(https_get(port, ctx)["status"] == 200, "and the engine serves on when it is right again")
    finish(eng, srv)


def test_key_update_user_space(binary, workdir, pki):
    leaf = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    port = free_port()
    eng, srv = start(binary, workdir, "keyupdate", port, ssl_line("ip", "0.0.0.0:%d" % port, leaf),
                     {leaf.thumbprint: leaf.material()})
    for cmd, name in ((b"K\n", "KeyUpdate(update_requested)"), (b"k\n", "KeyUpdate(update_not_requested)")):
        code, out = s_client(port, ["-tls1_3", "-no_ign_eof"],
                             [cmd, b"GET /ku HTTP/1.1\r\nHost: x\r\n\r\n"], 1.0)
        check(b"hello /ku" in out and b"bad record mac" not in out,
              "%s without kernel TLS: the response arrives intact" % name)
    finish(eng, srv)


def test_file_chunks(binary, workdir, pki):
    """Without kernel TLS a file chunk is read and encrypted in user space,
    record by record, in its place in the body."""
    leaf = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    port = free_port()
    eng, srv = start(binary, workdir, "files", port, ssl_line("ip", "0.0.0.0:%d" % port, leaf),
                     {leaf.thumbprint: leaf.material()})
    path = os.path.join(workdir, "files", "big.bin")
    data = os.urandom((1 << 20) + 12345)
    with open(path, "wb") as f:
        f.write(data)
    srv.respond = lambda img: wire_response(img.request_id, body=b"<>", files=[(1, 7, len(data) - 7, path)])
    r = https_get(port, client_context(pki))
    check(r["error"] is None and r["body"] == b"<" + data[7:] + b">",
          "a 1 MiB file chunk over TLS arrives intact (%d bytes, %r)" % (len(r["body"]), r["error"]))
    r = https_get(port, client_context(pki, maximum=ssl.TLSVersion.TLSv1_2))
    check(r["error"] is None and r["body"] == b"<" + data[7:] + b">", "and over TLS 1.2")
    finish(eng, srv)


def test_client_certificates(binary, workdir, pki):
    """CertFlags from the driver's chain check, and HttpReceiveClientCertificate:
    the certificate of the handshake, or one asked for afterwards (TLS 1.3
    post-handshake authentication, TLS 1.2 renegotiation)."""
    import hashlib
    leaf = pki.leaf("rsa", "localhost", dns=["localhost"], ips=["127.0.0.1"])
    client = pki.leaf("client", "Test Client", client=True)
    port = free_port()
    eng, srv = start(binary, workdir, "clientcert", port, "", {leaf.thumbprint: leaf.material()},
                     params=["DisableSslCertChainCacheOnlyUrlRetrieval:dword=1"], image=2)
    any_ = "0.0.0.0:%d" % port
    eng.apply_config(1, ssl_line("ip", any_, leaf, FLAG_NEGOTIATE_CLIENT_CERT, checkmode=5, freshness=60,
                                 urltimeout=1500))
    eng.chain_result = lambda certs, req: (time.sleep(0.5), (0, 0x20))[1]
    calls = {}

    def ask(img, flags=0, size=8192, conn=None):
        return eng.call(1, IOCTL_CLIENT_CERT, struct.pack("<QQII", conn or img.connection_id, BASE, flags, 0), size, 30)

    def on_request(img):
        calls["cert"] = ask(img)
        calls["small"] = ask(img, size=10)
        calls["short"] = ask(img, size=40)
        calls["cbt"] = ask(img, flags=1)
        calls["badflags"] = ask(img, flags=4)
        calls["noconn"] = ask(img, conn=0x7fffffff)
    srv.on_request = on_request
    r = https_get(port, client_context(pki, cert=client))
    srv.on_request = None
    check(r["status"] == 200, "NEGOTIATE_CLIENT_CERT with a certificate (%r)" % r["error"])
    certs, req = eng.chain_requests[-1] if eng.chain_requests else ([], {})
    check(certs[:1] == [client.cert_der], "the driver is asked to verify the client's certificate")
    check(req.get("check_mode") == 5 and req.get("freshness") == 60 and req.get("url_timeout") == 1500,
          "with the binding's DefaultCertCheckMode, freshness and URL timeout (%r)" % req)
    check(req.get("flags") == 1, "DisableSslCertChainCacheOnlyUrlRetrieval=1: URLs may be fetched (%r)" % req)
    info = srv.images[-1].ssl_info() if srv.images else None
    check(info and info.get("client_cert_flags") == 0x20,
          "the request waited for the chain check: CertFlags is the driver's answer (%r)" % (info or {}).get(
              "client_cert_flags"))
    st, n, data = calls.get("cert", (None, 0, b""))
    check(st == 0 and n == 32 + len(client.cert_der), "HttpReceiveClientCertificate: the structure and the DER")
    if st == 0:
        flags, size, ptr = struct.unpack_from("<IIQ", data)
        check(flags == 0x20 and size == len(client.cert_der) and ptr == BASE + 32 and data[32:] == client.cert_der,
              "CertFlags, CertEncodedSize, pCertEncoded right after the structure")
    st, n, _ = calls.get("small", (None, 0, b""))
    check(st == status_of(122), "a buffer smaller than the structure: ERROR_INSUFFICIENT_BUFFER (%r)" % st)
    st, n, data = calls.get("short", (None, 0, b""))
    check(st == status_of(234) and data[:8] == struct.pack("<II", 0x20, len(client.cert_der)),
          "a buffer without room for the certificate: ERROR_MORE_DATA with CertEncodedSize (%r)" % st)
    st, n, data = calls.get("cbt", (None, 0, b""))
    expect = b"tls-server-end-point:" + hashlib.sha256(leaf.cert_der).digest()
    ok_cbt = st == 0 and len(data) >= 24
    if ok_cbt:
        ptr, tsize = struct.unpack_from("<QI", data, 8)
        token = data[24:24 + tsize]
        app_len, app_off = struct.unpack_from("<II", token, 24)
        ok_cbt = ptr == BASE + 24 and token[app_off:app_off + app_len] == expect
    check(ok_cbt, "HTTP_RECEIVE_SECURE_CHANNEL_TOKEN: tls-server-end-point binding in SEC_CHANNEL_BINDINGS")
    check(calls.get("badflags", (0,))[0] == status_of(87), "unknown flags: ERROR_INVALID_PARAMETER")
    check(calls.get("noconn", (0,))[0] == status_of(1229), "an unknown connection: ERROR_CONNECTION_INVALID")

    # the driver could not verify: never trusted by mistake
    eng.chain_result = lambda certs, req: (5, 0)
    r = https_get(port, client_context(pki, cert=client))
    info = srv.images[-1].ssl_info() if srv.images else None
    check(info and info.get("client_cert_flags") == 0x10000, "a failed verification: CERT_TRUST_IS_PARTIAL_CHAIN")
    # asked in the handshake and none sent: not asked again
    srv.on_request = on_request
    r = https_get(port, client_context(pki))
    srv.on_request = None
    check(calls["cert"][0] == status_of(1168), "NEGOTIATE_CLIENT_CERT and no certificate: ERROR_NOT_FOUND")

    # without NEGOTIATE_CLIENT_CERT the certificate is asked for when the application wants it
    eng.chain_result = lambda certs, req: (0, 0)
    eng.apply_config(1, ssl_line("ip", any_, leaf, 0))
    for version, pha, cert, expect_st, what in (
            (ssl.TLSVersion.TLSv1_3, True, client, 0, "TLS 1.3 post-handshake authentication"),
            (ssl.TLSVersion.TLSv1_2, False, client, 0, "TLS 1.2 renegotiation"),
            (ssl.TLSVersion.TLSv1_3, False, client, 1168, "TLS 1.3 without post-handshake auth: ERROR_NOT_FOUND"),
            (ssl.TLSVersion.TLSv1_3, True, None, 1168, "TLS 1.3, the client has none: ERROR_NOT_FOUND")):
        calls.clear()

        def later(img):
            calls["cert"] = ask(img)
            calls["again"] = ask(img)
        srv.on_request = later
        ctx = client_context(pki, minimum=version, maximum=version, cert=cert, pha=pha)
        r = https_get(port, ctx)
        srv.on_request = None
        st, n, data = calls.get("cert", (None, 0, b""))
        got = data[32:] if st == 0 else None
        check(st == status_of(expect_st) and (expect_st or got == client.cert_der),
              "%s (%r, %r)" % (what, st, r["error"]))
        check(r["status"] == 200, "%s: the response arrives" % what)
        check(calls.get("again", (None,))[0] == status_of(expect_st), "%s: a second call answers the same" % what)
    # a plain connection has no certificate
    plain = free_port()
    eng.add_url(1, "http://+:%d/" % plain)
    calls.clear()
    srv.on_request = lambda img: calls.__setitem__("cert", ask(img))
    s = socket.create_connection(("127.0.0.1", plain), timeout=5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(1000)
    s.close()
    srv.on_request = None
    check(calls.get("cert", (None,))[0] == status_of(1168), "an http connection: ERROR_NOT_FOUND")
    finish(eng, srv)


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    pki = Pki(os.path.join(workdir, "pki"))
    for test in (test_basics, test_lookup_and_changes, test_flags, test_sessions, test_certificate_fetch,
                 test_key_update_user_space, test_file_chunks, test_client_certificates, test_client_hello):
        try:
            test(binary, workdir, pki)
        except Exception as e:   # a crash of the script is a failure, not a hang
            import traceback
            traceback.print_exc()
            check(False, "%s raised %r" % (test.__name__, e))
    return report()


if __name__ == "__main__":
    sys.exit(main())
