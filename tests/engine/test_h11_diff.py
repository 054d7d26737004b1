#!/usr/bin/env python3
"""Differential test: the engine's request parser (http_parse.c, chunked.c,
through build/unit-tools/parse_probe) against Python's h11 on the same
generated requests, systematic and seeded-random.

usage: test_h11_diff.py PARSE_PROBE [-v]

For each request both sides give a verdict: accept (head and body complete
and valid), reject (an error anywhere), or incomplete.  The verdicts must
match and, when both accept, so must the method, target, version, fields,
framing, keep-alive, 100-continue, body, trailers and the bytes left over.

Where they do not, the difference must be one of RULES below: a place where
http.sys (and so the engine) deliberately differs from h11, each with its
reason and source.  A rule either fixes the input so that the difference
goes away (repair) and the fixed request must then agree, perhaps after
other rules; or, when no repair makes sense, tests the exact condition.
Anything not explained is a failed check.  Every rule must also explain at
least one request, so that the list stays honest.

Prints one line per failed check and ends with "RESULT <passed> <failed>"."""

import ipaddress
import json
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402

try:
    import h11
except ImportError:
    # Debian's python3-h11 when python3 is not Debian's own
    sys.path.append("/usr/lib/python3/dist-packages")
    import h11

VERBOSE = "-v" in sys.argv

# The engine's limits (conn.c: http.sys's defaults, reference §3.2)
MAX_FIELD = 16384
MAX_HEAD = 16384
MAX_URL = 65534
MAX_FIELDS = 128
INT64_MAX = 2**63 - 1


# ---- the two parsers ------------------------------------------------------

class Probe:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.cache = {}

    def run(self, data):
        if data not in self.cache:
            self.p.stdin.write(data.hex().encode() + b"\n")
            self.p.stdin.flush()
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("parse_probe died")
            r = json.loads(line)
            for k in ("method", "target", "body"):
                if k in r:
                    r[k] = r[k].encode("latin-1")
            for k in ("headers", "trailers"):
                if k in r:
                    r[k] = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in r[k]]
            self.cache[data] = r
        return self.cache[data]

    def close(self):
        self.p.stdin.close()
        rc = self.p.wait()
        return rc


def run_h11(data):
    """h11 as a server given all of data at once, in the probe's format;
    errors are h11's messages."""
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    r = {"status": "incomplete"}
    body = bytearray()
    try:
        while True:
            ev = conn.next_event()
            if ev is h11.NEED_DATA:
                if "body_status" in r:
                    r["body_status"] = "incomplete"
                break
            if isinstance(ev, h11.Request):
                r.update(status="ok", head_len=len(data) - len(conn.trailing_data[0]),
                         method=ev.method, target=ev.target, version=ev.http_version.decode(),
                         # keep-alive is not public; h11 0.14 keeps it here
                         headers=ev.headers.raw_items(), keep_alive=conn._cstate.keep_alive,
                         expect_continue=conn.they_are_waiting_for_100_continue, body_status="incomplete")
                names = [n for n, _ in ev.headers]
                if b"transfer-encoding" in names:
                    r["framing"] = "chunked"
                else:
                    cl = [v for n, v in ev.headers if n == b"content-length"]
                    r["framing"] = "length"
                    r["length"] = int(cl[0]) if cl else 0
            elif isinstance(ev, h11.Data):
                body += ev.data
            elif isinstance(ev, h11.EndOfMessage):
                r.update(body_status="ok", body=bytes(body), rest=len(conn.trailing_data[0]))
                if r["framing"] == "chunked":
                    r["trailers"] = ev.headers.raw_items()
                break
            else:
                break
    except h11.RemoteProtocolError as e:
        if r["status"] == "ok":
            r.update(body_status="error", body_error=str(e))
        else:
            r.update(status="error", error=str(e))
    return r


def verdict(r):
    if r["status"] != "ok":
        return "reject" if r["status"] == "error" else "incomplete"
    return {"ok": "accept", "error": "reject", "incomplete": "incomplete"}[r["body_status"]]


def error_of(r):
    """The engine's error kind or h11's message, wherever it happened."""
    return r.get("error") or r.get("body_error") or ""


def h11_fields(fields):
    """Fields as h11 reports them: repeated Content-Length fields with one
    value become one field with that value (h11 _headers.normalize_and_validate,
    RFC 9110 §8.6), a Transfer-Encoding value is lowercased.  The engine
    passes fields on as received; this is presentation, not a difference."""
    out, seen_cl = [], False
    for n, v in fields:
        low = n.lower()
        if low == b"content-length":
            if seen_cl:
                continue
            seen_cl = True
            v = v.split(b",")[0].strip()
        elif low == b"transfer-encoding":
            v = v.lower()
        out.append((n, v))
    return out


def differences(e, h):
    """Which results differ; empty if the two agree."""
    if verdict(e) != verdict(h):
        return ["verdict"]
    if verdict(e) == "incomplete" and e["status"] != h["status"]:
        return ["head"]  # one has the whole head, the other waits for it
    if e["status"] != "ok" or h["status"] != "ok":
        return []
    diff = []
    for k in ("method", "target", "version", "keep_alive", "expect_continue"):
        if e[k] != h[k]:
            diff.append(k)
    if h11_fields(e["headers"]) != list(h["headers"]):
        diff.append("headers")
    framing = ("length", 0) if e["framing"] == "none" else (e["framing"], e.get("length"))
    if framing != (h["framing"], h.get("length")):
        diff.append("framing")
    if verdict(e) == "accept":
        for k in ("body", "rest"):
            if e[k] != h[k]:
                diff.append(k)
        if e["framing"] == "chunked" and h11_fields(e["trailers"]) != list(h["trailers"]):
            diff.append("trailers")
    return diff


# ---- request anatomy, for the rules -----------------------------------------

def lead_len(data):
    m = re.match(rb"(?:\r?\n)*", data)
    return m.end()


def request_line(data):
    """(start, end) of the first non-empty line, its line end excluded."""
    s = lead_len(data)
    e = data.find(b"\n", s)
    if e < 0:
        e = len(data)
    return s, e - 1 if e > s and data[e - 1:e] == b"\r" else e


def head_end(data):
    """Just past the blank line ending the head, as h11 finds it; len(data) if none."""
    m = re.compile(rb"\n\r?\n").search(data, lead_len(data))
    return m.end() if m else len(data)


def field_lines(data):
    """The field lines of the head, line ends stripped."""
    s, e = request_line(data)
    head = data[e:head_end(data)]
    return [ln.rstrip(b"\r") for ln in head.split(b"\n") if ln.rstrip(b"\r")]


def fields_named(data, name):
    out = []
    for ln in field_lines(data):
        n, sep, v = ln.partition(b":")
        if sep and n.lower() == name:
            out.append(v.strip(b" \t"))
    return out


def version_of(data):
    s, e = request_line(data)
    parts = data[s:e].split(b" ")
    return parts[2] if len(parts) == 3 else b""


def replace_in_head(data, pattern, repl):
    end = head_end(data)
    return re.sub(pattern, repl, data[:end], flags=re.I | re.M) + data[end:]


class Chunks:
    """A lenient reading of a chunked body: a size is the leading hex digits
    of its line, whatever follows, and a line may end in a bare LF.
    lines, sizes, data: what was found; tail: where the trailer section
    starts (None if the last chunk was not reached); trailers: the trailer
    section with its blank line, and rest: what follows (None if unfinished)."""
    def __init__(self, body):
        self.lines, self.sizes, self.data = [], [], []
        self.tail = self.trailers = self.rest = None
        pos = 0
        while True:
            nl = body.find(b"\n", pos)
            if nl < 0:
                return
            line = body[pos:nl].rstrip(b"\r")
            m = re.match(rb"[0-9a-fA-F]+", line)
            if not m:
                return
            self.lines.append(line)
            self.sizes.append(int(m.group(0), 16))
            pos = nl + 1
            if self.sizes[-1] == 0:
                break
            if self.sizes[-1] > len(body) - pos:
                return
            self.data.append(body[pos:pos + self.sizes[-1]])
            pos += self.sizes[-1]
            m = re.match(rb"\r?\n", body[pos:pos + 2])
            if not m:
                return
            pos += m.end()
        self.tail = pos
        if body[pos:pos + 1] in (b"\r", b"\n"):
            m = re.compile(rb"\r?\n").match(body, pos)
        else:
            m = re.compile(rb"\n\r?\n").search(body, pos)
        if m:
            self.trailers, self.rest = body[pos:m.end()], body[m.end():]


def chunked_body(c):
    """Where the chunked body starts and a lenient reading of it, as found by
    the side which accepted the head; (None, None) if neither did."""
    for r in (c.e, c.h):
        if r["status"] == "ok" and r["framing"] == "chunked":
            return r["head_len"], Chunks(c.data[r["head_len"]:])
    return None, None


def canonical_chunks(c):
    """Each chunk-size line rewritten as plain hex digits and CRLF."""
    start, w = chunked_body(c)
    if not w or w.tail is None:
        return None
    body = b"".join(b"%x\r\n%s\r\n" % (len(d), d) for d in w.data) + b"0\r\n"
    return c.data[:start] + body + c.data[start + w.tail:]


def drop_trailer_framing(c):
    start, w = chunked_body(c)
    if not w or w.trailers is None:
        return None
    kept = re.sub(rb"^(content-length|transfer-encoding)[ \t]*:[^\n]*\n", b"", w.trailers, flags=re.I | re.M)
    return c.data[:start + w.tail] + kept + w.rest


# ---- what is allowed to differ ---------------------------------------------------

class Case:
    def __init__(self, data, e, h):
        self.data, self.e, self.h = data, e, h
        self.diff = differences(e, h)

    def engine_rejects(self, *kinds):
        return verdict(self.e) == "reject" and verdict(self.h) != "reject" and error_of(self.e) in kinds

    def h11_rejects(self, *messages):
        return (verdict(self.h) == "reject" and verdict(self.e) != "reject"
                and any(m in error_of(self.h) for m in messages))


# RFC 3986 §3.2.2-3.2.3 host and port, and the ways http.sys is stricter than
# the grammar: no IPvFuture, no empty reg-name, no port above 65535.
REG_NAME = rb"(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"
IP_LITERAL = rb"\[[0-9A-Fa-f:.]+\]"


def ipv6_ok(s):
    try:
        ipaddress.IPv6Address(s.decode("ascii"))
        return True
    except ValueError:
        return False


def authority_ok(a, port_required=False):
    """A valid uri-host [":" port] that http.sys can route."""
    m = re.fullmatch(rb"(" + IP_LITERAL + rb"|" + REG_NAME + rb")(?::([0-9]*))?", a)
    if not m or not m.group(1) or (m.group(1)[:1] == b"[" and not ipv6_ok(m.group(1)[1:-1])):
        return False
    if m.group(2) is None:
        return not port_required
    return (m.group(2) != b"" or not port_required) and int(m.group(2) or b"0") <= 65535


def target_form_ok(method, target):
    """RFC 9112 §3.2: the form the method allows, with a valid authority."""
    if method == b"CONNECT":
        return authority_ok(target, True)
    if target.startswith(b"/"):
        return True
    if target == b"*":
        return method == b"OPTIONS"
    m = re.fullmatch(rb"(?i:https?)://([^/?#]*)(?:[/?#].*)?", target, re.S)
    return bool(m) and authority_ok(m.group(1))


# RFC 9112 §7.1: chunk-size [ chunk-ext ], chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] )
TOKEN = rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+"
QUOTED = rb'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
CHUNK_LINE = re.compile(rb"[0-9A-Fa-f]+(?:[ \t]*;[ \t]*" + TOKEN + rb"(?:[ \t]*=[ \t]*(?:" + TOKEN + rb"|"
                        + QUOTED + rb"))?)*")


def chunk_lines(c):
    """The chunk-size lines of the chunked body (line ends stripped), or None."""
    start, w = chunked_body(c)
    return w.lines if w and w.lines else None


def chunk_lines_valid(c):
    lines = chunk_lines(c)
    return lines is not None and all(CHUNK_LINE.fullmatch(ln) for ln in lines)


def same_decimal_values(c):
    values = [x.strip() for f in fields_named(c.data, b"content-length") for x in f.split(b",")]
    return bool(values) and all(re.fullmatch(rb"[0-9]+", v) for v in values) and len({int(v) for v in values}) == 1


def rfc_problems(c):
    """Where h11 has no opinion (Host, the target's form, chunk extensions) or
    is lenient (controls in values), what the engine accepted must still be
    valid by the grammar (RFC 9110 §5.5-§5.6, §7.2; RFC 9112 §3.2, §7.1)."""
    e, problems = c.e, []
    if e["status"] != "ok":
        return problems
    if not re.fullmatch(TOKEN, e["method"]):
        problems.append("method")
    if not target_form_ok(e["method"], e["target"]) or re.search(rb"[\x00-\x20\x7f]", e["target"]):
        problems.append("target")
    fields = e["headers"] + (e.get("trailers") or [])
    for n, v in fields:
        if not re.fullmatch(TOKEN, n) or not re.fullmatch(rb"(?:[\x21-\x7e\x80-\xff](?:[\t \x21-\x7e\x80-\xff]*"
                                                          rb"[\x21-\x7e\x80-\xff])?)?", v):
            problems.append("field %r" % n)
    hosts = [v for n, v in e["headers"] if n.lower() == b"host"]
    if len(hosts) > 1 or (hosts and not authority_ok(hosts[0])) or (not hosts and e["version"] == "1.1"):
        problems.append("host")
    if verdict(e) == "accept" and e["framing"] == "chunked" and not chunk_lines_valid(c):
        problems.append("chunk-size line")
    return problems


def target_of(data):
    s, e = request_line(data)
    parts = data[s:e].split(b" ")
    return (parts[0], parts[1]) if len(parts) == 3 else (None, None)


CTL_IN_VALUE = rb"[\x01-\x08\x0e-\x1f\x7f]"  # the controls h11 lets through in a field value


def version_repair(pattern):
    def repair(c):
        s, e = request_line(c.data)
        line = c.data[s:e]
        parts = line.split(b" ")
        if len(parts) != 3 or not re.fullmatch(pattern, parts[2]):
            return None
        return c.data[:s] + b" ".join(parts[:2] + [b"HTTP/1.1"]) + c.data[e:]
    return repair


def target_repair(c):
    s, e = request_line(c.data)
    parts = c.data[s:e].split(b" ")
    if len(parts) != 3:
        return None
    parts[1] = b"example.com:443" if parts[0] == b"CONNECT" else b"/"
    return c.data[:s] + b" ".join(parts) + c.data[e:]


def high_bytes_in_target(c):
    s, e = request_line(c.data)
    if not re.search(rb"[\x80-\xff]", c.data[s:e]):
        return None
    return c.data[:s] + re.sub(rb"[\x80-\xff]", b"x", c.data[s:e]) + c.data[e:]


def host_repair(c):
    if len(fields_named(c.data, b"host")) != 1:
        return None
    return replace_in_head(c.data, rb"^(host:)[^\r\n]*", rb"\1 example.com")


def content_length_value(c, value):
    if not fields_named(c.data, b"content-length"):
        return None
    return replace_in_head(c.data, rb"^(content-length:)[^\r\n]*", rb"\1 " + value)


def length_repair(c):
    """The request with "Content-Length: 0" after its request line."""
    s, e = request_line(c.data)
    eol = c.data.find(b"\n", e)
    if eol < 0:
        return None
    return c.data[:eol + 1] + b"Content-Length: 0\r\n" + c.data[eol + 1:]


def limits_exceeded(c):
    data = c.data
    s, e = request_line(data)
    parts = data[s:e].split(b" ")
    if head_end(data) > MAX_HEAD or len(field_lines(data)) > MAX_FIELDS:  # leading empty lines count
        return True
    if len(parts) > 1 and (len(parts[0]) > MAX_FIELD or len(parts[1]) > MAX_URL):
        return True
    if any(len(ln) > MAX_FIELD for ln in field_lines(data)):
        return True
    start, w = chunked_body(c)
    if w and w.trailers is not None:
        # chunk extensions of the whole body and the trailer section share the field limit
        body = data[start:]
        ext = sum(len(m.group(1)) for m in re.finditer(rb"^[0-9a-fA-F]+([^\r\n]*)\r?$", body, re.M))
        if ext > MAX_FIELD or len(w.trailers) > MAX_FIELD or w.trailers.count(b"\n") - 1 > MAX_FIELDS:
            return True
    return False


def huge_chunk(c):
    start, w = chunked_body(c)
    return bool(w) and any(s > INT64_MAX for s in w.sizes)


def keep_alive_10(c):
    return (c.diff == ["keep_alive"] and c.e["keep_alive"] and not c.h["keep_alive"] and c.e["version"] == "1.0"
            and any(b"keep-alive" in [t.strip().lower() for t in v.split(b",")]
                    for v in fields_named(c.data, b"connection")))


# (name, why, applies to the case, repair: the case -> fixed bytes, or None
# when applies is the whole test).  Order matters only for speed.
RULES = [
    ("bare-lf",
     "A bare LF as a line end: RFC 9112 §2.2 lets a recipient accept it (MAY), h11 does; the engine "
     "answers 400 as for http.sys's Invalid_CR/LF reason (reference §5.4), since bare line ends are how "
     "smuggling through lenient proxies starts.",
     lambda c: c.engine_rejects("BAD_REQUEST") and re.search(rb"(?<!\r)\n", c.data),
     lambda c: re.sub(rb"(?<!\r)\n", b"\r\n", c.data)),
    ("leading-empty-lines",
     "Empty lines before the request line: RFC 9112 §2.2 says a server SHOULD ignore at least one; "
     "the engine does, h11 raises 'no request line received'.",
     lambda c: c.h11_rejects("no request line received") and lead_len(c.data) > 0,
     lambda c: c.data[lead_len(c.data):]),
    ("partial-empty-line",
     "A buffer holding only empty lines and a CR: the CR may begin one more empty line, which the engine "
     "skips (RFC 9112 §2.2), so it waits; h11 refuses any buffer whose first byte is below 0x21 before "
     "the line is complete.",
     lambda c: c.h11_rejects("illegal request line", "no request line received")
     and re.fullmatch(rb"(?:\r\n)*\r?", c.data),
     None),
    ("obs-fold",
     "Line folding: RFC 9112 §5.2 lets a server reject it with 400 or unfold it; h11 unfolds, http.sys "
     "rejects it (400 Invalid Header).",
     lambda c: c.engine_rejects("INVALID_HEADER", "BAD_REQUEST") and re.search(rb"\n[ \t]", c.data),
     lambda c: re.sub(rb"\r?\n[ \t]+", b" ", c.data)),
    ("control-in-value",
     "Controls other than HTAB in a field value: not field-vchar (RFC 9110 §5.5), and 'invalid'; h11 "
     "lets all but NUL and whitespace through (its issue #57), http.sys answers 400 Invalid Header.",
     lambda c: c.engine_rejects("INVALID_HEADER") and re.search(CTL_IN_VALUE, c.data),
     lambda c: re.sub(CTL_IN_VALUE, b"x", c.data)),
    ("host-value",
     "An empty or malformed Host (not uri-host [':' port] by RFC 3986 §3.2.2, an IPvFuture literal, a "
     "port above 65535): RFC 9112 §3.2 requires 400 for 'a Host header field with an invalid field "
     "value' and RFC 9110 §4.2.1 forbids an empty host in an http URI; h11 only counts Host fields, "
     "http.sys answers 400 Invalid Hostname (reference §5.4).",
     lambda c: c.engine_rejects("HOSTNAME") and len(fields_named(c.data, b"host")) == 1
     and not authority_ok(fields_named(c.data, b"host")[0]),
     host_repair),
    ("version-major",
     "An HTTP-version whose major is not 1: h11 accepts any 'HTTP/d.d'; http.sys answers 505 (reference "
     "§5.4, Version_N/S; RFC 9110 §15.6.6) and treats 0.x as a bad request.",
     lambda c: c.engine_rejects("VERSION", "BAD_REQUEST") and re.fullmatch(rb"HTTP/[02-9]\.[0-9]", version_of(c.data)),
     version_repair(rb"HTTP/[02-9]\.[0-9]")),
    ("version-minor",
     "HTTP/1.2 to 1.9: RFC 9110 §2.5 says to answer them as the highest 1.x implemented, so the engine "
     "reports 1.1 and requires Host as for 1.1; h11 keeps '1.2' and requires Host only for exactly 1.1.",
     lambda c: (c.engine_rejects("HOSTNAME") or "version" in c.diff)
     and re.fullmatch(rb"HTTP/1\.[2-9]", version_of(c.data)),
     version_repair(rb"HTTP/1\.[2-9]")),
    ("target-form",
     "The request-target's form against the method (RFC 9112 §3.2: origin-form, absolute-form, "
     "authority-form only for CONNECT, asterisk only for OPTIONS) and the authority in absolute-form "
     "(no userinfo, RFC 9110 §4.2.4; no empty host, §4.2.1): h11 takes any visible characters, http.sys "
     "answers 400 Invalid URL.",
     lambda c: c.engine_rejects("INVALID_URL") and target_of(c.data)[0] is not None
     and not target_form_ok(*target_of(c.data)),
     target_repair),
    ("target-obs-text",
     "Raw bytes 0x80-0xFF in the request-target: not allowed by RFC 3986, and h11 refuses them; http.sys "
     "accepts raw UTF-8 and, with EnableNonUTF8 (the default), ANSI/DBCS URLs (reference §3.2).",
     lambda c: c.h11_rejects("illegal request line", "Illegal target characters"),
     high_bytes_in_target),
    ("te-with-cl",
     "Transfer-Encoding with Content-Length: RFC 9112 §6.3 lets a server reject the request or let "
     "Transfer-Encoding win (and then close); h11 lets it win, http.sys rejects it as smuggling "
     "(400 Invalid Header).",
     lambda c: c.engine_rejects("INVALID_HEADER") and fields_named(c.data, b"transfer-encoding")
     and fields_named(c.data, b"content-length"),
     lambda c: replace_in_head(c.data, rb"^content-length:[^\n]*\n", b"")),
    ("te-in-http10",
     "Transfer-Encoding in an HTTP/1.0 request: RFC 9112 §6.1 says to treat the framing as faulty; h11 "
     "decodes it as chunked, the engine answers 400 Invalid Header.",
     lambda c: c.engine_rejects("INVALID_HEADER") and version_of(c.data) == b"HTTP/1.0"
     and fields_named(c.data, b"transfer-encoding"),
     lambda c: replace_in_head(c.data, rb"^transfer-encoding:[^\n]*\n", b"")),
    ("te-list-syntax",
     "A Transfer-Encoding list that is 'chunked' with empty elements or OWS (RFC 9110 §5.6.1: empty "
     "elements are ignored): h11 compares the whole value with 'chunked' and refuses (501).",
     lambda c: c.h11_rejects("Only Transfer-Encoding: chunked is supported") and c.e["status"] == "ok"
     and c.e["framing"] == "chunked",
     lambda c: replace_in_head(c.data, rb"^(transfer-encoding:)[^\r\n]*", rb"\1 chunked")),
    ("content-length-same-value",
     "Content-Length fields or list elements with the same decimal value but different spellings "
     "('7' and '007'): RFC 9110 §8.6 speaks of 'the same decimal value', the engine compares numbers; "
     "h11 compares strings and reports a conflict.",
     lambda c: c.h11_rejects("conflicting Content-Length") and c.e["status"] == "ok"
     and c.e["framing"] == "length" and same_decimal_values(c),
     lambda c: content_length_value(c, b"%d" % c.e["length"])),
    ("content-length-range",
     "A Content-Length above 2^63-1 (or of more than 19 digits): RFC 9112 §6.3 asks recipients to "
     "anticipate large numerals and prevent overflow; the engine refuses what a signed 64-bit length "
     "cannot hold, h11 has Python's integers.",
     lambda c: c.engine_rejects("BAD_REQUEST") and any(
         re.fullmatch(rb"[0-9]+", v) and (len(v) > 19 or int(v) > INT64_MAX)
         for f in fields_named(c.data, b"content-length") for v in [x.strip() for x in f.split(b",")]),
     lambda c: content_length_value(c, b"0")),
    ("limits",
     "http.sys's limits (reference §3.2: MaxFieldLength and MaxRequestBytes 16384, the URL at most "
     "65534 bytes as conn.c asks, at most 128 fields as conn.c sizes its array): h11 only bounds an "
     "incomplete event (16 KiB) and the test gives it everything at once.",
     lambda c: c.engine_rejects("REQUEST_TOO_LONG", "URL_TOO_LONG") and limits_exceeded(c),
     None),
    ("chunk-line-lenient",
     "Chunk-size lines h11 accepts but RFC 9112 §7.1.1 does not: h11 takes ';' and anything up to the "
     "CRLF as extensions and allows whitespace before the CRLF; the engine follows the grammar (400).",
     lambda c: c.engine_rejects("BAD_REQUEST") and c.e["status"] == "ok" and c.e["framing"] == "chunked"
     and chunk_lines(c) is not None and not chunk_lines_valid(c),
     canonical_chunks),
    ("chunk-line-strict",
     "Chunk-size lines the grammar allows but h11 does not: BWS before ';' (RFC 9112 §7.1.1) and more "
     "than 20 hex digits (h11's own cap; leading zeros are valid).",
     lambda c: c.h11_rejects("illegal chunk header") and c.e["status"] == "ok" and chunk_lines_valid(c),
     canonical_chunks),
    ("chunk-size-range",
     "A chunk size above 2^63-1: refused by the engine as an overflow (RFC 9112 §7.1), h11 waits for "
     "the data.",
     lambda c: c.engine_rejects("BAD_REQUEST") and huge_chunk(c),
     None),
    ("trailer-framing-fields",
     "Content-Length or Transfer-Encoding in the trailer section: h11 validates them as if they framed "
     "the message; they do not (RFC 9110 §6.5.1), and the engine drops trailers without looking.",
     lambda c: c.h11_rejects("Content-Length", "Transfer-Encoding") and c.e["status"] == "ok"
     and c.e["framing"] == "chunked",
     drop_trailer_framing),
    ("keep-alive-http10",
     "HTTP/1.0 with 'Connection: keep-alive': RFC 9112 §9.3 lets a server honour it and http.sys does; "
     "h11 never keeps a 1.0 connection.",
     keep_alive_10,
     None),
    ("length-required",
     "POST or PUT with neither Content-Length nor Transfer-Encoding: RFC 9112 §6.3 gives it an empty "
     "body, as h11 does; http.sys answers 411 Length Required (reference §5.4, 'LengthRequired'), and "
     "RFC 9110 §15.5.12 lets a server refuse such a request.",
     lambda c: c.engine_rejects("LENGTH_REQUIRED") and target_of(c.data)[0] in (b"POST", b"PUT")
     and not fields_named(c.data, b"content-length") and not fields_named(c.data, b"transfer-encoding"),
     length_repair),
    ("early-reject",
     "An unfinished head that is already invalid: the engine rejects at the first bad byte (so a "
     "client cannot make it buffer a doomed request), h11 waits for the blank line.  Holds when h11 "
     "rejects the request once the head is ended.",
     lambda c: verdict(c.e) == "reject" and verdict(c.h) == "incomplete",
     lambda c: c.data + b"\r\n\r\n"),
]


def explain(c, run, depth=0):
    """The rules that explain the difference, or None."""
    if not c.diff:
        return []
    if depth == 4:
        return None
    for name, _, applies, repair in RULES:
        if not applies(c):
            continue
        if repair is None:
            return [name]
        fixed = repair(c)
        if fixed is None or fixed == c.data:
            continue
        rest = explain(run(fixed), run, depth + 1)
        if rest is not None:
            return [name] + rest
    return None


# ---- the requests ---------------------------------------------------------------

def request(method=b"GET", target=b"/", version=b"HTTP/1.1", fields=(b"Host: example.com",), body=b"",
            lead=b"", eol=b"\r\n"):
    line = method + b" " + target + (b" " + version if version is not None else b"")
    return lead + line + eol + b"".join(f + eol for f in fields) + eol + body


def post(fields, body=b"", version=b"HTTP/1.1"):
    return request(b"POST", b"/upload", version, [b"Host: example.com"] + list(fields), body)


def chunked(body, version=b"HTTP/1.1"):
    return post([b"Transfer-Encoding: chunked"], body, version)


METHODS = [b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"TRACE", b"PATCH", b"PROPFIND", b"SEARCH",
           b"get", b"M-SEARCH", b"X!#$%&'*+.^_`|~1", b"G@T", b"G(T", b"G,T", b"G:T", b"G\x00T", b"G\x7fT",
           b"G\x80T", b"G\tT", b"", b"A" * 300, b"A" * 17000]
TARGETS = [b"/", b"/a/b?c=d&e=", b"/a#frag", b"/%41%00%zz", b"//x", b"/a;p=1", b"/caf\xc3\xa9", b"/\x80\xff",
           b"/a\x7fb", b"/a\x01b", b"/a\x00b", b"/a\tb", b"/a\x0bb", b"/a\"<>{}|\\^`b", b"*", b"**",
           b"http://example.com/x?y", b"HTTP://EXAMPLE.COM", b"https://example.com:8443/", b"http://[::1]:80/",
           b"http://user@host/", b"http:///x", b"http://host:99999/", b"http://host:/", b"ftp://host/",
           b"example.com:443", b"index.html", b"/" + b"a" * 9000, b"/" + b"a" * 20000, b"/" + b"a" * 70000]
CONNECT_TARGETS = [b"example.com:443", b"[::1]:443", b"127.0.0.1:8080", b"example.com", b"example.com:",
                   b"/", b"*", b"http://a:1/", b"user@a:1", b"a:65536"]
VERSIONS = [b"HTTP/1.1", b"HTTP/1.0", b"HTTP/1.2", b"HTTP/1.9", b"HTTP/2.0", b"HTTP/3.0", b"HTTP/0.9",
            b"HTTP/9.9", b"http/1.1", b"HTTP/1", b"HTTP/1.10", b"HTTP/11.1", b"HTTP/1.1 ", b"HTTP/1.x",
            b"FTP/1.1", b"", b"HTTP/1.1 x", b"HTTP/1.1\t", b"HTTP/1,1", None]
FIELDS = [b"X-A: b", b"X-A : b", b"X-A\t: b", b" X-A: b", b"\tX-A: b", b"X-A: b\r\n c", b"X-A: b\r\n\tc",
          b"X-A: b \r\n  c d", b": b", b"X-A", b"X-A:", b"X-A:   ", b"X(A): b", b"X/A: b", b"X\x80: b",
          b"X\x00: b", b"X-A: a\x00b", b"X-A: a\x01b", b"X-A: a\x1fb", b"X-A: a\x7fb", b"X-A: a\x0bb",
          b"X-A: a\x0cb", b"X-A: a\rb", b"X-A: \x80\xff", b"X-A: caf\xc3\xa9", b"X-A: a\tb", b"X-A: \t a \t",
          b"X-A:b", b"X-A: \"quoted, string\"", b"X-A: " + b"v" * 8000, b"X-A: " + b"v" * 17000,
          b"x-a: B", b"X-A: a", b"Cookie: a=b; c=d", b"User-Agent: t/1", b"Accept: */*"]
COMMON_FIELDS = [b"X-A: a", b"x-a: B", b"Cookie: a=b; c=d", b"User-Agent: t/1", b"Accept: */*", b"X-A:b",
                 b"X-A: \t a \t", b"X-A: \"quoted, string\""]
HOSTS = [None, b"", b"  ", b"example.com", b"Example.COM:8080", b"a b", b"a:", b"a:80", b"a:99999", b"a:8x",
         b"[::1]:8080", b"[::1", b"[v1.x]", b"user@a", b"a/b", b"a%41", b"a%4", b"ex_ample.com", b"\x80",
         b"127.0.0.1", b"a,b", b"a\tb", b"[:]", b"[::1::]", b"[1:2:3:4:5:6:7:8:9]", b"[1:2:3:4:5:6:7:8]",
         b"[::ffff:1.2.3.4]", b"[12345::]", b"[1.2.3.4]", b"[::1.2.3]", b"[::256.1.1.1]", b"[fe80::1%25eth0]",
         b"[1::2:3]:80", b"[:::]", b"[::1]:"]
CONTENT_LENGTHS = [b"5", b"0", b"007", b"-1", b"+5", b"5 5", b"0x5", b"", b" 5 ", b"5, 5", b"5,5,5", b"5, 6",
                   b"5,", b",5", b"5, , 5", b"1e3", b"5\t", b"99999999999999999999", b"9223372036854775807",
                   b"9223372036854775808", b"0000000000000000005", b"00000000000000000005", b"\"5\""]
TRANSFER_ENCODINGS = [b"chunked", b"Chunked", b"CHUNKED", b"chunked ,", b"chunked,", b", chunked", b"chunked, ,",
                      b"gzip, chunked", b"chunked, gzip", b"identity", b"gzip", b"chunked, chunked",
                      b"chunked;q=1", b"\"chunked\"", b"x;a=\"1,2\", chunked", b"", b"chun ked", b"chunkedx"]
CONNECTIONS = [b"close", b"Close", b"keep-alive", b"Keep-Alive", b"foo, close", b"closed", b"keep-alive, close",
               b"upgrade", b"", b",,close,,", b"CLOSE ,keep-alive"]
EXPECTS = [b"100-continue", b"100-Continue", b"100-continuex", b"", b"foo, 100-continue"]
CHUNK_BODIES = [
    b"5\r\nhello\r\n0\r\n\r\n", b"A\r\n0123456789\r\n0\r\n\r\n", b"a\r\n0123456789\r\n0\r\n\r\n",
    b"0005\r\nhello\r\n0\r\n\r\n", b"00000000000000000000005\r\nhello\r\n0\r\n\r\n",
    b"5;a\r\nhello\r\n0\r\n\r\n", b"5;a=b\r\nhello\r\n0\r\n\r\n", b"5;a=\"q;s\\\"\"\r\nhello\r\n0\r\n\r\n",
    b"5 ;a=b\r\nhello\r\n0\r\n\r\n", b"5;a = b\r\nhello\r\n0\r\n\r\n", b"5; a\r\nhello\r\n0\r\n\r\n",
    b"5 \r\nhello\r\n0\r\n\r\n", b"5;a \r\nhello\r\n0\r\n\r\n", b"5;\r\nhello\r\n0\r\n\r\n",
    b"5;=b\r\nhello\r\n0\r\n\r\n", b"5;a=\"x\r\nhello\r\n0\r\n\r\n", b"5;a=\x01\r\nhello\r\n0\r\n\r\n",
    b"5;a=b;c=\"d\";e\r\nhello\r\n0\r\n\r\n", b"5\t;a\r\nhello\r\n0\r\n\r\n", b"5;a@b\r\nhello\r\n0\r\n\r\n",
    b"\r\nhello\r\n0\r\n\r\n", b"x\r\nhello\r\n0\r\n\r\n", b"-5\r\nhello\r\n0\r\n\r\n",
    b"+5\r\nhello\r\n0\r\n\r\n", b"0x5\r\nhello\r\n0\r\n\r\n", b" 5\r\nhello\r\n0\r\n\r\n",
    b"5 5\r\nhello\r\n0\r\n\r\n", b"7fffffffffffffff\r\nhello", b"8000000000000000\r\nhello",
    b"ffffffffffffffffffff\r\nhello", b"5\r\nhello0\r\n\r\n", b"5\r\nhello\n0\r\n\r\n",
    b"5\r\nhelloXX\r\n0\r\n\r\n", b"5\nhello\r\n0\r\n\r\n", b"5\r\nhel", b"5\r\nhello\r\n",
    b"000\r\n\r\n", b"0;a=b\r\n\r\n", b"0\r\n\r\n", b"0\r\nX-T: v\r\n\r\n", b"0\r\nX-T: v\r\nY: w \r\n\r\n",
    b"0\r\nX-T: v\r\n w\r\n\r\n", b"0\r\nX T: v\r\n\r\n", b"0\r\nX-T v\r\n\r\n", b"0\r\nX-T: a\x01b\r\n\r\n",
    b"0\r\nX-T: v\n\r\n", b"0\r\nContent-Length: 5\r\n\r\n", b"0\r\nContent-Length: 1, 2\r\n\r\n",
    b"0\r\nTransfer-Encoding: gzip\r\n\r\n", b"0\r\n", b"0\r\n\r\nGET", b"0\r\n\n", b"0\n\r\n",
    b"3\r\na\r\n\r\n2\r\n\r\n\r\n0\r\n\r\n", b"1\r\n\x00\r\n1\r\n\xff\r\n0\r\n\r\n",
    b"5;a=b\r\nhello\r\n6;c\r\n world\r\n0;d=\"e\"\r\nX: y\r\n\r\nrest",
]

GOOD_CHUNK_BODIES = [b"5\r\nhello\r\n0\r\n\r\n", b"A\r\n0123456789\r\n0\r\n\r\n", b"5;a=b\r\nhello\r\n0\r\n\r\n",
                     b"5;a=\"q;s\\\"\"\r\nhello\r\n0\r\n\r\n", b"0\r\nX-T: v\r\nY: w \r\n\r\n",
                     b"5;a=b\r\nhello\r\n6;c\r\n world\r\n0;d=\"e\"\r\nX: y\r\n\r\nrest"]


def systematic():
    out = []
    for lead in [b"", b"\r\n", b"\r\n\r\n", b"\n", b"\r", b" ", b"\t", b"\r\n\n"]:
        out.append(request(lead=lead))
        out.append(lead)
    for m in METHODS:
        out.append(request(method=m))
    for t in TARGETS:
        out.append(request(target=t))
        out.append(request(b"OPTIONS", t))
    for t in CONNECT_TARGETS:
        out.append(request(b"CONNECT", t, fields=[b"Host: " + t]))
    for v in VERSIONS:
        out.append(request(version=v))
        out.append(request(version=v, fields=[]))
    for f in FIELDS:
        out.append(request(fields=[b"Host: example.com", f]))
        out.append(request(fields=[f, b"Host: example.com"]))
        out.append(request(version=b"HTTP/1.0", fields=[f]))
    out.append(request(fields=[b"Host: example.com"] + [b"X-%d: v" % i for i in range(127)]))
    out.append(request(fields=[b"Host: example.com"] + [b"X-%d: v" % i for i in range(128)]))
    out.append(request(fields=[b"Host: example.com"] + [b"X-%d: %s" % (i, b"v" * 200) for i in range(90)]))
    for v in [b"HTTP/1.1", b"HTTP/1.0"]:
        for h in HOSTS:
            out.append(request(version=v, fields=[] if h is None else [b"Host: " + h]))
        out.append(request(version=v, fields=[b"Host: a", b"Host: a"]))
        out.append(request(version=v, fields=[b"Host: a", b"host: b"]))
        out.append(request(version=v, fields=[b"HOST: a"]))
        out.append(request(b"GET", b"http://a.example/x", v, []))
        out.append(request(b"GET", b"http://a.example/x", v, [b"Host: b.example"]))
    for cl in CONTENT_LENGTHS:
        for body in [b"hello", b"hello" + b"x" * 2, b"hel", b""]:
            out.append(post([b"Content-Length: " + cl], body))
        out.append(post([b"Content-Length: " + cl, b"Content-Length: 5"], b"hello"))
        out.append(post([b"Content-Length: " + cl], b"hello", b"HTTP/1.0"))
    out.append(post([b"Content-Length: 5", b"Content-Length: 6"], b"hello!"))
    out.append(post([b"Content-Length: 7", b"Content-Length: 007"], b"1234567"))
    for te in TRANSFER_ENCODINGS:
        body = b"5\r\nhello\r\n0\r\n\r\n"
        out.append(post([b"Transfer-Encoding: " + te], body))
        out.append(post([b"Transfer-Encoding: " + te, b"Content-Length: 5"], body))
        out.append(post([b"Content-Length: 15", b"Transfer-Encoding: " + te], body))
        out.append(post([b"Transfer-Encoding: " + te], body, b"HTTP/1.0"))
        out.append(post([b"Transfer-Encoding: " + te, b"Transfer-Encoding: chunked"], body))
    for conn in CONNECTIONS:
        for v in [b"HTTP/1.1", b"HTTP/1.0"]:
            out.append(request(version=v, fields=[b"Host: a", b"Connection: " + conn]))
            out.append(request(version=v, fields=[b"Host: a", b"Connection: " + conn, b"Upgrade: websocket"]))
    out.append(request(version=b"HTTP/1.0", fields=[b"Connection: keep-alive", b"Connection: close"]))
    for ex in EXPECTS:
        for v in [b"HTTP/1.1", b"HTTP/1.0"]:
            out.append(post([b"Expect: " + ex, b"Content-Length: 5"], b"hello", v))
    for body in CHUNK_BODIES:
        out.append(chunked(body))
    out.append(chunked(b"".join(b"1;%s\r\nx\r\n" % (b"e" * 1000) for _ in range(17)) + b"0\r\n\r\n"))
    out.append(chunked(b"0\r\n" + b"".join(b"T-%d: v\r\n" % i for i in range(129)) + b"\r\n"))
    out.append(chunked(b"0\r\nX: " + b"v" * 17000 + b"\r\n\r\n"))
    for eol in [b"\n", b"\r\r\n", b"\n\r"]:
        out.append(request(eol=eol))
        out.append(post([b"Content-Length: 5"], b"hello").replace(b"\r\n", eol))
    base = request()
    for i in range(len(base) + 1):
        out.append(base[:i])  # every prefix: incomplete on both sides, or both reject early
    return out


INTERESTING = [b"\x00", b"\t", b" ", b"\r", b"\n", b"\r\n", b":", b",", b";", b"\"", b"\x7f", b"\x80", b"\xff",
               b"\x01", b"\x0b", b"/", b"@", b"0", b"a", b"\r\n ", b"\r\n\r\n"]


def random_requests(rng, count):
    """Mostly valid requests with one odd part here and there, and a few
    random bytes inserted or overwritten in some."""
    def pick(common, full, odd=0.07):
        return rng.choice(full) if rng.random() < odd else rng.choice(common)

    out = []
    for _ in range(count):
        version = pick([b"HTTP/1.1"] * 3 + [b"HTTP/1.0"], VERSIONS)
        method = pick([b"GET", b"POST", b"PUT", b"HEAD", b"OPTIONS", b"get"], METHODS[:-2])
        target = pick([b"/", b"/x?y=z", b"/a/b;c", b"http://example.com/p"], TARGETS[:-3])
        if method == b"OPTIONS" and rng.random() < 0.5:
            target = b"*"
        if method == b"CONNECT":
            target = rng.choice(CONNECT_TARGETS)
        fields = []
        if rng.random() < 0.95:
            fields.append(b"Host: " + pick([b"example.com", b"a:8080", b"[::1]"], HOSTS[1:]))
        for _ in range(rng.randrange(4)):
            fields.append(pick(COMMON_FIELDS, FIELDS, 0.15))
        if rng.random() < 0.3:
            fields.append(b"Connection: " + rng.choice(CONNECTIONS))
        if rng.random() < 0.15:
            fields.append(b"Expect: " + rng.choice(EXPECTS))
        body = b""
        framing = rng.random()
        if framing < 0.3:
            fields.append(b"Content-Length: " + pick([b"5"], CONTENT_LENGTHS))
            body = rng.choice([b"hello", b"hello", b"helloGET / HTTP/1.1\r\n"])
        elif framing < 0.6:
            fields.append(b"Transfer-Encoding: " + pick([b"chunked", b"Chunked"], TRANSFER_ENCODINGS))
            body = pick(GOOD_CHUNK_BODIES, CHUNK_BODIES, 0.2)
            if rng.random() < 0.05:
                fields.append(b"Content-Length: 5")
        rng.shuffle(fields)
        data = request(method, target, version, fields, body, pick([b""], [b"\r\n", b"\n", b"\r\n\r\n"], 0.05))
        for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2])):
            i = rng.randrange(len(data) + 1)
            b = rng.choice(INTERESTING)
            if rng.random() < 0.5:
                data = data[:i] + b + data[i:]
            else:
                data = data[:i] + b + data[i + len(b):]
        out.append(data)
    return out


def random_pieces(rng, count):
    """Field lines, request-targets, Host values and chunk-size lines built
    from small pieces: the grammar's corners rather than whole requests."""
    name_bytes = [b"X", b"a", b"-", b"!", b"#", b"|", b"~", b"'", b"1", b"(", b"@", b"\x80", b" ", b"\t", b"\x00"]
    value_bytes = [b"v", b"v", b" ", b"\t", b",", b";", b"\"", b"\\", b"=", b"\x80", b"\xff", b"\x7f", b"\x01",
                   b"\x1f", b"\x0b", b"\x0c", b"\x00", b"\r", b"\n", b"\r\n ", b":"]
    host_bytes = [b"a", b"a", b"1", b".", b"-", b"_", b"~", b"%", b"4", b"F", b":", b"[", b"]", b"@", b"/", b"!",
                  b",", b"\x80", b" ", b"v", b"8", b"0"]
    target_bytes = [b"/", b"/", b"a", b"?", b"#", b"%", b"*", b":", b"@", b"[", b"]", b"http://", b"https://",
                    b"\x80", b"\x7f", b"\t", b"\x00", b".", b"=", b"&", b"\"", b"{", b"\\"]
    ext_bytes = [b";", b";", b" ", b"\t", b"=", b"a", b"a", b"b", b"\"", b"\\", b"\x01", b"\x80", b"\x7f", b",",
                 b"!", b"@", b"0", b"F"]

    def word(pieces, lo, hi):
        return b"".join(rng.choice(pieces) for _ in range(rng.randint(lo, hi)))

    out = []
    for _ in range(count):
        kind = rng.randrange(4)
        if kind == 0:
            name = word(name_bytes[:10], 1, 6) if rng.random() < 0.7 else word(name_bytes, 0, 6)
            sep = rng.choice([b":", b": ", b":\t", b": \t ", b" :", b"", b"::"])
            field = name + sep + word(value_bytes[:10] if rng.random() < 0.5 else value_bytes, 0, 8)
            out.append(request(fields=[b"Host: a", field], version=rng.choice([b"HTTP/1.1", b"HTTP/1.0"])))
        elif kind == 1:
            target = word(target_bytes, 1, 8)
            method = rng.choice([b"GET", b"OPTIONS", b"CONNECT", b"POST"])
            out.append(request(method, target))
        elif kind == 2:
            host = word(host_bytes, 0, 10)
            out.append(request(fields=[b"Host: " + host], version=rng.choice([b"HTTP/1.1", b"HTTP/1.0"])))
        else:
            line = rng.choice([b"5", b"05", b"5", b"a"]) + word(ext_bytes, 0, 8)
            size = int(re.match(rb"[0-9a-fA-F]+", line).group(0), 16)
            body = line + b"\r\n" + b"x" * size + b"\r\n0" + rng.choice([b"", b";" + word(ext_bytes, 0, 6)]) + b"\r\n\r\n"
            out.append(chunked(body))
    return out


def main():
    probe = Probe(sys.argv[1])
    h11_cache = {}

    def run(data):
        if data not in h11_cache:
            h11_cache[data] = run_h11(data)
        return Case(data, probe.run(data), h11_cache[data])

    requests = systematic() + random_requests(random.Random(1234), 4000) + random_pieces(random.Random(5678), 4000)
    used = {name: 0 for name, _, _, _ in RULES}
    agreed = explained = 0
    for data in requests:
        try:
            c = run(data)
        except RuntimeError as err:  # its sanitizer report is on stderr
            check(False, "%s on %r" % (err, data[:200]))
            return report()
        problems = rfc_problems(c)
        if problems:
            check(False, "the engine accepted an invalid %s in %r" % (", ".join(problems), data[:200]))
            continue
        if not c.diff:
            agreed += 1
            check(True, "")
            continue
        rules = explain(c, run)
        if rules is not None:
            explained += 1
            for r in set(rules):
                used[r] += 1
            if VERBOSE:
                print("allowed %s: %r" % ("+".join(rules), data[:120]))
            check(True, "")
            continue
        e = {k: v for k, v in c.e.items() if k not in ("headers", "trailers")}
        h = {k: v for k, v in c.h.items() if k not in ("headers", "trailers")}
        check(False, "%s differ on %r\n    engine: %s\n    h11:    %s" % (", ".join(c.diff), data[:200], e, h))
    for name, why, _, _ in RULES:
        check(used[name] > 0, "rule %s explains no request: drop it or generate what it is about" % name)
    rc = probe.close()
    check(rc == 0, "parse_probe exited with %d" % rc)
    print("%d requests: %d agree, %d differ as allowed (%s)" % (
        len(requests), agreed, explained, ", ".join("%s %d" % (n, k) for n, k in used.items())))
    return report()


if __name__ == "__main__":
    sys.exit(main())
