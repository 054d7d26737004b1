#!/usr/bin/env python3
"""HTTP/1.1 as http.sys applies it, over raw sockets against the engine: one
check per rule of the parsing, body, cooked-URL, limit, routing and response
rules (issue 6), each named after what it expects.  The application side is
played on the control channel, as in test_engine.py.

usage: test_h1_rules.py ENGINE_BINARY WORKDIR
Prints one line per failed check and ends with "RESULT <passed> <failed>"."""

import os
import re
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from enginectl import Engine, Image, free_port, wire_response, status_of, IOCTL_SEND, IOCTL_RECEIVE_BODY  # noqa: E402

BASE = 0x7f0000000000
VERB_UNKNOWN, VERB_OPTIONS, VERB_GET, VERB_POST = 1, 3, 4, 6
KNOWN_CONTENT_TYPE, KNOWN_SET_COOKIE_UNUSED = 12, None
ERROR_HANDLE_EOF = 38

# reference/httpapi.md §5.4: the page http.sys writes itself
PAGE = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n'
        '<HTML><HEAD><TITLE>{title}</TITLE>\r\n'
        '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n'
        '<BODY><h2>{heading}</h2>\r\n'
        '<hr><p>HTTP Error {code}. {text}</p>\r\n'
        '</BODY></HTML>\r\n')
PAGES = {
    "header": (400, "Bad Request", "Bad Request", "Bad Request - Invalid Header", "The request has an invalid header name."),
    "hostname": (400, "Bad Request", "Bad Request", "Bad Request - Invalid Hostname", "The request hostname is invalid."),
    "url": (400, "Bad Request", "Bad Request", "Bad Request - Invalid URL", "The request URL is invalid."),
    "verb": (400, "Bad Request", "Bad Request", "Bad Request - Invalid Verb", "The request verb is invalid."),
    "too_long": (400, "Bad Request", "Bad Request", "Bad Request - Request Too Long",
                 "The size of the request headers is too long."),
    "length": (411, "Length Required", "Length Required", "Length Required",
               "The request must be chunked or have a content length."),
    "url_too_long": (414, "Request URL Too Long", "Request URL Too Long", "Request URL Too Long",
                     "The request URL is too long."),
    "not_found": (404, "Not Found", "Not Found", "Not Found", "The requested resource is not found."),
}


def expected_page(kind, server=True):
    code, reason, title, heading, text = PAGES[kind]
    body = PAGE.format(title=title, heading=heading, code=code, text=text).encode()
    head = "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=us-ascii\r\n" % (code, reason)
    if server:
        head += "Server: Microsoft-HTTPAPI/2.0\r\n"
    head += "Date: DATE\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
    return head.encode() + body


def mask_date(data):
    return re.sub(rb"Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n", b"Date: DATE\r\n", data)


def read_all(s, timeout=2.0):
    """Everything until the peer closes (True) or goes quiet (False)."""
    s.settimeout(timeout)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                return out, True
            out += d
    except socket.timeout:
        return out, False
    except ConnectionResetError:
        return out, True


def read_one(s, head=False):
    """One whole response, then whether the peer closed (a short wait)."""
    s.settimeout(2.0)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            d = s.recv(65536)
            if not d:
                return data, True
            data += d
        m = re.search(rb"\r\ncontent-length: *(\d+)", data.split(b"\r\n\r\n", 1)[0], re.I)
        need = 0 if head or not m else int(m.group(1))
        while len(data.split(b"\r\n\r\n", 1)[1]) < need:
            d = s.recv(65536)
            if not d:
                return data, True
            data += d
    except (socket.timeout, ConnectionResetError):
        return data, False
    more, closed = read_all(s, 0.15)
    return data + more, closed


def split_responses(data, head_only=()):
    """[(status line, {lower name: [values]}, body)] of the responses in data;
    index i in head_only means the i-th answers a HEAD."""
    out = []
    while data:
        if b"\r\n\r\n" not in data:
            break
        top, data = data.split(b"\r\n\r\n", 1)
        lines = top.split(b"\r\n")
        fields = {}
        for ln in lines[1:]:
            k, v = ln.split(b":", 1)
            fields.setdefault(k.strip().lower().decode(), []).append(v.strip().decode())
        n = 0 if len(out) in head_only or lines[0].split()[1] in (b"100", b"204", b"304") \
            else int(fields.get("content-length", ["0"])[0])
        out.append((lines[0], fields, data[:n], lines))
        data = data[n:]
    return out


class Rig:
    """An engine with one queue, the application played here."""

    def __init__(self, binary, rundir, params=(), urls=None):
        self.eng = Engine(binary, rundir, params)
        self.port = free_port()
        self.eng.open(1)
        self.eng.set_queue(1)
        for i, url in enumerate(urls or ["http://+:%d/"]):
            self.eng.add_url(1, url % self.port, context=i + 1)

    def connect(self, raw=b"", address="127.0.0.1"):
        s = socket.create_connection((address, self.port), timeout=5)
        if raw:
            s.sendall(raw)
        return s

    def receive(self, timeout=2.0, flags=0):
        """The next request's Image, or None."""
        r = self.eng.wait(self.eng.receive(1, 0, flags, 65536, 1, BASE), timeout=timeout)
        return Image(r[2], BASE) if r and r[0] == 0 else None

    def body(self, img):
        data, st = b"", 0
        for _ in range(1000):
            st, n, d = self.eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", img.request_id, 0, 0), 65536)
            if st != 0:
                break
            data += d[:n]
        return data, st

    def answer(self, img, **kw):
        return self.eng.call(1, IOCTL_SEND, wire_response(img.request_id, **kw))[0]

    def page_of(self, raw, kind, what, server=True):
        """raw gets the page of kind, byte for byte, and the connection is closed."""
        s = self.connect(raw)
        data, closed = read_all(s)
        s.close()
        got = mask_date(data)
        ok = check(got == expected_page(kind, server), "%s: the %s page, byte for byte (%r)" % (what, kind, got[:200]))
        check(closed, "%s: the connection is closed" % what)
        return ok

    def served(self, raw, what, address="127.0.0.1", **answer):
        """raw reaches the application; answers it; returns (image, client bytes, closed)."""
        s = self.connect(raw, address)
        img = self.receive()
        if not check(img is not None, "%s: reaches the application" % what):
            s.close()
            return None, b"", True
        self.answer(img, **answer)
        data, closed = read_one(s, head=img.verb == 5)
        s.close()
        return img, data, closed

    def close(self):
        self.eng.shutdown()


def test_parsing(rig):
    p = rig.port
    img, data, closed = rig.served(b"GET /a/b?c=d HTTP/1.1\r\nHost: localhost\r\n\r\n", "origin-form")
    if img:
        check(img.verb == VERB_GET and img.raw_url == b"/a/b?c=d", "origin-form: GET, raw URL as sent")
        check(img.abs_path == "/a/b" and img.query == "?c=d", "origin-form: AbsPath and QueryString")
    img, _, _ = rig.served(b"GET http://example.com:%d/x?y HTTP/1.1\r\nHost: other.example\r\n\r\n" % p, "absolute-form")
    if img:
        check(img.host == "example.com:%d" % p, "absolute-form: the host is the URI's, not Host's (%r)" % img.host)
        check(img.full_url == "http://example.com:%d/x?y" % p, "absolute-form: the full cooked URL (%r)" % img.full_url)
    img, _, _ = rig.served(b"OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", "OPTIONS *")
    if img:
        check(img.verb == VERB_OPTIONS and img.raw_url == b"*", "OPTIONS *: OPTIONS, raw URL '*'")
        check(img.url_context == 1 and img.abs_path == "/", "OPTIONS *: routed to the root's registration")
    rig.page_of(b"GET * HTTP/1.1\r\nHost: localhost\r\n\r\n", "url", "asterisk-form with GET")
    rig.page_of(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "url",
                "CONNECT's authority-form (http.sys is no proxy)")
    img, _, _ = rig.served(b"PURGE /x HTTP/1.1\r\nHost: localhost\r\n\r\n", "an unknown verb")
    if img:
        check(img.verb == VERB_UNKNOWN and img.unknown_verb == b"PURGE", "an unknown verb: HttpVerbUnknown and its text")
    rig.page_of(b"G@T / HTTP/1.1\r\nHost: localhost\r\n\r\n", "verb", "a verb that is not a token")
    rig.page_of(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A : 1\r\n\r\n", "header", "whitespace before the colon")
    rig.page_of(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: 1\r\n 2\r\n\r\n", "header", "obs-fold")
    rig.page_of(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: 1\x012\r\n\r\n", "header", "a control character in a value")
    rig.page_of(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-A: 1\x002\r\n\r\n", "header", "NUL in a value")
    rig.page_of(b"GET / HTTP/1.1\r\nX-A: 1\r\n\r\n", "hostname", "HTTP/1.1 without Host")
    rig.page_of(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "hostname", "two Host fields")
    img, _, _ = rig.served(b"GET /ten HTTP/1.0\r\n\r\n", "HTTP/1.0 without Host")
    if img:
        check(img.host == "127.0.0.1:%d" % p and img.version == (1, 0), "HTTP/1.0 without Host: the address reached is the host")

    # persistence
    img, data, closed = rig.served(b"GET / HTTP/1.0\r\n\r\n", "HTTP/1.0", body=b"x")
    r = split_responses(data)
    check(len(r) == 1 and closed, "HTTP/1.0 without keep-alive: one response, then the connection closes")
    img, data, closed = rig.served(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "HTTP/1.0 keep-alive", body=b"x")
    r = split_responses(data)
    check(len(r) == 1 and not closed and r[0][1].get("connection") == ["keep-alive"],
          "HTTP/1.0 with Connection: keep-alive: answered with keep-alive, the connection stays (%r)" % (r[:1],))
    img, data, closed = rig.served(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", "Connection: close")
    r = split_responses(data)
    check(len(r) == 1 and closed and r[0][1].get("connection") == ["close"],
          "HTTP/1.1 Connection: close: answered with close, then closed")
    img, data, closed = rig.served(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 persistent")
    check(not closed, "HTTP/1.1: the connection stays open")

    # pipelining: three requests in one write, three answers in order
    s = rig.connect(b"".join(b"GET /p%d HTTP/1.1\r\nHost: a\r\n\r\n" % i for i in range(3)))
    for i in range(3):
        img = rig.receive()
        check(img is not None and img.raw_url == b"/p%d" % i, "pipelined request %d arrives in order" % i)
        if img:
            rig.answer(img, body=b"r%d" % i)
    data, _ = read_all(s, 1.0)
    check([x[2] for x in split_responses(data)] == [b"r0", b"r1", b"r2"], "pipelined responses in order")
    # HEAD: the application's Content-Length, no body; the connection goes on
    s.sendall(b"HEAD /h HTTP/1.1\r\nHost: a\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n")
    img = rig.receive()
    if check(img is not None, "HEAD reaches the application"):
        rig.answer(img, body=b"0123456789")
    img = rig.receive()
    if check(img is not None and img.raw_url == b"/after", "the request after HEAD arrives"):
        rig.answer(img, body=b"after")
    data, _ = read_all(s, 1.0)
    r = split_responses(data, head_only=(0,))
    check(len(r) == 2 and r[0][1].get("content-length") == ["10"] and r[0][2] == b"",
          "HEAD: Content-Length of the body, no body (%r)" % data[:300])
    check(len(r) == 2 and r[1][2] == b"after", "HEAD: the next response follows at once")
    s.close()


def test_bodies(rig):
    img = None
    s = rig.connect(b"POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world")
    img = rig.receive()
    if check(img is not None and img.verb == VERB_POST, "Content-Length body: the request arrives"):
        body, st = rig.body(img)
        check(body == b"hello world" and st == status_of(ERROR_HANDLE_EOF), "Content-Length body read whole, then EOF")
        rig.answer(img)
    # chunked, with extensions and a trailer, then a pipelined request: framing consumed exactly
    s.sendall(b"POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"5;ext=1\r\nhello\r\n6 ; a=\"b\"\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
              b"GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
    img = rig.receive()
    if check(img is not None, "chunked body: the request arrives"):
        check(img.known(1) is None or b"chunked" in (img.known(1) or b""), "chunked: Transfer-Encoding as sent")
        body, st = rig.body(img)
        check(body == b"hello world", "chunked: extensions dropped, data joined (%r)" % body)
        check(all(n.lower() != b"x-trailer" for n, _ in img.unknown()), "chunked: the trailer is not a header")
        rig.answer(img)
    img = rig.receive()
    check(img is not None and img.raw_url == b"/next", "the request after a chunked body is read as a request")
    if img:
        rig.answer(img)
    read_all(s, 0.5)
    s.close()

    # 100-continue: http.sys answers it itself once the head is in, before the
    # application sees the request; never after a final response, never to 1.0
    s = rig.connect(b"PUT /e HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    early, _ = read_all(s, 0.5)
    check(early == b"HTTP/1.1 100 Continue\r\n\r\n", "Expect: 100-continue: the interim 100 once the head is read (%r)" % early)
    img = rig.receive()
    if img:
        s.sendall(b"data")
        body, _ = rig.body(img)
        check(body == b"data", "Expect: 100-continue: then the body")
        rig.answer(img, status=201, reason=b"Created")
    data, _ = read_all(s, 0.3)
    check(data.startswith(b"HTTP/1.1 201") and b"100 Continue" not in data, "Expect: 100-continue: one 100 only (%r)" % data[:40])
    # the body came with the head: the client did not wait, no 100
    s.sendall(b"PUT /e3 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\ndata")
    img = rig.receive()
    if img:
        rig.answer(img)
    data, _ = read_all(s, 0.3)
    check(data.startswith(b"HTTP/1.1 200") and b"100 Continue" not in data,
          "Expect: 100-continue with the body already sent: no 100 (%r)" % data[:40])
    s.close()
    s = rig.connect(b"PUT /e2 HTTP/1.0\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    img = rig.receive()
    data, _ = read_all(s, 0.3)
    check(data == b"", "Expect: 100-continue from an HTTP/1.0 client: no 100 (%r)" % data[:40])
    if img:
        rig.answer(img, status=413, reason=b"Too Large", body=b"no")
    data, _ = read_all(s, 0.5)
    check(data.startswith(b"HTTP/1.1 413") and b"100 Continue" not in data,
          "HTTP/1.0 Expect answered without reading: the final response alone (%r)" % data[:40])
    s.close()

    # request smuggling (RFC 9112 §6.3): 400 and close
    for raw, what in ((b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "Content-Length with Transfer-Encoding"),
                      (b"Content-Length: 3\r\nContent-Length: 4\r\n", "two different Content-Lengths"),
                      (b"Content-Length: 3, 4\r\n", "a Content-Length list of two values"),
                      (b"Transfer-Encoding: chunked, gzip\r\n", "chunked not the last coding")):
        s = rig.connect(b"POST /s HTTP/1.1\r\nHost: a\r\n" + raw + b"\r\nabc")
        data, closed = read_all(s)
        s.close()
        check(data.startswith(b"HTTP/1.1 400 ") and closed, "%s: 400 and close (%r)" % (what, data[:30]))
    s = rig.connect(b"POST /s HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n")
    data, closed = read_all(s)
    s.close()
    check(data.startswith(b"HTTP/1.1 501 ") and closed, "a coding other than chunked before it: 501 and close (%r)" % data[:30])
    img, data, closed = rig.served(b"POST /same HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
                                   "the same Content-Length twice")
    rig.page_of(b"POST /l HTTP/1.1\r\nHost: a\r\n\r\n", "length", "POST without a length")
    rig.page_of(b"PUT /l HTTP/1.0\r\n\r\n", "length", "HTTP/1.0 PUT without a length")
    img, _, _ = rig.served(b"POST /l HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", "POST with Content-Length: 0")

    # a body the application does not read is drained, never read as a request
    for framing, body in ((b"Content-Length: 40\r\n", b"GET /evil HTTP/1.1\r\nHost: a\r\n\r\nxxxxxxx"),
                          (b"Transfer-Encoding: chunked\r\n", b"1f\r\nGET /evil HTTP/1.1\r\nHost: a\r\n\r\n\r\n0\r\n\r\n")):
        s = rig.connect(b"POST /u HTTP/1.1\r\nHost: a\r\n" + framing + b"\r\n" + body + b"GET /good HTTP/1.1\r\nHost: a\r\n\r\n")
        img = rig.receive()
        if img:
            rig.answer(img, body=b"unread")
        img = rig.receive()
        check(img is not None and img.raw_url == b"/good",
              "an unread %s body is drained: the next request is /good (%r)" % (framing.split(b":")[0].decode(),
                                                                                 img and img.raw_url))
        if img:
            rig.answer(img)
        read_all(s, 0.3)
        s.close()


def test_cooked_url(binary, workdir):
    rig = Rig(binary, os.path.join(workdir, "cook"))
    try:
        cases = (("/caf%C3%A9", "/caf\u00e9", "UTF-8 percent-escapes decode as UTF-8"),
                 ("/caf%E9", "/caf\u00e9", "bytes that are not UTF-8 decode as Windows-1252 (EnableNonUTF8)"),
                 ("/%u0041b", "/Ab", "%uNNNN (PercentUAllowed)"),
                 ("/a/./b/../c", "/a/c", "dot segments removed"),
                 ("/a/%2e%2E/c", "/c", "escaped dot segments removed"),
                 ("/a\\b", "/a/b", "a backslash is a slash"),
                 ("/a//b///c", "/a/b/c", "consecutive slashes collapse"),
                 ("/q?x=%41", "/q", "the query is not decoded"))
        for raw, path, what in cases:
            img, _, _ = rig.served(b"GET " + raw.encode() + b" HTTP/1.1\r\nHost: h.example\r\n\r\n", what)
            if img:
                check(img.abs_path == path, "%s: AbsPath %r (%r)" % (what, path, img.abs_path))
                q = raw.partition("?")[1] + raw.partition("?")[2]
                check(img.full_url == "http://h.example:%d%s%s" % (rig.port, path, q) and img.host == "h.example:%d" % rig.port
                      and (img.query or "") == q,
                      "%s: FullUrl, Host and QueryString agree (%r)" % (what, img.full_url))
        rig.page_of(b"GET /%01 HTTP/1.1\r\nHost: a\r\n\r\n", "url", "a restricted character (AllowRestrictedChars=0)")
        rig.page_of(b"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", "url", "a bad percent-escape")
        s = rig.connect(b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n")
        data, closed = read_all(s)
        s.close()
        check(data.startswith(b"HTTP/1.1 400 ") and closed, "a space in the path: 400 and close (%r)" % data[:30])
    finally:
        rig.close()
    rig = Rig(binary, os.path.join(workdir, "cook2"),
              ["EnableNonUTF8:dword=0", "PercentUAllowed:dword=0", "AllowRestrictedChars:dword=1"])
    try:
        rig.page_of(b"GET /caf%E9 HTTP/1.1\r\nHost: a\r\n\r\n", "url", "EnableNonUTF8=0: bytes that are not UTF-8")
        rig.page_of(b"GET /%u0041 HTTP/1.1\r\nHost: a\r\n\r\n", "url", "PercentUAllowed=0: %uNNNN")
        img, _, _ = rig.served(b"GET /a%01 HTTP/1.1\r\nHost: a\r\n\r\n", "AllowRestrictedChars=1: %01")
        if img:
            check(img.abs_path == "/a\x01", "AllowRestrictedChars=1: U+0001 in AbsPath")
    finally:
        rig.close()


def test_limits(binary, workdir):
    rig = Rig(binary, os.path.join(workdir, "limits"),
              ["MaxFieldLength:dword=200", "MaxRequestBytes:dword=2000", "UrlSegmentMaxLength:dword=10",
               "UrlSegmentMaxCount:dword=3"])
    try:
        rig.page_of(b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + b"v" * 300 + b"\r\n\r\n", "too_long", "MaxFieldLength=200")
        img, _, _ = rig.served(b"GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + b"v" * 150 + b"\r\n\r\n", "a field under MaxFieldLength")
        rig.page_of(b"GET / HTTP/1.1\r\nHost: a\r\n" + b"X-F: 0123456789012345678901234567890123456789\r\n" * 60 + b"\r\n",
                    "too_long", "MaxRequestBytes=2000")
        rig.page_of(b"GET /abcdefghijk HTTP/1.1\r\nHost: a\r\n\r\n", "url", "UrlSegmentMaxLength=10")
        img, _, _ = rig.served(b"GET /abcdefghij HTTP/1.1\r\nHost: a\r\n\r\n", "a segment of UrlSegmentMaxLength")
        rig.page_of(b"GET /a/b/c/d HTTP/1.1\r\nHost: a\r\n\r\n", "url", "UrlSegmentMaxCount=3")
        img, _, _ = rig.served(b"GET /a/b/c HTTP/1.1\r\nHost: a\r\n\r\n", "UrlSegmentMaxCount segments")
        rig.page_of(b"GET /" + b"u" * 70000 + b" HTTP/1.1\r\nHost: a\r\n\r\n", "url_too_long", "a URL longer than any cooked URL")
    finally:
        rig.close()
    rig = Rig(binary, os.path.join(workdir, "noserver"), ["DisableServerHeader:dword=1"])
    try:
        rig.page_of(b"GET / HTTP/1.1\r\nX: 1\r\n\r\n", "hostname", "DisableServerHeader=1: the page has no Server field",
                    server=False)
    finally:
        rig.close()


def test_routing(binary, workdir):
    urls = ["http://+:%d/s/", "http://localhost:%d/s/", "http://*:%d/s/", "http://+:%d/s/t/",
            "http://127.0.0.1:%d/w/", "http://*:%d/w/", "http://localhost:%d/only/"]
    rig = Rig(binary, os.path.join(workdir, "route"), urls=urls)
    try:
        def ctx(path, host, address="127.0.0.1"):
            img, _, _ = rig.served(b"GET " + path + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n", "%s on %s" % (path, host),
                                   address)
            return img and img.url_context
        check(ctx(b"/s/x", b"localhost") == 1, "a strong wildcard (+) beats an explicit host")
        check(ctx(b"/s/t/x", b"localhost") == 4, "the longest prefix within the strong wildcards")
        check(ctx(b"/s/tt", b"localhost") == 1, "prefixes match whole segments: /s/tt is not under /s/t/")
        check(ctx(b"/w/x", b"127.0.0.1") == 5, "an IP-bound registration beats the weak wildcard (*)")
        got = ctx(b"/w/x", b"other.example")
        check(got == 5, "an IP-bound registration takes any host reaching its address (%r)" % got)
        got = ctx(b"/w/x", b"other.example", "127.0.0.2")
        check(got == 6, "the weak wildcard (*) takes what reaches another address (%r)" % got)
        check(ctx(b"/only/x", b"localhost") == 7, "an explicit host")
        rig.page_of(b"GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n", "not_found", "a path no registration has")
        rig.eng.remove_url(1, urls[2] % rig.port)
        rig.eng.remove_url(1, urls[5] % rig.port)
        rig.eng.remove_url(1, urls[0] % rig.port)
        rig.eng.remove_url(1, urls[3] % rig.port)
        rig.eng.remove_url(1, urls[4] % rig.port)   # IP-bound: would take any host reaching 127.0.0.1
        rig.page_of(b"GET /only/x HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n", "hostname",
                    "a host no registration names")
    finally:
        rig.close()


def test_responses(rig):
    s = rig.connect(b"GET /r HTTP/1.1\r\nHost: a\r\n\r\n")
    img = rig.receive()
    if img:
        rig.answer(img, body=b"abc", known={KNOWN_CONTENT_TYPE: b"text/plain"},
                   unknown=[(b"Set-Cookie", b"a=1"), (b"Set-Cookie", b"b=2"), (b"X-Z", b"z")])
    data, _ = read_all(s, 0.5)
    r = split_responses(data)
    if check(len(r) == 1, "one response (%r)" % data[:200]):
        line, fields, body, lines = r[0]
        check(line == b"HTTP/1.1 200 OK", "the status line")
        check(fields.get("set-cookie") == ["a=1", "b=2"], "repeated Set-Cookie kept, in order (%r)" % fields.get("set-cookie"))
        check(len(fields.get("date", [])) == 1, "Date is always sent")
        check(fields.get("content-length") == ["3"] and body == b"abc", "Content-Length added for the body")
        check(fields.get("server") == ["Microsoft-HTTPAPI/2.0"], "Server: Microsoft-HTTPAPI/2.0 appended")
        check(fields.get("content-type") == ["text/plain"], "a known header as given")
    s.sendall(b"GET /r2 HTTP/1.1\r\nHost: a\r\n\r\n")
    img = rig.receive()
    if img:
        rig.answer(img, known={6: b"chunked"}, body=b"3\r\nabc\r\n0\r\n\r\n")
    data, _ = read_all(s, 0.5)
    check(b"Transfer-Encoding: chunked\r\n" in data and b"Content-Length" not in data,
          "the application chose chunked: no Content-Length added (%r)" % data[:200])
    s.close()
    img, data, closed = rig.served(b"GET /ten HTTP/1.0\r\n\r\n", "an HTTP/1.0 client", body=b"x")
    r = split_responses(data)
    check(len(r) == 1 and r[0][0].startswith(b"HTTP/1.1 200") and r[0][1].get("content-length") == ["1"] and closed,
          "an HTTP/1.0 client: an HTTP/1.1 status line, Content-Length, then close (%r)" % data[:80])


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    rig = Rig(binary, os.path.join(workdir, "main"))
    try:
        for t in (test_parsing, test_bodies, test_responses):
            try:
                t(rig)
            except Exception as e:  # noqa: BLE001 - a crash of one group counts as a failure
                import traceback
                traceback.print_exc()
                check(False, "%s raised %r" % (t.__name__, e))
    finally:
        rig.close()
    for t in (test_cooked_url, test_limits, test_routing):
        try:
            t(binary, workdir)
        except Exception as e:  # noqa: BLE001
            import traceback
            traceback.print_exc()
            check(False, "%s raised %r" % (t.__name__, e))
    report()


if __name__ == "__main__":
    main()
