#!/usr/bin/env python3
"""The engine end to end, without Wine: this script plays the driver on the
control channel and real HTTP clients on the listening ports.

usage: test_engine.py ENGINE_BINARY WORKDIR
Prints one line per failed check and ends with "RESULT <passed> <failed>"."""

import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from enginectl import (Engine, Image, status_of, free_port, connects, wire_response, IOCTL_QUEUE_INFO,
                       IOCTL_RECEIVE_BODY, IOCTL_SEND, IOCTL_SERVICE_STATE, HDR, AUTH_MAGIC, PROTO_VERSION,
                       IOCTL_WAIT_DISCONNECT, IOCTL_CANCEL_REQUEST, IOCTL_QUEUE_NAME, IOCTL_DEMAND_START,
                       IOCTL_RECEIVE_REQUEST, IOCTL_CACHE_ADD, IOCTL_CACHE_READ, IOCTL_CACHE_FLUSH, cache_params,
                       IOCTL_QUEUE_LIMITS, IOCTL_GROUP_CREATE, IOCTL_GROUP_CLOSE, IOCTL_GROUP_REMOVE_URL,
                       IOCTL_GROUP_BIND, IOCTL_QUEUE_STATE, SPROP_STATE, SPROP_CONN_LIMIT, SPROP_BANDWIDTH,
                       SPROP_LOGGING, IOCTL_FIND_GROUP, IOCTL_DELEGATE, IOCTL_ADD_URL, IOCTL_REMOVE_URL, ctl_code)

BASE = 0x7f0000000000


def http(port, raw, timeout=5, family=socket.AF_INET, host="127.0.0.1"):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    if raw:
        s.sendall(raw)
    return s


def read_response(s, timeout=5, head=False):
    """Reads one response; returns (status, headers dict, body).  A response
    to HEAD has no body whatever its Content-Length says."""
    s.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            return None, {}, data
        data += chunk
    top, rest = data.split(b"\r\n\r\n", 1)
    lines = top.split(b"\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, v = line.split(b":", 1)
        headers[k.strip().lower().decode()] = v.strip().decode()
    n = 0 if head else int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:n]


def closed_by_peer(s, timeout=3):
    s.settimeout(timeout)
    try:
        while True:
            d = s.recv(65536)
            if not d:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def receive_image(eng, file, out_size=16384, flags=0, request_id=0):
    op = eng.receive(file, request_id, flags, out_size, 1, BASE)
    return op


def serving_engine(binary, rundir, *args, **kwargs):
    """An engine with queue 1 registered for http://+:PORT/; returns (engine, PORT)."""
    eng = Engine(binary, rundir, *args, **kwargs)
    port = free_port()
    eng.open(1)
    eng.set_queue(1)
    eng.add_url(1, "http://+:%d/" % port)
    return eng, port


def test_auth(binary, workdir):
    """A connection without the secret is dropped; the driver's still works."""
    rundir = os.path.join(workdir, "auth")
    eng = Engine.__new__(Engine)
    # start the engine by hand so that an impostor can try first
    import subprocess
    os.makedirs(rundir, mode=0o700, exist_ok=True)
    proc = subprocess.Popen([binary, "--rundir", rundir])
    ready = os.path.join(rundir, "ready")
    for _ in range(500):
        if os.path.exists(ready):
            break
        time.sleep(0.01)
    port, secret = int(open(ready).read().split()[0]), bytes.fromhex(open(ready).read().split()[1])
    check(oct(os.stat(ready).st_mode & 0o777) == "0o600", "ready file is mode 0600")
    check(oct(os.stat(rundir).st_mode & 0o777) == "0o700", "run directory is mode 0700")
    check(oct(os.stat(os.path.join(rundir, "doorbell")).st_mode & 0o777) == "0o600", "doorbell is mode 0600")
    for bad in (b"\0" * 32, secret[:-1] + bytes([secret[-1] ^ 1])):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(HDR.pack(HDR.size + 40, 1, 0, 0, 0) + struct.pack("<II", AUTH_MAGIC, PROTO_VERSION) + bad)
        check(closed_by_peer(s), "a connection with a wrong secret is dropped")
        s.close()
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + b"\0" * 40)
    check(closed_by_peer(s), "a connection that speaks something else is dropped")
    s.close()
    # the real one still gets in
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(HDR.pack(HDR.size + 40, 1, 0, 0, 0) + struct.pack("<II", AUTH_MAGIC, PROTO_VERSION) + secret)
    s.settimeout(3)
    hdr = s.recv(HDR.size)
    check(len(hdr) == HDR.size and HDR.unpack(hdr)[1] == 2, "the right secret gets WELCOME")
    # once a driver is in, nobody else can even connect
    try:
        t = socket.create_connection(("127.0.0.1", port), timeout=1)
        check(closed_by_peer(t, 1), "no second control connection")
    except OSError:
        check(True, "no second control connection")
    s.close()   # the driver went away: the engine exits
    try:
        code = proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = None
    check(code == 0, "the engine exits when the driver's channel closes (got %r)" % code)
    check(not os.path.exists(ready), "the ready file is removed on exit")


def test_queue_and_requests(binary, workdir):
    eng = Engine(binary, os.path.join(workdir, "main"))
    port = free_port()
    eng.open(1)
    check(eng.set_queue(1)[0] == 0, "SET_QUEUE creates the queue")
    st, info, data = eng.call(1, IOCTL_QUEUE_INFO, b"", 528)
    check(st == 0 and len(data) == 528, "QUEUE_INFO answers")
    shm_path = data[16:16 + 256].split(b"\0")[0].decode()
    check(shm_path.startswith("/dev/shm/httpsys-") and os.path.exists(shm_path), "queue has shared memory")
    check(oct(os.stat(shm_path).st_mode & 0o777) == "0o600", "shared memory is mode 0600")

    check(eng.add_url(1, "http://+:%d/a/" % port)[0] == 0, "add http://+:port/a/")
    check(eng.add_url(1, "http://+:%d/a/" % port)[0] == status_of(183), "same prefix again: ERROR_ALREADY_EXISTS")
    check(eng.add_url(1, "http://+:%d/a" % port)[0] == status_of(87), "no trailing slash: ERROR_INVALID_PARAMETER")
    check(eng.add_url(1, "HTTP://+:%d/b/" % port)[0] == status_of(87), "uppercase scheme: ERROR_INVALID_PARAMETER")
    check(eng.add_url(1, "http://+:0/b/")[0] == status_of(87), "port 0: ERROR_INVALID_PARAMETER")
    check(eng.remove_url(1, "http://+:%d/zz/" % port)[0] == status_of(2), "remove unknown: ERROR_FILE_NOT_FOUND")
    # frames at odd offsets in one read: configuration text of odd length,
    # then an OPEN (found by fuzz_tls: the engine read hs_msg_open misaligned)
    eng.sock.sendall(HDR.pack(HDR.size + 3, 10, 0, 0, 0) + b"x\n\n" + HDR.pack(HDR.size + 8, 3, 0, 0, 77) +
                     struct.pack("<II", 1234, 0))
    check(eng.call(77, IOCTL_QUEUE_INFO, b"", 528)[0] == status_of(87), "a file opened by a misaligned frame exists")
    eng.close(77)
    # shorter than hs_url_params (found by fuzz_control: the engine freed a pointer it never set)
    check(eng.call(1, IOCTL_ADD_URL, b"\1\2\3\4")[0] == status_of(87), "ADD_URL cut short: ERROR_INVALID_PARAMETER")
    check(eng.call(1, IOCTL_REMOVE_URL, b"\1\2\3\4")[0] == status_of(87), "REMOVE_URL cut short: ERROR_INVALID_PARAMETER")
    check(eng.add_url(1, "http://localhost:%d/loc/" % port, context=77)[0] == 0, "add a named host")

    # a receive waits, a request completes it
    op = receive_image(eng, 1)
    check(eng.wait(op, 0.3) is None, "a receive waits for a request")
    c = http(port, b"GET /a/b%20c?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + str(port).encode() +
             b"\r\nUser-Agent: t\r\nX-Test: one\r\nAccept: a\r\nAccept: b\r\n\r\n")
    st, info, data = eng.wait(op) or (None, None, b"")
    check(st == 0, "the receive completes with the request (status %r)" % st)
    img = Image(data, BASE)
    check(img.verb == 4, "Verb is HttpVerbGET")
    check(img.version == (1, 1), "Version 1.1")
    check(img.raw_url == b"/a/b%20c?x=1", "RawUrl %r" % img.raw_url)
    check(img.full_url == "http://127.0.0.1:%d/a/b c?x=1" % port, "FullUrl %r" % img.full_url)
    check(img.host == "127.0.0.1:%d" % port, "Host part %r" % img.host)
    check(img.abs_path == "/a/b c", "AbsPath %r" % img.abs_path)
    check(img.query == "?x=1", "QueryString %r" % img.query)
    check(img.known(28) == b"127.0.0.1:%d" % port, "Host header")
    check(img.known(40) == b"t", "User-Agent header")
    check(img.known(20) == b"a, b", "repeated Accept joined: %r" % img.known(20))
    check(img.unknown() == [(b"X-Test", b"one")], "unknown header %r" % img.unknown())
    check(img.request_id != 0 and img.connection_id != 0, "ids are set")
    check(img.url_context == 0, "UrlContext 0 for the + prefix")
    check(img.flags & 1 == 0, "no MORE_ENTITY_BODY for a GET")
    check(img.bytes_received > 0, "BytesReceived")
    first_conn = img.connection_id

    r = wire_response(img.request_id, body=b"hello", known={12: b"text/plain"}, unknown=[(b"X-Custom", b"1")])
    st, info, _ = eng.call(1, IOCTL_SEND, r)
    check(st == 0, "send completes")
    status, headers, body = read_response(c)
    check(status == 200 and body == b"hello", "client gets 200 and the body")
    check(headers.get("content-length") == "5", "Content-Length added")
    check(headers.get("server") == "Microsoft-HTTPAPI/2.0", "Server header")
    check("date" in headers, "Date header")
    check(headers.get("x-custom") == "1" and headers.get("content-type") == "text/plain", "app headers")
    st, _, _ = eng.call(1, IOCTL_SEND, r)
    check(st == status_of(1229), "a second final send: ERROR_CONNECTION_INVALID")

    # keep-alive and pipelining: two requests in one write, same connection id
    c.sendall(b"GET /a/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /a/2 HTTP/1.1\r\nHost: x\r\n\r\n")
    ids = []
    for n in (1, 2):
        st, _, data = eng.wait(receive_image(eng, 1)) or (None, None, b"")
        img = Image(data, BASE)
        check(st == 0 and img.raw_url == b"/a/%d" % n, "pipelined request %d arrives in order" % n)
        check(img.connection_id == first_conn, "same ConnectionId on a keep-alive connection")
        ids.append(img.request_id)
        eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"r%d" % n))
        status, _, body = read_response(c)
        check(status == 200 and body == b"r%d" % n, "pipelined response %d in order" % n)
    check(ids[0] != ids[1], "RequestIds differ")
    c.close()

    # a named host: context delivered; other hosts/paths get http.sys's pages
    c = http(port, b"GET /loc/x HTTP/1.1\r\nHost: localhost:%d\r\n\r\n" % port)
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, None, b"")
    check(st == 0 and Image(data, BASE).url_context == 77, "UrlContext of the named prefix")
    eng.call(1, IOCTL_SEND, wire_response(Image(data, BASE).request_id))
    read_response(c)
    c.close()
    eng.remove_url(1, "http://+:%d/a/" % port)
    c = http(port, b"GET /nothing HTTP/1.1\r\nHost: localhost:%d\r\n\r\n" % port)
    status, headers, body = read_response(c)
    check(status == 404 and len(body) == 315, "known host, unknown path: 404 page")
    check(headers.get("connection") == "close" and closed_by_peer(c), "404 closes the connection")
    c = http(port, b"GET /loc/ HTTP/1.1\r\nHost: other.example:%d\r\n\r\n" % port)
    status, _, body = read_response(c)
    check(status == 400 and b"Invalid Hostname" in body and len(body) == 334, "unknown host: 400 Invalid Hostname")
    eng.add_url(1, "http://+:%d/a/" % port)

    # MORE_DATA, then the same request by id
    c = http(port, b"GET /a/long HTTP/1.1\r\nHost: x\r\nX-Long: " + b"v" * 2000 + b"\r\n\r\n")
    st, info, data = eng.wait(receive_image(eng, 1, out_size=900)) or (None, 0, b"")
    check(st == status_of(234), "small buffer: ERROR_MORE_DATA (%r)" % st)
    check(info > 2000, "needed size reported (%r)" % info)
    rid = struct.unpack_from("<Q", data, 16)[0] if len(data) >= 24 else 0
    check(rid != 0, "RequestId written with ERROR_MORE_DATA")
    st, _, data = eng.wait(receive_image(eng, 1, out_size=info, request_id=rid)) or (None, 0, b"")
    check(st == 0 and Image(data, BASE).unknown()[0][1] == b"v" * 2000, "the same request by id")
    st, _, _ = eng.wait(receive_image(eng, 1, out_size=info, request_id=rid))
    check(st == status_of(38), "by id again after it was received: ERROR_HANDLE_EOF")
    eng.call(1, IOCTL_SEND, wire_response(rid))
    read_response(c)

    # entity body: MORE_ENTITY_BODY, pieces, then ERROR_HANDLE_EOF
    c = http(port, b"POST /a/p HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.flags & 1, "POST: HTTP_REQUEST_FLAG_MORE_ENTITY_BODY_EXISTS")
    body = b""
    for _ in range(5):
        st, n, d = eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", img.request_id, 0, 0), 4)
        if st != 0:
            break
        body += d[:n]
    check(body == b"0123456789", "body read in pieces: %r" % body)
    check(st == status_of(38), "then ERROR_HANDLE_EOF")
    eng.call(1, IOCTL_SEND, wire_response(img.request_id))
    read_response(c)
    st, _, _ = eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", 12345, 0, 0), 4)
    check(st == status_of(1229), "body of an unknown request: ERROR_CONNECTION_INVALID")

    # COPY_BODY puts the body into the request
    c.sendall(b"POST /a/q HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
    st, _, data = eng.wait(receive_image(eng, 1, flags=1)) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.entity_chunk_count == 1 and img.body() == b"abc", "COPY_BODY: one chunk with the body")
    check(img.flags & 1 == 0, "COPY_BODY took everything: no MORE flag")
    eng.call(1, IOCTL_SEND, wire_response(img.request_id))
    read_response(c)

    # a COPY_BODY receive already waiting gets the body that came with the head
    op = receive_image(eng, 1, flags=1)
    check(eng.wait(op, 0.2) is None, "a COPY_BODY receive waits")
    c.sendall(b"POST /a/w HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nxyz")
    st, _, data = eng.wait(op) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.entity_chunk_count == 1 and img.body() == b"xyz",
          "a waiting COPY_BODY receive gets the body that arrived with the head")
    eng.call(1, IOCTL_SEND, wire_response(img.request_id))
    read_response(c)

    # chunked request body
    c.sendall(b"POST /a/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    st, n, d = eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", img.request_id, 0, 0), 100)
    check(st == 0 and d[:n] == b"abcde", "chunked body decoded: %r" % d[:n])
    eng.call(1, IOCTL_SEND, wire_response(img.request_id))
    read_response(c)

    # cancel and close abort what is pending
    op = receive_image(eng, 1)
    eng.cancel(op)
    res = eng.wait(op)
    check(res is not None and res[0] == 0xC0000120, "CANCEL completes the receive as cancelled")
    eng.open(2)
    eng.set_queue(2)
    op = receive_image(eng, 2)
    eng.close(2)
    res = eng.wait(op)
    check(res is not None and res[0] == 0xC0000120, "closing the file aborts its pending receive")

    # a client that goes away while its request waits
    c.close()
    c = http(port, b"POST /a/gone HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    c.close()
    time.sleep(0.2)
    st, n, d = eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", img.request_id, 0, 0), 100)
    st2, _, _ = eng.call(1, IOCTL_SEND, wire_response(img.request_id))
    check(st2 == status_of(1229), "send after the client went away: ERROR_CONNECTION_INVALID")

    # IPv6
    try:
        c = http(port, b"GET /a/6 HTTP/1.1\r\nHost: [::1]\r\n\r\n", family=socket.AF_INET6, host="::1")
        st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
        img = Image(data, BASE)
        check(st == 0 and img.raw_url == b"/a/6", "request over IPv6")
        eng.call(1, IOCTL_SEND, wire_response(img.request_id))
        read_response(c)
    except OSError:
        print("skip: no IPv6 loopback")

    # the service state snapshot lists the queue and its prefixes
    st, n, data = eng.call(1, IOCTL_SERVICE_STATE, b"", 65536)
    text = data[:n].decode()
    check(st == 0 and ("http://+:%d/a/" % port) in text and text.startswith("Q "), "service state lists prefixes")

    # a malformed request gets a 400
    c = http(port, b"GET /a/ HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n")
    status, _, _ = read_response(c)
    check(status == 400, "whitespace before the colon: 400")

    check(eng.shutdown() == 0, "SHUTDOWN: the engine exits cleanly")
    check(eng.bye, "SHUTDOWN: BYE before exiting")
    check(not os.path.exists(shm_path), "shared memory removed")
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        check(False, "listeners closed after shutdown")
    except OSError:
        check(True, "listeners closed after shutdown")


def test_no_connection_blocks_others(binary, workdir):
    """A client that sends half a request holds nothing up; MaxConnections
    is enforced."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    eng, port = serving_engine(binary, os.path.join(workdir, "conns"), ["MaxConnections:dword=1024"])
    slow = http(port, b"GET / HTTP/1.1\r\nHo")
    c = http(port, b"GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    check(st == 0 and Image(data, BASE).raw_url == b"/fast", "a half-sent request does not hold up another connection")
    eng.call(1, IOCTL_SEND, wire_response(Image(data, BASE).request_id, body=b"ok"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"ok", "the other connection is answered")
    held = [slow, c]
    if hard >= 1100:
        for _ in range(1024 - len(held)):
            held.append(http(port, b""))
        time.sleep(0.5)
        extra = http(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        check(closed_by_peer(extra, 3), "connection 1025 with MaxConnections=1024 is refused")
        held[0].close()
        time.sleep(0.3)
        extra = http(port, b"GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
        st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
        check(st == 0 and Image(data, BASE).raw_url == b"/again", "a connection is accepted again once one closes")
        held.append(extra)
    else:
        print("skip: descriptor limit %d too low for the MaxConnections check" % hard)
    for s in held:
        s.close()
    eng.shutdown()
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_configuration_records(binary, workdir):
    """The IP listen list and the timeouts of the configuration store."""
    eng = Engine(binary, os.path.join(workdir, "records"), config="listen 127.0.0.1\n")
    port = free_port()
    eng.open(1)
    eng.set_queue(1)
    check(eng.add_url(1, "http://+:%d/" % port)[0] == 0, "register with a listen list")
    check(connects("127.0.0.1", port), "the listed address is listened on (list from driver start)")
    check(not connects("::1", port, socket.AF_INET6), "an address not in the list is not")
    st, _, _ = eng.apply_config(1, "listen 127.0.0.2\n")
    check(st == 0, "a new listen list applies")
    check(connects("127.0.0.2", port), "the new address is listened on at once")
    check(not connects("127.0.0.1", port), "the old one no longer")
    eng.apply_config(1, "")
    check(connects("127.0.0.1", port) and connects("::1", port, socket.AF_INET6),
          "an empty list: every address again")
    st, _, _ = eng.apply_config(1, "timeout headerwait 1\ntimeout idle 2\nbogus line\n")
    check(st == 0, "timeouts apply (a bad line is skipped)")
    t0 = time.time()
    c = http(port, b"GET / HTTP/1.1\r\nHo")
    check(closed_by_peer(c, 5) and time.time() - t0 < 3, "a head not finished within HeaderWait=1 s is cut off")
    # a byte every 0.3 s: HeaderWait counts from the first byte, not from the latest
    t0 = time.time()
    c = http(port, b"G")
    c.settimeout(0.3)
    cut = False
    for b in b"ET / HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz":
        try:
            c.send(bytes([b]))
            if c.recv(100) == b"":
                cut = True
                break
        except socket.timeout:
            continue
        except OSError:
            cut = True
            break
    check(cut and time.time() - t0 < 3, "a client trickling its head is cut at HeaderWait=1 s (%.1f s)" % (time.time() - t0))
    t0 = time.time()
    c = http(port, b"")
    check(closed_by_peer(c, 6) and 1.5 < time.time() - t0 < 4.5, "an idle connection is closed after IdleConnection=2 s")
    eng.shutdown()
    check("ignoring a record that does not parse (bogus line)" in open(os.path.join(workdir, "records", "engine.log"), errors="replace").read(),
          "the bad record is logged")


def test_parameters(binary, workdir):
    rundir = os.path.join(workdir, "params")
    eng, port = serving_engine(binary, rundir, ["MaxFieldLength:dword=100", "MaxRequestBytes:dword=300000000",
                                                "EnableKernelSSL:sz=yes"])
    c = http(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 150 + b"\r\n\r\n")
    status, _, body = read_response(c)
    check(status == 400 and b"Request Too Long" in body, "MaxFieldLength=100 applies to a 160-byte header")
    c = http(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 50 + b"\r\n\r\n")
    op = receive_image(eng, 1)
    st, _, data = eng.wait(op) or (None, 0, b"")
    check(st == 0, "a header under MaxFieldLength passes")
    eng.shutdown()
    log = open(os.path.join(rundir, "engine.log")).read()
    check("MaxRequestBytes = 300000000 is outside" in log, "out-of-range MaxRequestBytes logged")
    check("EnableKernelSSL has registry type sz" in log, "wrong-type EnableKernelSSL logged")

    eng, port = serving_engine(binary, rundir, ["MaxFieldLength:dword=10"])
    c = http(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 150 + b"\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    check(st == 0, "MaxFieldLength=10 is out of range: the default 16384 applies")
    eng.shutdown()
    check("MaxFieldLength = 10 is outside 64..65534" in open(os.path.join(rundir, "engine.log")).read(),
          "out-of-range MaxFieldLength logged")


def test_file_chunks(binary, workdir):
    """File chunks (HttpDataChunkFromFileHandle) go out with sendfile, in
    their place among the memory chunks."""
    eng, port = serving_engine(binary, os.path.join(workdir, "files"))
    big = os.path.join(workdir, "big.bin")
    small = os.path.join(workdir, "small.bin")
    data = os.urandom(3 << 20)
    with open(big, "wb") as f:
        f.write(data)
    with open(small, "wb") as f:
        f.write(b"0123456789")

    def request(method=b"GET"):
        c = http(port, method + b" /f HTTP/1.1\r\nHost: x\r\n\r\n")
        st, _, img = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
        return c, Image(img, BASE).request_id if st == 0 else 0

    c, rid = request()
    r = wire_response(rid, body=b"head-" + b"tail", files=[(5, 100, 2 << 20, big), (9, 0, 10, small)])
    st, info, _ = eng.call(1, IOCTL_SEND, r)
    check(st == 0 and info == 9 + (2 << 20) + 10, "a send with file chunks completes with every byte counted (%r)" % info)
    status, headers, body = read_response(c, 20)
    expect = b"head-" + data[100:100 + (2 << 20)] + b"tail" + b"0123456789"
    check(headers.get("content-length") == str(len(expect)), "Content-Length counts the file chunks")
    check(body == expect, "the body is the memory and file chunks in order (%r, %d bytes)" % (status, len(body)))
    c, rid = request(b"HEAD")
    eng.call(1, IOCTL_SEND, wire_response(rid, files=[(0, 0, 10, small)]))
    status, headers, body = read_response(c, head=True)
    check(status == 200 and headers.get("content-length") == "10" and body == b"", "HEAD: the length, no body")
    c.settimeout(0.5)
    try:
        extra = c.recv(100)
    except socket.timeout:
        extra = b""
    check(extra == b"", "HEAD: no file bytes follow")
    c, rid = request()
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, files=[(0, 0, 10, small, 12345)]))
    check(st == status_of(1006), "a path that is not the handle's file: ERROR_FILE_INVALID (%#x)" % (st or 0))
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, files=[(0, 5, 10, small)]))
    check(st == status_of(38), "a range past the end of the file: ERROR_HANDLE_EOF")
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, files=[(0, 0, 10, "/nonexistent/file", 1)]))
    check(st == status_of(1006), "a missing file: ERROR_FILE_INVALID")
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"ab", files=[(3, 0, 10, small)]))
    check(st == status_of(87), "a file placed past the memory body: ERROR_INVALID_PARAMETER")
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, files=[(0, 0, 10, "/dev/zero", os.stat("/dev/zero").st_ino)]))
    check(st == status_of(1006), "a device is not a file chunk")
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"ok"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"ok", "after refused sends the request is still answerable (%r %r)" % (status, body))
    # the client is gone: the head goes out, the client's reset makes the
    # file chunk fail, and the send must end without touching the request
    c, rid = request()
    c.close()
    time.sleep(0.2)
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"head-", files=[(5, 0, 10, small)])) or (None, 0, b"")
    check(st == 0, "a send whose client left in the middle of it completes (%r)" % st)
    c, rid = request()
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"ok"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"ok", "the engine goes on serving (%r %r)" % (status, body))
    eng.shutdown()


def test_ranges(binary, workdir):
    """PROCESS_RANGES (0x20) cuts the whole response the application sent,
    file chunks included, into what the Range field asks for."""
    eng, port = serving_engine(binary, os.path.join(workdir, "ranges"))
    big = os.path.join(workdir, "ranges.bin")
    data = os.urandom(1 << 20)
    with open(big, "wb") as f:
        f.write(data)
    whole = b"<" + data[7:7 + 500000] + b">" + data[600000:700000]
    files = [(1, 7, 500000, big), (2, 600000, 100000, big)]

    def exchange(range_field, flags=0x20, method=b"GET", extra=b""):
        c = http(port, method + b" /r HTTP/1.1\r\nHost: x\r\nRange: " + range_field + b"\r\n" + extra + b"\r\n")
        st, _, img = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
        rid = Image(img, BASE).request_id if st == 0 else 0
        st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"<>", flags=flags, files=files,
                                                         known={12: b"application/x-test", 22: b'"e1"'}))
        check(st == 0, "a send with PROCESS_RANGES completes (%r)" % st)
        return c, read_response(c, 20, head=method == b"HEAD")

    c, (status, headers, body) = exchange(b"bytes=0-99999")
    check(status == 206 and headers.get("content-range") == "bytes 0-99999/%d" % len(whole) and body == whole[:100000],
          "a range across a memory chunk and a file chunk (%r %r)" % (status, headers.get("content-range")))
    c, (status, headers, body) = exchange(b"bytes=-50000")
    check(status == 206 and body == whole[-50000:], "a suffix range over the second file chunk")
    c, (status, headers, body) = exchange(b"bytes=499990-500010, 3-4 ,-1")
    boundary = headers.get("content-type", "").partition("boundary=")[2].encode()
    expect = b""
    for i, (a, b) in enumerate(((499990, 500010), (3, 4), (len(whole) - 1, len(whole) - 1))):
        expect += (b"\r\n" if i else b"") + b"--" + boundary + b"\r\nContent-Type: application/x-test\r\n"
        expect += b"Content-Range: bytes %d-%d/%d\r\n\r\n" % (a, b, len(whole)) + whole[a:b + 1]
    expect += b"\r\n--" + boundary + b"--\r\n"
    check(status == 206 and boundary and body == expect, "three ranges as multipart/byteranges (%r, %d bytes)" % (status, len(body)))
    c, (status, headers, body) = exchange(b"bytes=%d-" % len(whole))
    check(status == 416 and headers.get("content-range") == "bytes */%d" % len(whole) and body == b"", "416 (%r)" % status)
    # hostile fields: the whole body, and the engine goes on
    for field in (b"bytes=" + b"0-0," * 3000, b"bytes=" + b"9" * 4000 + b"-", b"bytes=0-" + b"9" * 4000,
                  b"bytes=" + b"1-1," * 17, b"bytes=0-5,3-8", b"bytes=\xff\xfe", b"bytes=-"):
        c, (status, headers, body) = exchange(field)
        check(status in (200, 206, 416) and (status != 200 or body == whole),
              "a hostile Range field %r... gets a sane answer (%r)" % (field[:20], status))
    c, (status, headers, body) = exchange(b"bytes=0-9", extra=b'If-Range: "e0"\r\n')
    check(status == 200 and body == whole, "If-Range with another ETag: the whole body")
    c, (status, headers, body) = exchange(b"bytes=0-9", extra=b'If-Range: "e1"\r\n')
    check(status == 206 and body == whole[:10], "If-Range with the ETag: the range")
    c, (status, headers, body) = exchange(b"bytes=0-9", flags=0)
    check(status == 200 and body == whole, "without the flag: the whole body")
    c, (status, headers, body) = exchange(b"bytes=0-9", method=b"HEAD")
    check(status == 200 and headers.get("content-length") == str(len(whole)), "HEAD: the whole length")
    # file chunks that add up past 2^63 are refused, not cut
    c = http(port, b"GET /r HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n")
    st, _, img = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    rid = Image(img, BASE).request_id if st == 0 else 0
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, flags=0x20, files=[(0, 0, (1 << 63) - 1, big, 1)] * 3))
    check(st == status_of(87), "file chunks longer than 2^63 in all: ERROR_INVALID_PARAMETER (%r)" % st)
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"ok"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"ok", "the engine goes on serving (%r %r)" % (status, body))
    # BUFFER_DATA (4) and ENABLE_NAGLING (8) change no byte; the last send flushes
    c = http(port, b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, img = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    rid = Image(img, BASE).request_id if st == 0 else 0
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"[", flags=0x4 | 0x2, known={11: b"42"}))
    for i in range(20):
        eng.call(1, IOCTL_SEND, wire_response(rid, body=b"%02d" % i, flags=(0x4 if i % 2 else 0x8) | 0x2, kind=2))
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"]", flags=0x4, kind=2))
    status, headers, body = read_response(c)
    check(status == 200 and body == b"[" + b"".join(b"%02d" % i for i in range(20)) + b"]",
          "BUFFER_DATA and ENABLE_NAGLING sends arrive whole (%r)" % body)
    eng.shutdown()


def conn_lines(eng):
    """{connection id: (request pending, input buffer bytes, output buffer bytes)} from the service state."""
    st, n, data = eng.call(1, IOCTL_SERVICE_STATE, b"", 1 << 20)
    out = {}
    for line in data[:n].decode().splitlines():
        f = line.split()
        if f and f[0] == "C":
            out[int(f[1])] = (int(f[2]), int(f[3]), int(f[4]))
    return out


def test_connection_buffers(binary, workdir):
    """A connection holds buffers sized to what arrived while a request is
    served, and none at all between requests."""
    eng, port = serving_engine(binary, os.path.join(workdir, "buffers"))
    c = http(port, b"GET /small HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.raw_url == b"/small", "a small request arrives")
    held = conn_lines(eng).get(img.connection_id)
    check(held is not None and held[0] == 1, "the service state lists the connection with its request (%r)" % (held,))
    check(held is not None and held[1] <= 1024,
          "a 34-byte request is held in a small buffer, not a whole read buffer (%r)" % (held,))
    eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"ok"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"ok", "the small request is answered")
    time.sleep(0.2)
    check(conn_lines(eng).get(img.connection_id) == (0, 0, 0), "an idle keep-alive connection holds no buffers")

    # a chunked body is decoded across reads, the decoder kept only meanwhile
    c.sendall(b"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.raw_url == b"/chunked", "a chunked request arrives")
    c.sendall(b"6\r\n world\r\n0\r\n\r\n")
    got = b""
    for _ in range(5):
        st, n, body = eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", img.request_id, 0, 0), 64)
        if st != 0:
            break
        got += body[:n]
    check(got == b"hello world", "the chunked body arrives whole (%r)" % got)
    eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"ok"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"ok", "the chunked request is answered")
    time.sleep(0.2)
    check(conn_lines(eng).get(img.connection_id) == (0, 0, 0), "after a chunked body the connection holds no buffers")
    c.close()
    eng.shutdown()


class ShmHeader:
    """The queue's shared header (struct hs_shm_header), as httpapi.dll sees it."""
    HANDED_OVER, REQ_READY, SERVERS_LOOKING = 68, 88, 92

    def __init__(self, path):
        import mmap
        fd = os.open(path, os.O_RDWR)
        try:
            self.map = mmap.mmap(fd, 4096)
        finally:
            os.close(fd)

    @classmethod
    def of_queue(cls, eng):
        """Queue 1's header, found through QUEUE_INFO."""
        st, _, data = eng.call(1, IOCTL_QUEUE_INFO, b"", 528)
        return cls(data[16:16 + 256].split(b"\0")[0].decode())

    def get(self, off):
        return struct.unpack_from("<I", self.map, off)[0]

    def set(self, off, value):
        struct.pack_into("<I", self.map, off, value)


def test_ring_handover(binary, workdir):
    """While a server thread looks at the ring, new requests go there even
    with a receive waiting in the driver; when the servers go quiet, the
    waiting receive gets them, and the shared header counts such requests
    until the server acts on them.  A looking count nobody lowers does not
    strand requests."""
    eng, port = serving_engine(binary, os.path.join(workdir, "handover"))
    shm = ShmHeader.of_queue(eng)

    op = receive_image(eng, 1)
    shm.set(ShmHeader.SERVERS_LOOKING, 1)
    c = http(port, b"GET /ring HTTP/1.1\r\nHost: x\r\n\r\n")
    check(eng.wait(op, 0.05) is None, "a thread looks at the ring: the waiting receive does not get the request")
    check(shm.get(ShmHeader.REQ_READY) == 1, "the request is in the ring (req_ready %d)" % shm.get(ShmHeader.REQ_READY))
    check(shm.get(ShmHeader.HANDED_OVER) == 0, "nothing handed over yet")
    shm.set(ShmHeader.SERVERS_LOOKING, 0)
    st, _, data = eng.wait(op, 2) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.raw_url == b"/ring", "the servers went quiet: the waiting receive takes the request from the ring")
    check(shm.get(ShmHeader.REQ_READY) == 0, "the ring is empty again")
    check(shm.get(ShmHeader.HANDED_OVER) == 1, "the header counts the request given through the driver")
    eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"ok"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"ok", "it is answered")
    check(shm.get(ShmHeader.HANDED_OVER) == 0, "the server acted on it: the count is back to 0")

    # a thread that died while looking: the count stays up, the request must still go out
    op = receive_image(eng, 1)
    shm.set(ShmHeader.SERVERS_LOOKING, 1)
    started = time.time()
    c.sendall(b"GET /stale HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(op, 3) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.raw_url == b"/stale",
          "a looking count left up does not strand the request (%.2f s)" % (time.time() - started))
    eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"ok"))
    read_response(c)
    shm.set(ShmHeader.SERVERS_LOOKING, 0)

    # a connection that goes away settles its count too
    c2 = http(port, b"GET /gone HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1), 2) or (None, 0, b"")
    check(st == 0 and shm.get(ShmHeader.HANDED_OVER) == 1, "a second request through the driver is counted")
    c2.close()
    time.sleep(0.3)
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(Image(data, BASE).request_id, body=b"late"))
    check(shm.get(ShmHeader.HANDED_OVER) == 0, "a request whose client left is not counted any more")
    c.close()
    eng.shutdown()


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_half_closed_client(binary, workdir):
    """A client that shuts its side after its request still gets the
    response, and the engine sleeps meanwhile (EPOLLRDHUP is level-triggered:
    it used to wake the loop without end)."""
    eng, port = serving_engine(binary, os.path.join(workdir, "halfclose"))
    c = http(port, b"GET /half HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.raw_url == b"/half", "the request arrives")
    c.shutdown(socket.SHUT_WR)
    time.sleep(0.2)
    before = cpu_seconds(eng.proc.pid)
    time.sleep(1.0)
    used = cpu_seconds(eng.proc.pid) - before
    check(used < 0.3, "the engine sleeps while a half-closed client waits for its response (%.2f s CPU in 1 s)" % used)
    eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"late"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"late", "the half-closed client gets its response")
    c.close()
    eng.shutdown()


def test_slot_tags(binary, workdir):
    """A request slot is reused at once; its state word carries the request's
    tag, and the engine leaves a successor's state alone when a send for the
    request that ended comes late."""
    eng, port = serving_engine(binary, os.path.join(workdir, "slots"))
    shm = ShmHeader.of_queue(eng)
    slots_off = struct.unpack_from("<Q", shm.map, 16)[0]

    def app_state(request_id):
        return shm.get(slots_off + (request_id & 0xffff) * 16 + 8)

    def tag(request_id):
        return ((request_id >> 16) << 8) & 0xffffffff

    c = http(port, b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    first = Image(data, BASE).request_id
    check(app_state(first) == tag(first), "a new request's slot holds its tag and no bits (%#x)" % app_state(first))
    eng.call(1, IOCTL_SEND, wire_response(first, body=b"1"))
    read_response(c)
    c.sendall(b"GET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    second = Image(data, BASE).request_id
    check(second & 0xffff == first & 0xffff and second != first, "the next request reuses the slot")
    check(app_state(second) == tag(second), "with its own tag (%#x)" % app_state(second))
    shm.set(slots_off + (second & 0xffff) * 16 + 8, tag(second) | 1)   # a server begins a send (SENDING)
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(first, body=b"late"))
    check(st == status_of(1229), "a late send for the ended request: ERROR_CONNECTION_INVALID")
    check(app_state(second) == tag(second) | 1, "the successor's SENDING bit is left alone (%#x)" % app_state(second))
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(second, body=b"2"))
    status, _, body = read_response(c)
    check(st == 0 and status == 200 and body == b"2", "the successor is answered")
    check(app_state(second) & 0xff == 0 or app_state(second) == 0, "its send through the driver cleared SENDING")
    c.close()
    eng.shutdown()


def test_disconnects(binary, workdir):
    """WAIT_DISCONNECT pends until the client closes its side (or completes at
    once when it has, ERROR_CONNECTION_INVALID for a connection the engine
    does not have); CANCEL_REQUEST resets the request's connection."""
    eng, port = serving_engine(binary, os.path.join(workdir, "disconnects"))
    st, _, _ = eng.call(1, IOCTL_WAIT_DISCONNECT, struct.pack("<Q", 987654321))
    check(st == status_of(1229), "WAIT_DISCONNECT of an unknown connection: ERROR_CONNECTION_INVALID")
    st, _, _ = eng.call(1, IOCTL_WAIT_DISCONNECT, b"\1")
    check(st == status_of(87), "WAIT_DISCONNECT with a short input: ERROR_INVALID_PARAMETER")

    c = http(port, b"GET /w HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    op = eng.ioctl(1, IOCTL_WAIT_DISCONNECT, struct.pack("<Q", img.connection_id))
    check(eng.wait(op, 0.3) is None, "WAIT_DISCONNECT pends while the client stays")
    c.close()
    done = eng.wait(op, 3)
    check(done is not None and done[0] == 0, "the client closed with its request pending: WAIT_DISCONNECT completes")
    st, _, _ = eng.call(1, IOCTL_WAIT_DISCONNECT, struct.pack("<Q", img.connection_id))
    check(st in (0, status_of(1229)), "another wait on that connection ends at once (%#x)" % st)
    eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"late"))

    c = http(port, b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    op = eng.ioctl(1, IOCTL_WAIT_DISCONNECT, struct.pack("<Q", img.connection_id))
    st, _, _ = eng.call(1, IOCTL_CANCEL_REQUEST, struct.pack("<Q", img.request_id))
    check(st == 0, "CANCEL_REQUEST of a delivered request succeeds")
    reset = False
    try:
        c.settimeout(3)
        reset = c.recv(100) == b""
    except ConnectionResetError:
        reset = True
    check(reset, "the client of a cancelled request sees its connection reset")
    done = eng.wait(op, 3)
    check(done is not None and done[0] == 0, "the cancelled request's connection ends its disconnect wait")
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"x"))
    check(st == status_of(1229), "a send for the cancelled request: ERROR_CONNECTION_INVALID")
    st, _, _ = eng.call(1, IOCTL_CANCEL_REQUEST, struct.pack("<Q", img.request_id))
    check(st == status_of(1229), "cancelling it again: ERROR_CONNECTION_INVALID")
    c.close()
    eng.shutdown()


def test_opaque(binary, workdir):
    """A 101 sent with OPAQUE: the client's bytes become the request's body,
    entity sends reach the client raw, the client's close ends the body."""
    eng, port = serving_engine(binary, os.path.join(workdir, "opaque"))
    c = http(port, b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: p\r\nConnection: Upgrade\r\n\r\nearly")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    img = Image(data, BASE)
    check(st == 0 and img.raw_url == b"/ws", "the upgrade request arrives")
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(img.request_id, status=101, reason=b"Switching Protocols",
                                                      flags=0x40 | 0x2, known={1: b"Upgrade", 7: b"p"}))
    check(st == 0, "101 with OPAQUE | MORE_DATA is sent")
    c.settimeout(3)
    head = b""
    while b"\r\n\r\n" not in head:
        head += c.recv(1000)
    check(head.startswith(b"HTTP/1.1 101 ") and b"Connection: close" not in head, "the client gets the 101 (%r)" % head[:40])
    c.sendall(b"GET / HTTP/1.1\r\n\r\n")
    time.sleep(0.2)
    st, n, body = eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", img.request_id, 0, 0), 100)
    check(st == 0 and body[:n] == b"earlyGET / HTTP/1.1\r\n\r\n", "bytes after the request are body, unparsed (%r)" % body[:n])
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"raw", flags=0x2, kind=2))
    check(st == 0, "an entity send on the upgraded connection")
    got = c.recv(100)
    check(got == b"raw", "the client gets the bytes unframed (%r)" % got)
    c.shutdown(socket.SHUT_WR)
    st, _, _ = eng.call(1, IOCTL_RECEIVE_BODY, struct.pack("<QII", img.request_id, 0, 0), 100)
    check(st == status_of(38), "the client's close ends the body: ERROR_HANDLE_EOF (%#x)" % (st or 0))
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(img.request_id, body=b"end", kind=2))
    check(st == 0 and c.recv(100) == b"end" and closed_by_peer(c), "the final send goes out and closes the connection")
    c.close()
    eng.shutdown()


def qname(flags, name):
    return struct.pack("<II", flags, len(name)) + name


def test_named_queues(binary, workdir):
    """Names are unique without regard to case, hostile names are refused, another handle joins
    the queue by name, a controller's handle does no I/O and alone waits for demand."""
    CREATE, OPEN, CONTROLLER = 1, 2, 4
    eng, port = serving_engine(binary, os.path.join(workdir, "named"))
    st, _, _ = eng.call(1, IOCTL_QUEUE_NAME, qname(CREATE, b"Alpha"))
    check(st == 0, "a queue takes a name")
    eng.open(2)
    eng.set_queue(2, 2)
    st, _, _ = eng.call(2, IOCTL_QUEUE_NAME, qname(CREATE, b"ALPHA"))
    check(st == status_of(183), "the same name in other case: ERROR_ALREADY_EXISTS (%r)" % st)
    for bad, what, err in ((qname(CREATE, b"a\\b"), "a backslash", 123), (qname(CREATE, b"a\0b"), "a NUL", 123),
                           (struct.pack("<II", CREATE, 0xffffffff) + b"x", "a length past the input", 87),
                           (qname(CREATE, b"x" * 2000), "a name too long", 87), (b"\1", "a short record", 87),
                           (qname(CREATE | OPEN, b"beta"), "CREATE with OPEN", 87), (qname(0, b"beta"), "no verb", 87)):
        st, _, _ = eng.call(2, IOCTL_QUEUE_NAME, bad)
        check(st == status_of(err), "%s: error %d (%r)" % (what, err, st))
    eng.open(3)
    st, _, _ = eng.call(3, IOCTL_QUEUE_NAME, qname(OPEN, b"nothing"))
    check(st == status_of(2), "opening an unknown name: ERROR_FILE_NOT_FOUND (%r)" % st)
    st, _, _ = eng.call(3, IOCTL_QUEUE_NAME, qname(OPEN, b"alpha"))
    check(st == 0, "opening the name joins the queue")
    c = http(port, b"GET /joined HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 3)) or (None, 0, b"")
    check(st == 0 and Image(data, BASE).raw_url == b"/joined", "the joined handle receives the queue's request")
    st, _, _ = eng.call(3, IOCTL_SEND, wire_response(Image(data, BASE).request_id, body=b"j"))
    check(st == 0 and read_response(c)[2] == b"j", "and answers it")
    c.close()
    st, _, _ = eng.call(3, IOCTL_DEMAND_START)
    check(st == status_of(1343), "demand start without a controller: ERROR_INVALID_ID_AUTHORITY (%r)" % st)
    eng.close(1)
    eng.open(4)
    eng.set_queue(4, 2)
    st, _, _ = eng.call(4, IOCTL_QUEUE_NAME, qname(CREATE, b"alpha"))
    check(st == status_of(183), "the name stays taken while a joined handle is open (%r)" % st)
    eng.close(3)
    st, _, _ = eng.call(4, IOCTL_QUEUE_NAME, qname(CREATE | CONTROLLER, b"alpha"))
    check(st == 0, "free again once every handle closed; taken by a controller")
    eng.add_url(4, "http://+:%d/ctl/" % port)
    st, _, _ = eng.wait(eng.receive(4, 0, 0, 16384, 2, BASE)) or (None, 0, b"")
    check(st == status_of(6), "a controller's receive: ERROR_INVALID_HANDLE (%r)" % st)
    st, _, _ = eng.call(4, IOCTL_SEND, wire_response(1))
    check(st == status_of(6), "a controller's send: ERROR_INVALID_HANDLE (%r)" % st)
    op = eng.ioctl(4, IOCTL_DEMAND_START)
    st, _, _ = eng.call(4, IOCTL_DEMAND_START)
    check(st == status_of(183), "a second demand wait: ERROR_ALREADY_EXISTS (%r)" % st)
    eng.open(5, pid=999)
    st, _, _ = eng.call(5, IOCTL_QUEUE_NAME, qname(OPEN, b"alpha"))
    check(st == 0, "another process opens the controller's queue")
    st, _, _ = eng.call(5, IOCTL_DEMAND_START)
    check(st == status_of(1343), "its demand wait: ERROR_INVALID_ID_AUTHORITY (%r)" % st)
    eng.close(5)
    c = http(port, b"GET /ctl/x HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, _ = eng.wait(op) or (None, 0, b"")
    check(st == 0, "a request completes the demand wait")
    op = eng.ioctl(4, IOCTL_DEMAND_START)
    st, _, _ = eng.wait(op, timeout=2) or (None, 0, b"")
    check(st == 0, "a request already waiting completes it at once")
    eng.open(6)
    eng.call(6, IOCTL_QUEUE_NAME, qname(OPEN, b"alpha"))
    st, _, data = eng.wait(receive_image(eng, 6)) or (None, 0, b"")
    check(st == 0, "a worker's handle receives the request")
    eng.call(6, IOCTL_SEND, wire_response(Image(data, BASE).request_id, body=b"w"))
    check(read_response(c)[2] == b"w", "and answers it")
    c.close()
    op = eng.ioctl(4, IOCTL_DEMAND_START)
    check(eng.wait(op, timeout=0.5) is None, "with nothing waiting the wait pends")
    eng.close(6)
    eng.close(4)
    st, _, _ = eng.wait(op) or (None, 0, b"")
    check(st == status_of(995), "closing the controller's handle ends its wait: ERROR_OPERATION_ABORTED (%r)" % st)
    eng.close(2)


def test_named_queue_sd(binary, workdir):
    """A named queue keeps its creator's security descriptor as opaque bytes and gives them to
    each opener; descriptors that are too short or too long, or whose length lies, are refused
    without harm, and an opener whose output cannot hold the descriptor joins nothing."""
    CREATE, OPEN, SD = 1, 2, 0x10
    SD_MAX = 20 + 68 + 68 + 65535

    def with_sd(flags, name, sd, length=None):
        return qname(flags | SD, name) + struct.pack("<I", len(sd) if length is None else length) + sd

    eng, port = serving_engine(binary, os.path.join(workdir, "named_sd"))
    sd = bytes(range(256)) * 3 + b"\0" * 12
    for bad, what in ((with_sd(CREATE, b"q", b"x" * 19), "a descriptor shorter than its header"),
                      (with_sd(CREATE, b"q", b"x" * (SD_MAX + 1)), "a descriptor over the largest one"),
                      (with_sd(CREATE, b"q", sd, len(sd) + 1), "a length past the input"),
                      (with_sd(CREATE, b"q", sd, len(sd) - 1), "a length short of the input"),
                      (with_sd(CREATE, b"q", sd, 0xffffffff), "a length of 2^32-1"),
                      (with_sd(CREATE, b"q", sd, 0xfffffffc), "a length that wraps the sum"),
                      (qname(CREATE | SD, b"q") + b"\1\0", "a length cut short"),
                      (qname(CREATE | SD, b"q"), "no length at all"),
                      (with_sd(OPEN, b"q", sd), "a descriptor with OPEN")):
        st, _, _ = eng.call(1, IOCTL_QUEUE_NAME, bad)
        check(st == status_of(87), "%s: ERROR_INVALID_PARAMETER (%r)" % (what, st))
    eng.open(10)
    eng.set_queue(10, 2)
    st, _, _ = eng.call(10, IOCTL_QUEUE_NAME, with_sd(CREATE, b"Secured", sd))
    check(st == 0, "a name with a descriptor is taken (%r)" % st)
    eng.open(2)
    st, _, _ = eng.call(2, IOCTL_QUEUE_NAME, qname(OPEN, b"secured"), len(sd) - 1)
    check(st == status_of(122), "an opener whose output is too small: ERROR_INSUFFICIENT_BUFFER (%r)" % st)
    st, n, data = eng.call(2, IOCTL_QUEUE_NAME, qname(OPEN, b"secured"), SD_MAX)
    check(st == 0 and n == len(sd) and data[:n] == sd, "the opener gets the descriptor back as given (%r, %r)" % (st, n))
    eng.open(3)
    st, n, _ = eng.call(3, IOCTL_QUEUE_NAME, qname(CREATE, b"plain"))
    check(st == status_of(87), "a file that is no queue cannot name one (%r)" % st)
    eng.set_queue(3, 2)
    st, n, _ = eng.call(3, IOCTL_QUEUE_NAME, with_sd(CREATE, b"largest", b"s" * SD_MAX))
    check(st == 0, "the largest descriptor is kept (%r)" % st)
    eng.open(4)
    st, n, data = eng.call(4, IOCTL_QUEUE_NAME, qname(OPEN, b"largest"), SD_MAX)
    check(st == 0 and n == SD_MAX and data[:n] == b"s" * SD_MAX, "and given back whole (%r, %r)" % (st, n))
    eng.close(4)
    eng.close(3)
    eng.open(5)
    eng.set_queue(5, 2)
    st, _, _ = eng.call(5, IOCTL_QUEUE_NAME, qname(CREATE, b"bare"))
    eng.open(6)
    st, n, _ = eng.call(6, IOCTL_QUEUE_NAME, qname(OPEN, b"bare"))
    check(st == 0 and n == 0, "a queue named without a descriptor opens with no output (%r, %r)" % (st, n))
    for f in (6, 5, 2, 10):
        eng.close(f)
    eng.open(7)
    eng.set_queue(7, 2)
    st, _, _ = eng.call(7, IOCTL_QUEUE_NAME, qname(CREATE, b"secured"))
    check(st == 0, "the name is free once every handle closed (%r)" % st)
    eng.open(8)
    st, n, _ = eng.call(8, IOCTL_QUEUE_NAME, qname(OPEN, b"secured"))
    check(st == 0 and n == 0, "and its new queue has no descriptor of the old one's (%r, %r)" % (st, n))
    eng.shutdown()


def cache_lines(eng):
    st, n, data = eng.call(1, IOCTL_SERVICE_STATE, b"", 1 << 20)
    return [line.split() for line in data[:n].decode().splitlines() if line.startswith("K ")]


def test_cache(binary, workdir):
    """The kernel cache: fragments, fragment chunks, the response cache and its registry values."""
    rundir = os.path.join(workdir, "cache")
    eng, port = serving_engine(binary, rundir, ["UriMaxUriBytes:dword=4096"])
    frag = "http://+:%d/frag" % port

    def get(path, extra=b""):
        return http(port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n" + extra + b"\r\n")

    def request(path, extra=b""):
        c = get(path, extra)
        st, _, img = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
        return c, Image(img, BASE).request_id if st == 0 else 0

    st, _, _ = eng.call(1, IOCTL_CACHE_ADD, cache_params(frag, 1, data=b"FRAGMENT"))
    check(st == 0, "a fragment is added (%r)" % st)
    st, n, data = eng.call(1, IOCTL_CACHE_READ, cache_params(frag), 64)
    check(st == 0 and data[:n] == b"FRAGMENT", "and read back (%r %r)" % (st, data))
    st, n, data = eng.call(1, IOCTL_CACHE_READ, cache_params(frag), 3)
    check(st == status_of(234) and n == 8, "a small buffer: ERROR_MORE_DATA with the size (%r %r)" % (st, n))
    st, n, data = eng.call(1, IOCTL_CACHE_READ, cache_params(frag, flags=1, offset=2, length=3), 64)
    check(st == 0 and data[:n] == b"AGM", "a range (%r %r)" % (st, data[:n]))
    st, _, _ = eng.call(1, IOCTL_CACHE_READ, cache_params("http://+:%d/none" % port), 64)
    check(st == status_of(3), "a missing fragment: ERROR_PATH_NOT_FOUND (%#x)" % (st or 0))
    st, _, _ = eng.call(1, IOCTL_CACHE_ADD, cache_params("http://+:%d/frag" % (port + 1), 1, data=b"x"))
    check(st == status_of(87), "a name under no registration: ERROR_INVALID_PARAMETER")
    st, _, _ = eng.call(1, IOCTL_CACHE_ADD, cache_params(frag, 3, data=b"x"))
    check(st == status_of(87), "a bad policy: ERROR_INVALID_PARAMETER")
    st, _, _ = eng.call(1, IOCTL_CACHE_ADD, struct.pack("<IIIIQQ", 1, 0, 0, 1000, 0, 0) + b"http://")
    check(st == status_of(87), "a name longer than the input: ERROR_INVALID_PARAMETER")
    st, _, _ = eng.call(1, IOCTL_CACHE_FLUSH, cache_params(frag, flags=4))
    check(st == status_of(87), "a flush with an unknown flag: ERROR_INVALID_PARAMETER")

    # fragment chunks: the engine inserts the bytes, in their places
    c, rid = request(b"/page")
    r = wire_response(rid, body=b"<>", frags=[(1, 0, 0xffffffffffffffff, 0, frag), (2, 4, 4, 0, frag)])
    st, info, _ = eng.call(1, IOCTL_SEND, r)
    check(st == 0 and info == 2 + 8 + 4, "a send with fragment chunks counts their bytes (%r %r)" % (st, info))
    status, headers, body = read_response(c)
    check(body == b"<FRAGMENT>MENT" and headers.get("content-length") == "14", "the body has them (%r)" % body)
    c, rid = request(b"/page")
    for bad, what in ((wire_response(rid, body=b"ab", frags=[(3, 0, 1, 0, frag)]), "past the memory body"),
                      (wire_response(rid, body=b"ab", frags=[(0, 0, 1, 1, frag)]), "after a file chunk there is not"),
                      (wire_response(rid, body=b"ab", frags=[(0, 0, 100, 0, frag)]), "a range past the fragment"),
                      (wire_response(rid, body=b"ab", frags=[(0, 0, 1, 0, "bad name")]), "a name that is no URL")):
        st, _, _ = eng.call(1, IOCTL_SEND, bad)
        check(st == status_of(87), "a fragment chunk %s: ERROR_INVALID_PARAMETER (%#x)" % (what, st or 0))
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"ab", frags=[(0, 0, 1, 0, frag + "x")]))
    check(st == status_of(3), "a fragment not cached: ERROR_PATH_NOT_FOUND (%#x)" % (st or 0))
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"ok"))
    read_response(c)

    # the response cache: the second GET never reaches the queue
    c, rid = request(b"/cached")
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"kept", cache=(1, 0),
                                                     known={19: b"Sun, 06 Nov 1994 08:49:37 GMT"}))
    check(st == 0 and read_response(c)[2] == b"kept", "a response with a policy goes out")
    status, headers, body = read_response(get(b"/cached"))
    check(status == 200 and body == b"kept" and "date" in headers, "the cache answers the next GET (%r %r)" % (status, body))
    lines = cache_lines(eng)
    check(len(lines) == 1 and lines[0][1] == "1" and lines[0][-1].endswith("/cached"),
          "the service state lists it (%r)" % lines)
    check(len(lines) == 1 and lines[0][5] == "1", "with one hit (%r)" % lines)
    # a client that pipelines cached GETs and reads nothing: the engine holds little of the answers
    c, rid = request(b"/kb")
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"k" * 3000, cache=(1, 0)))
    status, headers, body = read_response(c)
    c.close()
    s2 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s2.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s2.connect(("127.0.0.1", port))
    s2.sendall(b"GET /kb HTTP/1.1\r\nHost: x\r\n\r\n" * 2000)
    time.sleep(1)
    held = [v[2] for v in conn_lines(eng).values()]
    check(held and max(held) <= (2 << 20), "unsent answers stay under 2 MiB (%r)" % held)
    s2.settimeout(10)
    data = b""
    try:
        while data.count(b"HTTP/1.1 200") < 2000 or not data.endswith(b"k" * 3000):
            chunk = s2.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    check(data.count(b"HTTP/1.1 200") == 2000 and data.count(b"k" * 3000) == 2000,
          "all 2000 pipelined answers arrive (%d)" % data.count(b"HTTP/1.1 200"))
    s2.close()
    # UriMaxUriBytes=4096: a bigger response is sent, not kept
    c, rid = request(b"/big")
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"b" * 5000, cache=(1, 0)))
    check(len(read_response(c)[2]) == 5000, "a 5000-byte response goes out")
    c = get(b"/big")
    op = receive_image(eng, 1)
    st, _, img = eng.wait(op) or (None, 0, b"")
    check(st == 0, "a response above UriMaxUriBytes is not cached: the queue gets the next request")
    eng.call(1, IOCTL_SEND, wire_response(Image(img, BASE).request_id if st == 0 else 0, body=b"x"))
    c.close()
    # netsh http delete cache: a handle that is no queue flushes every queue's entries
    eng.open(2)
    st, _, _ = eng.call(2, IOCTL_CACHE_FLUSH, cache_params("http://+:%d/elsewhere/" % port, flags=1))
    check(st == 0 and len(cache_lines(eng)) == 2, "a flush elsewhere leaves the entries (%r)" % st)
    st, _, _ = eng.call(2, IOCTL_CACHE_FLUSH, cache_params("bad"))
    check(st == status_of(87), "a flush of no URL: ERROR_INVALID_PARAMETER")
    st, _, _ = eng.call(2, IOCTL_CACHE_FLUSH, struct.pack("<IIIIQQ", 0, 0, 0, 0, 0, 0))
    check(st == 0 and cache_lines(eng) == [], "a flush without a name empties the cache (%r)" % st)
    c, rid = request(b"/cached")
    check(rid != 0, "the application gets the request again")
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"kept", cache=(1, 0)))
    read_response(c)
    eng.close(2)
    st, _, _ = eng.call(1, IOCTL_CACHE_ADD, cache_params(frag, 1, data=b"FRAGMENT"))
    check(st == 0 and len(cache_lines(eng)) == 1, "cached again, and the fragment")
    # removing a URL takes its entries: neither the response nor the fragment stays
    eng.add_url(1, "http://+:%d/other/" % port)
    eng.remove_url(1, "http://+:%d/other/" % port)
    check(cache_lines(eng) == [], "removing a URL of the queue empties its cache")
    st, _, _ = eng.call(1, IOCTL_CACHE_READ, cache_params(frag), 64)
    check(st == status_of(3), "its fragments too")
    eng.shutdown()

    # UriEnableCache=0: nothing is kept
    eng, port = serving_engine(binary, rundir, ["UriEnableCache:dword=0"])
    st, _, _ = eng.call(1, IOCTL_CACHE_ADD, cache_params("http://+:%d/frag" % port, 1, data=b"x"))
    check(st == status_of(50), "UriEnableCache=0: a fragment is ERROR_NOT_SUPPORTED (%#x)" % (st or 0))
    c = get(b"/cached")
    st, _, img = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    eng.call(1, IOCTL_SEND, wire_response(Image(img, BASE).request_id if st == 0 else 0, body=b"kept", cache=(1, 0)))
    read_response(c)
    check(cache_lines(eng) == [], "UriEnableCache=0: no response is kept")
    eng.shutdown()

    # UriScavengerPeriod: entries nobody used for a period go
    eng, port = serving_engine(binary, rundir, ["UriScavengerPeriod:dword=10"])
    frag = "http://+:%d/frag" % port
    eng.call(1, IOCTL_CACHE_ADD, cache_params(frag, 1, data=b"x"))
    eng.call(1, IOCTL_CACHE_ADD, cache_params(frag + "2", 1, data=b"y"))
    time.sleep(6)
    st, _, _ = eng.call(1, IOCTL_CACHE_READ, cache_params(frag + "2"), 64)
    check(st == 0, "a fragment within the scavenger period")
    time.sleep(5)
    st, _, _ = eng.call(1, IOCTL_CACHE_READ, cache_params(frag), 64)
    check(st == status_of(3), "a fragment unused for UriScavengerPeriod is gone (%#x)" % (st or 0))
    st, _, _ = eng.call(1, IOCTL_CACHE_READ, cache_params(frag + "2"), 64)
    check(st == 0, "one used within the period stays (%#x)" % (st or 0))


def test_url_groups(binary, workdir):
    """Server sessions and URL groups: a group's URLs are registered when added,
    unbound they get a 503, bound they reach the queue; state, connection
    limit and bandwidth act on requests; a closed session takes everything."""
    eng = Engine(binary, os.path.join(workdir, "groups"))
    port = free_port()
    G, H = 0x1111, 0x2222
    eng.open(1)                      # the session
    eng.open(2)                      # a queue of the same process
    eng.open(3, pid=999)             # a queue of another process
    eng.set_queue(2, 2)
    eng.set_queue(3, 2)
    qid = struct.unpack_from("<Q", eng.call(2, IOCTL_QUEUE_INFO, b"", 528)[2])[0]
    other_qid = struct.unpack_from("<Q", eng.call(3, IOCTL_QUEUE_INFO, b"", 528)[2])[0]
    check(eng.call(1, IOCTL_GROUP_CREATE, struct.pack("<Q", G))[0] == 0, "GROUP_CREATE")
    check(eng.call(1, IOCTL_GROUP_CREATE, struct.pack("<Q", G))[0] == status_of(183), "the same group twice: ERROR_ALREADY_EXISTS")
    check(eng.call(1, IOCTL_GROUP_CREATE, struct.pack("<Q", H))[0] == 0, "a second group")
    check(eng.call(2, IOCTL_GROUP_CREATE, struct.pack("<Q", G))[0] == status_of(87), "a queue is no session")
    check(eng.set_queue(1, 2)[0] == status_of(87), "a session never becomes a queue")
    url = "http://+:%d/g/" % port
    check(eng.group_url(1, G, url, context=0x77)[0] == 0, "a URL added to an unbound group")
    check(eng.group_url(1, H, url)[0] == status_of(183), "the same URL in another group: ERROR_ALREADY_EXISTS")
    check(eng.add_url(2, url)[0] == status_of(183), "the same URL on a queue: ERROR_ALREADY_EXISTS")
    check(eng.group_url(1, 0x3333, url)[0] == status_of(87), "a group that does not exist")

    def get(path, keep=False):
        c = http(port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            st, _, body = read_response(c, timeout=2)
        except (ConnectionResetError, socket.timeout):
            st, body = "reset", b""
        if keep:
            return st, body, c
        c.close()
        return st, body

    st, body = get(b"/g/x")
    check(st == 503 and b"HTTP Error 503. The service is unavailable." in body, "unbound group: 503 (%r)" % st)

    bind = lambda group, q: eng.call(1, IOCTL_GROUP_BIND, struct.pack("<QQ", group, q))[0]
    check(bind(G, other_qid) == status_of(87), "binding to another process's queue is refused")
    check(bind(G, 12345) == status_of(87), "binding to no queue is refused")
    check(bind(G, qid) == 0, "GROUP_BIND")

    # bound: the queue gets it, on a connection kept for what follows
    op = eng.receive(2, 0, 0, 16384, 2, BASE)
    c = http(port, b"GET /g/x HTTP/1.1\r\nHost: x\r\n\r\n")
    done = eng.wait(op, 2)
    check(done is not None and done[0] == 0 and Image(done[2], BASE).url_context == 0x77,
          "bound: the queue gets the request with the URL's context")
    if done and done[0] == 0:
        eng.call(2, IOCTL_SEND, wire_response(Image(done[2], BASE).request_id, body=b"ok"))
    check(read_response(c)[0] == 200, "bound: 200")

    # the connection limit: c counts against G; another connection is refused
    check(eng.server_property(1, G, SPROP_CONN_LIMIT, 1)[0] == 0, "connection limit 1")
    check(eng.server_property(1, 0, SPROP_CONN_LIMIT, 1)[0] == status_of(87), "a session has no connection limit")
    check(get(b"/g/y")[0] == "reset", "over the limit, Basic verbosity: reset")
    eng.call(2, IOCTL_QUEUE_LIMITS, struct.pack("<II", 1000, 1))
    check(get(b"/g/y")[0] == 503, "over the limit, Limited verbosity: 503")
    c.close()
    time.sleep(0.2)
    op = eng.receive(2, 0, 0, 16384, 2, BASE)
    c = http(port, b"GET /g/z HTTP/1.1\r\nHost: x\r\n\r\n")
    done = eng.wait(op, 2)
    check(done is not None and done[0] == 0, "a connection closed: room for another")
    rid = Image(done[2], BASE).request_id if done and done[0] == 0 else 0
    check(eng.server_property(1, G, SPROP_CONN_LIMIT, 0, present=0)[0] == 0, "connection limit taken away")

    # bandwidth: a 64 KiB response at 1024 bytes per second trickles; the
    # session closing while the connection waits must leave nothing dangling
    check(eng.server_property(1, G, SPROP_BANDWIDTH, 1000)[0] == status_of(87), "bandwidth below 1024 is refused")
    check(eng.server_property(1, G, SPROP_BANDWIDTH, 1024)[0] == 0, "bandwidth 1024")
    eng.call(2, IOCTL_SEND, wire_response(rid, body=b"b" * 65536))
    c.settimeout(0.3)
    got = b""
    deadline = time.time() + 1.5
    while time.time() < deadline:
        try:
            got += c.recv(65536)
        except socket.timeout:
            pass
    check(0 < len(got) < 8192, "throttled: some bytes, not all (%d)" % len(got))

    # states: group, session, queue
    check(eng.server_property(1, H, SPROP_STATE, 2)[0] == status_of(87), "state 2 is refused")
    check(eng.server_property(1, G, SPROP_STATE, 1)[0] == 0, "group inactive")
    check(get(b"/g/s")[0] == 503, "inactive group: 503 (Limited)")
    check(eng.server_property(1, G, SPROP_STATE, 0)[0] == 0, "group active")
    check(eng.server_property(1, 0, SPROP_STATE, 1)[0] == 0, "session inactive")
    check(get(b"/g/s")[0] == 503, "inactive session: 503 (Limited)")
    check(eng.server_property(1, 0, SPROP_STATE, 0, present=0)[0] == 0, "session state taken away")
    check(eng.call(2, IOCTL_QUEUE_STATE, struct.pack("<I", 1))[0] == 0, "queue inactive")
    check(get(b"/g/s")[0] == 503, "inactive queue: 503 (Limited)")
    check(eng.call(2, IOCTL_QUEUE_STATE, struct.pack("<I", 2))[0] == status_of(87), "queue state 2 is refused")
    check(eng.call(2, IOCTL_QUEUE_STATE, struct.pack("<I", 0))[0] == 0, "queue active")

    # the service state lists a bound group's URLs under its queue
    st, n, data = eng.call(1, IOCTL_SERVICE_STATE, b"", 65536)
    check(("U %d http://+:%d/g/" % (qid, port)).encode() in data[:n], "service state shows the group's URL under the queue")

    # unbinding and removing
    check(bind(G, 0) == 0, "unbinding")
    check(get(b"/g/u")[0] == 503, "unbound again: 503")
    check(eng.group_url(1, G, url, code=IOCTL_GROUP_REMOVE_URL)[0] == 0, "GROUP_REMOVE_URL")
    check(eng.group_url(1, G, url, code=IOCTL_GROUP_REMOVE_URL)[0] == status_of(2), "removing it twice: ERROR_FILE_NOT_FOUND")
    check(eng.group_url(1, H, url)[0] == 0, "the URL is free for another group")
    check(eng.call(1, IOCTL_GROUP_CLOSE, struct.pack("<Q", H))[0] == 0, "GROUP_CLOSE")
    check(eng.call(1, IOCTL_GROUP_CLOSE, struct.pack("<Q", H))[0] == status_of(87), "GROUP_CLOSE twice")
    check(eng.group_url(1, G, url)[0] == 0, "a closed group's URL is free")

    # a queue that goes away leaves its groups unbound
    check(bind(G, qid) == 0, "bound again")
    eng.close(2)
    time.sleep(0.2)
    check(get(b"/g/q")[0] == 503, "the queue closed: 503")

    # the session closes: its groups and URLs go, the waiting connection goes on
    eng.close(1)
    time.sleep(0.2)
    check(eng.add_url(3, url)[0] == 0, "a closed session's URL is free")
    c.settimeout(3)
    try:
        while len(got) < 65536 + 40:
            d = c.recv(65536)
            if not d:
                break
            got += d
    except socket.timeout:
        pass
    check(got.endswith(b"b" * 65536), "the throttled response finishes once its group is gone (%d)" % len(got))
    c.close()
    eng.shutdown()


def test_w3c_log(binary, workdir):
    """HttpServerLoggingProperty: a W3C line for a response sent with log
    data, nothing for one without; log data is checked like the rest."""
    import datetime
    eng = Engine(binary, os.path.join(workdir, "w3c"))
    port = free_port()
    logdir = os.path.join(workdir, "w3c-logs")
    os.makedirs(logdir, exist_ok=True)
    for f in os.listdir(logdir):
        os.unlink(os.path.join(logdir, f))
    eng.open(1)
    eng.open(2)
    eng.set_queue(2, 2)
    qid = struct.unpack_from("<Q", eng.call(2, IOCTL_QUEUE_INFO, b"", 528)[2])[0]
    eng.call(1, IOCTL_GROUP_CREATE, struct.pack("<Q", 7))
    eng.group_url(1, 7, "http://+:%d/" % port)
    eng.call(1, IOCTL_GROUP_BIND, struct.pack("<QQ", 7, qid))

    def config(directory, fields=0x405 | 0x100 | 0x8, rollover=1, flags=2):
        d = directory.encode()
        return struct.pack("<IIIIII", flags, fields, rollover, 0xffffffff, 0, len(d)) + d

    check(eng.server_property(1, 7, SPROP_LOGGING, 0, data=config("relative"))[0] == status_of(87), "a relative directory")
    check(eng.server_property(1, 7, SPROP_LOGGING, 0, data=config(logdir + "/../x"))[0] == status_of(87), "a dot-dot directory")
    check(eng.server_property(1, 7, SPROP_LOGGING, 0, data=config(logdir + "/none"))[0] == status_of(3),
          "a directory that does not exist: ERROR_PATH_NOT_FOUND")
    check(eng.server_property(1, 7, SPROP_LOGGING, 0, data=config(logdir))[0] == 0, "W3C logging")

    def exchange(path, **kw):
        op = eng.receive(2, 0, 0, 16384, 2, BASE)
        c = http(port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        done = eng.wait(op, 2)
        st = None
        if done and done[0] == 0:
            st = eng.call(2, IOCTL_SEND, wire_response(Image(done[2], BASE).request_id, body=b"ok", **kw))[0]
        if st == 0:
            read_response(c)
        c.close()
        return st

    log = [b"carol", b""] + [b""] * 10
    check(exchange(b"/a?q", log=log, log_numbers=(0, 0, 0, 0)) == 0, "a response with log data")
    check(exchange(b"/b") == 0, "a response without")
    # a log record that runs past the blob is refused with the send
    op = eng.receive(2, 0, 0, 16384, 2, BASE)
    c = http(port, b"GET /bad HTTP/1.1\r\nHost: x\r\n\r\n")
    done = eng.wait(op, 2)
    if done and done[0] == 0:
        rid = Image(done[2], BASE).request_id
        bad = bytearray(wire_response(rid, log=log))
        fixed = struct.calcsize("<IIQIHBB" + "II" * 34 + "IIII")
        struct.pack_into("<I", bad, fixed - 8, len(bad) - 50)
        check(eng.call(2, IOCTL_SEND, bytes(bad))[0] == status_of(87), "a log record past the end: ERROR_INVALID_PARAMETER")
        eng.call(2, IOCTL_SEND, wire_response(rid, body=b"ok"))
        read_response(c)
    c.close()
    check(exchange(b"/c", log=[b"x" * 10] + [b""] * 11, log_numbers=(1, 201, 2, 5)) == 0, "numbers given")
    name = datetime.datetime.now(datetime.timezone.utc).strftime("u_ex%y%m%d.log")
    try:
        text = open(os.path.join(logdir, name), "rb").read()
    except OSError:
        text = b""
    check(text.startswith(b"#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: "), "header lines (%r)" % text[:60])
    check(b"#Fields: date cs-uri-stem cs-username c-ip sc-status\r\n" in text, "the Fields line (%r)" % text[:200])
    lines = [l for l in text.split(b"\r\n") if l and not l.startswith(b"#")]
    check(len(lines) == 2, "one line per response with log data (%r)" % lines)
    check(len(lines) > 0 and lines[0].endswith(b" /a carol 127.0.0.1 200"), "the line (%r)" % lines[:1])
    check(len(lines) > 1 and lines[1].endswith(b" /c xxxxxxxxxx 127.0.0.1 201"), "ProtocolStatus given (%r)" % lines[1:])
    check(oct(os.stat(os.path.join(logdir, name)).st_mode & 0o777) == "0o600", "the log file is 0600")
    check(eng.server_property(1, 7, SPROP_LOGGING, 0, present=0)[0] == 0, "logging off")
    eng.shutdown()


def test_delegate_input(binary, workdir):
    """Hostile HS_IOCTL_DELEGATE and HS_IOCTL_FIND_GROUP records are refused; the request stays."""
    eng, port = serving_engine(binary, os.path.join(workdir, "delegate"))
    eng.open(2)
    eng.set_queue(2, 2)
    st, _, data = eng.call(2, IOCTL_QUEUE_INFO, b"", 528)
    dst = struct.unpack_from("<Q", data)[0] if st == 0 else 0
    c = http(port, b"GET /d HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    rid = Image(data, BASE).request_id if st == 0 else 0
    for rec, what, err in ((b"\1\2", "a short record", 87),
                           (struct.pack("<QQQII", rid, dst, 0, 0xffffffff, 0), "a URL length past the input", 87),
                           (struct.pack("<QQQII", rid, dst, 0, 5, 0) + b"\xff\xfe://", "a URL that is no prefix", 87),
                           (struct.pack("<QQQII", rid, 999999, 0, 0, 0), "an unknown target queue", 87),
                           (struct.pack("<QQQII", rid, dst, 0, 0, 0), "a target with no group", 87),
                           (struct.pack("<QQQII", rid + 4096, dst, 0, 0, 0), "an unknown request", 1229)):
        st, _, _ = eng.call(1, IOCTL_DELEGATE, rec)
        check(st == status_of(err), "delegate, %s: error %d (%r)" % (what, err, st))
    for rec, what in ((b"", "nothing"), (b"\0" * 5000, "5000 NULs"), (b"http://+:1/x", "no trailing slash")):
        st, _, _ = eng.call(1, IOCTL_FIND_GROUP, rec, 8)
        check(st == status_of(87), "find group, %s: ERROR_INVALID_PARAMETER (%r)" % (what, st))
    st, _, _ = eng.call(1, IOCTL_FIND_GROUP, b"http://+:%d/" % port, 8)
    check(st == status_of(1168), "find group, a prefix a queue (no group) registered: ERROR_NOT_FOUND (%r)" % st)
    st, _, _ = eng.call(1, IOCTL_SEND, wire_response(rid, body=b"still mine"))
    check(st == 0 and read_response(c)[2] == b"still mine", "the request is still the source's")
    c.close()
    eng.shutdown()


def httperr_lines(logdir, n=1):
    """The event lines of HTTPERR/httperrN.log, each split into its 13 fields."""
    try:
        text = open(os.path.join(logdir, "HTTPERR", "httperr%d.log" % n), "rb").read()
    except OSError:
        return []
    return [l.split(b" ") for l in text.split(b"\r\n") if l and not l.startswith(b"#")]


def find_line(lines, reason, **fields):
    """The first line with this reason whose named fields match (cs_uri=b"/x", ...)."""
    names = ("date", "time", "c_ip", "c_port", "s_ip", "s_port", "cs_version", "cs_method", "cs_uri",
             "sc_status", "s_siteid", "s_reason", "s_queuename")
    for l in lines:
        if len(l) == 13 and l[11] == reason and all(l[names.index(k)] == v for k, v in fields.items()):
            return l
    return None


def rst_close(c):
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def test_httperr(binary, workdir):
    """The HTTPERR log (KB 820729): a line for each page the engine answers
    with itself, each connection a timer cuts and each request its client or
    its queue leaves; EnableErrorLogging=0 writes nothing; files roll over at
    ErrorLogFileTruncateSize; a folder that is a link or not ours is refused."""
    import shutil
    base = os.path.join(workdir, "httperr")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    logdir = os.path.join(base, "LogFiles")      # does not exist yet: the engine makes it
    rundir = os.path.join(base, "run")
    eng = Engine(binary, rundir, ["ErrorLoggingDir:unix=" + logdir, "ErrorLogFileTruncateSize:dword=1000"],
                 config="timeout idle 1\ntimeout headerwait 1\n")
    port = free_port()
    eng.open(1)
    eng.set_queue(1)
    eng.add_url(1, "http://+:%d/a/" % port)
    eng.call(1, IOCTL_QUEUE_NAME, qname(1, b"Main Queue"))
    st = os.stat(os.path.join(logdir, "HTTPERR"))
    check(oct(st.st_mode & 0o777) == "0o700", "HTTPERR is made, mode 0700 (%o)" % st.st_mode)

    def page(raw):
        c = http(port, raw)
        status = read_response(c)[0]
        c.close()
        return status

    check(page(b"GET /a/h HTTP/1.1\r\nHost: bad^host\r\n\r\n") == 400, "a bad Host: 400")
    check(page(b"GE(T /a/v HTTP/1.1\r\nHost: x\r\n\r\n") == 400, "a verb that is no token: 400")
    check(page(b"GET /nothing%20here?q=1 HTTP/1.1\r\nHost: x\r\n\r\n") == 404, "no URL for it: 404")
    check(page(b"GET /a/hd HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n") == 400, "a bad header: 400")
    check(page(b"GET /a/2 HTTP/2.0\r\nHost: x\r\n\r\n") == 505, "HTTP/2.0 on HTTP/1.1: 505")
    check(page(b"POST /a/len HTTP/1.1\r\nHost: x\r\n\r\n") == 411, "a POST without a length: 411")
    check(page(b"GET /a/f HTTP/1.1\r\nHost: x\r\nX-Long: " + b"f" * 17000 + b"\r\n\r\n") == 400, "a long field: 400")
    check(page(b"GET /a/r HTTP/1.1\r\nHost: x\r\n" + b"X-Many: 0123456789012345678901234567890\r\n" * 500 + b"\r\n")
          == 400, "a long head: 400")
    check(page(b"GET /a/" + b"u" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n") == 414, "a URL too long to parse: 414")
    check(page(b"GET /t" + (b"t" * 200 + b"/") * 25 + b" HTTP/1.1\r\nHost: x\r\n\r\n") == 404, "a long URL: 404")
    # the timers: IdleConnection and HeaderWait are 1 s here
    idle = http(port, b"")
    slow = http(port, b"GET /a/slow HTTP/1.1\r\nHo")
    check(closed_by_peer(idle, 4) and closed_by_peer(slow, 4), "idle and slow connections are cut")
    # a client that resets while its request waits, and while the application holds it
    c = http(port, b"GET /a/waiting HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.2)
    rst_close(c)
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    c = http(port, b"GET /a/held HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    rst_close(c)
    time.sleep(0.2)
    # a queue closed with a request in it; a disabled queue's 503 (a reset, with Basic verbosity)
    eng.open(2)
    eng.set_queue(2, 2)
    eng.add_url(2, "http://+:%d/gone/" % port)
    c = http(port, b"GET /gone/x?y HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.2)
    eng.close(2)
    check(closed_by_peer(c), "the client of a closed queue's request is dropped")
    eng.open(3)
    eng.set_queue(3, 2)
    eng.call(3, IOCTL_QUEUE_NAME, qname(1, b"off"))
    eng.add_url(3, "http://+:%d/off/" % port)
    eng.call(3, IOCTL_QUEUE_STATE, struct.pack("<I", 1))
    c = http(port, b"POST /off/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    check(closed_by_peer(c), "a disabled queue's request is refused")
    time.sleep(0.3)

    lines = httperr_lines(logdir)
    text = open(os.path.join(logdir, "HTTPERR", "httperr1.log"), "rb").read()
    check(text.startswith(b"#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n#Date: "), "header lines (%r)" % text[:60])
    check(b"\r\n#Fields: date time c-ip c-port s-ip s-port cs-version cs-method cs-uri sc-status s-siteid s-reason "
          b"s-queuename\r\n" in text, "the Fields line")
    check(oct(os.stat(os.path.join(logdir, "HTTPERR", "httperr1.log")).st_mode & 0o777) == "0o600", "httperr1.log is 0600")
    p = b"%d" % port
    l = find_line(lines, b"Hostname")
    check(l is not None and l[2:] == [b"127.0.0.1", l[3], b"127.0.0.1", p, b"HTTP/1.1", b"GET", b"/a/h", b"400", b"-",
                                       b"Hostname", b"-"], "a bad Host: 400 Hostname (%r)" % l)
    check(l is not None and len(l[0]) == 10 and len(l[1]) == 8 and l[3].isdigit(), "date, time and client port (%r)" % l)
    check(find_line(lines, b"Verb", cs_method=b"GE(T", cs_uri=b"-", cs_version=b"-", sc_status=b"400") is not None,
          "a bad verb: 400 Verb, with the bytes of the verb (%r)" % find_line(lines, b"Verb"))
    check(find_line(lines, b"NotFound", cs_uri=b"/nothing+here?q=1", sc_status=b"404", s_queuename=b"-") is not None,
          "a 404: the cooked URL, its space as '+' (%r)" % find_line(lines, b"NotFound"))
    check(find_line(lines, b"Header", cs_uri=b"/a/hd", cs_version=b"HTTP/1.1", sc_status=b"400") is not None,
          "a bad header: 400 Header")
    check(find_line(lines, b"Version_N/S", cs_version=b"HTTP/2.0", cs_uri=b"/a/2", sc_status=b"505") is not None,
          "HTTP/2.0: 505 Version_N/S")
    check(find_line(lines, b"LengthRequired", cs_method=b"POST", cs_uri=b"/a/len", sc_status=b"411") is not None,
          "a POST without a length: 411 LengthRequired")
    check(find_line(lines, b"FieldLength", cs_uri=b"/a/f", sc_status=b"400") is not None, "a long field: FieldLength")
    check(find_line(lines, b"RequestLength", cs_uri=b"/a/r", sc_status=b"400") is not None, "a long head: RequestLength")
    check(find_line(lines, b"URL_Length", sc_status=b"414", cs_method=b"GET", cs_uri=b"-") is not None,
          "a URL too long to parse: 414 URL_Length, no URL")
    l = [x for x in lines if len(x) == 13 and x[8].startswith(b"/ttt")]
    check(len(l) == 1 and len(l[0][8]) == 4096, "a long URL is cut at 4096 bytes (%r)" % [len(x[8]) for x in l])
    check(find_line(lines, b"Timer_ConnectionIdle", cs_version=b"-", cs_method=b"-", cs_uri=b"-", sc_status=b"-")
          is not None, "IdleConnection: Timer_ConnectionIdle")
    check(find_line(lines, b"Timer_HeaderWait", cs_method=b"-", cs_uri=b"-") is not None, "HeaderWait: Timer_HeaderWait")
    check(find_line(lines, b"Client_Reset", cs_uri=b"/a/waiting", cs_method=b"GET", sc_status=b"-",
                    s_queuename=b"Main+Queue") is not None,
          "reset while the request waited: Client_Reset with the request and the queue's name (%r)"
          % find_line(lines, b"Client_Reset"))
    check(find_line(lines, b"Connection_Dropped", cs_uri=b"/a/held", cs_version=b"HTTP/1.1") is not None,
          "reset while the application held it: Connection_Dropped (%r)" % find_line(lines, b"Connection_Dropped"))
    check(find_line(lines, b"Connection_Abandoned_By_ReqQueue", cs_uri=b"/gone/x?y", s_queuename=b"-") is not None,
          "the queue closed: Connection_Abandoned_By_ReqQueue")
    check(find_line(lines, b"Disabled", cs_method=b"POST", cs_uri=b"/off/", sc_status=b"503", s_queuename=b"off")
          is not None, "a disabled queue: 503 Disabled with its name (%r)" % find_line(lines, b"Disabled"))
    # rollover: lines of 4 KB until httperr1.log would pass 1 MiB
    for i in range(300):
        c = http(port, b"GET /z" + b"z" * 4000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        read_response(c)
        c.close()
    size1 = os.path.getsize(os.path.join(logdir, "HTTPERR", "httperr1.log"))
    check(1048576 - 4200 < size1 <= 1048576, "httperr1.log is filled up to 1 MiB, no more (%d)" % size1)
    second = os.path.join(logdir, "HTTPERR", "httperr2.log")
    check(os.path.exists(second) and open(second, "rb").read().startswith(b"#Software: "),
          "then httperr2.log, with its header")
    check(len(httperr_lines(logdir, 1)) + len(httperr_lines(logdir, 2)) == len(lines) + 300, "no line lost or doubled")
    eng.shutdown()
    log = open(os.path.join(rundir, "engine.log"), errors="replace").read()
    check("ErrorLogFileTruncateSize = 1000 is outside 1048576..4294967295" in log, "a size below 1 MiB: the default, warned")

    # EnableErrorLogging=0: nothing is written, not even the folder
    off = os.path.join(base, "off")
    os.makedirs(off)
    eng, port = serving_engine(binary, rundir + "-off", ["ErrorLoggingDir:unix=" + off, "EnableErrorLogging:dword=0"])
    c = http(port, b"GET / HTTP/1.1\r\nHost: bad^host\r\n\r\n")
    check(read_response(c)[0] == 400, "EnableErrorLogging=0: the page still goes")
    eng.shutdown()
    check(os.listdir(off) == [], "EnableErrorLogging=0: no HTTPERR (%r)" % os.listdir(off))

    # ErrorLoggingDir that the driver could not convert: the default, warned
    dflt = os.path.join(base, "default")
    os.makedirs(dflt)
    eng, port = serving_engine(binary, rundir + "-default", ["ErrorLoggingDir:sz=logs", "ErrorLoggingDir:unixdefault=" + dflt])
    c = http(port, b"GET / HTTP/1.1\r\nHost: bad^host\r\n\r\n")
    read_response(c)
    eng.shutdown()
    check(find_line(httperr_lines(dflt), b"Hostname") is not None, "a relative ErrorLoggingDir: the default folder")
    check('ErrorLoggingDir "logs" is not a fully qualified local path' in
          open(os.path.join(rundir + "-default", "engine.log")).read(),
          "a relative ErrorLoggingDir is warned about")

    # HTTPERR a link to elsewhere, or someone else's: refused, and the service goes on
    for what in ("link", "foreign"):
        d = os.path.join(base, what)
        elsewhere = os.path.join(base, what + "-target")
        os.makedirs(d)
        os.makedirs(elsewhere, mode=0o700)
        if what == "link":
            os.symlink(elsewhere, os.path.join(d, "HTTPERR"))
        elif os.getuid() == 0:
            os.makedirs(os.path.join(d, "HTTPERR"), mode=0o700)
            os.chown(os.path.join(d, "HTTPERR"), 65534, 65534)
        else:
            print("skip: a folder of another user needs root")
            continue
        eng, port = serving_engine(binary, rundir + "-" + what, ["ErrorLoggingDir:unix=" + d])
        c = http(port, b"GET / HTTP/1.1\r\nHost: bad^host\r\n\r\n")
        check(read_response(c)[0] == 400, "HTTPERR %s: requests are still answered" % what)
        eng.shutdown()
        check(os.listdir(elsewhere) == [] and not os.path.exists(os.path.join(d, "HTTPERR", "httperr1.log")),
              "HTTPERR %s: nothing written" % what)
        check("HTTPERR is not a directory of ours" in open(os.path.join(rundir + "-" + what, "engine.log")).read(),
              "HTTPERR %s: warned" % what)

    # a file that cannot be written: one warning, then silence, and the service goes on
    d = os.path.join(base, "blocked")
    os.makedirs(os.path.join(d, "HTTPERR", "httperr1.log"))
    eng, port = serving_engine(binary, rundir + "-blocked", ["ErrorLoggingDir:unix=" + d])
    answered = 0
    for i in range(3):
        c = http(port, b"GET / HTTP/1.1\r\nHost: bad^host\r\n\r\n")
        answered += read_response(c)[0] == 400
        c.close()
    check(answered == 3, "an HTTPERR file that cannot be written: requests are still answered")
    eng.shutdown()
    log = open(os.path.join(rundir + "-blocked", "engine.log")).read()
    check(log.count("cannot open HTTPERR/httperr1.log") == 1, "it is warned about once (%d)" % log.count("cannot open HTTPERR"))


def server_tos(port, client_port):
    """The TOS (IPv4) of the engine's socket of a connection, as ss reports it."""
    import subprocess
    out = subprocess.run(["ss", "-tnH", "--tos", "state", "established", "( sport = :%d and dport = :%d )"
                          % (port, client_port)], capture_output=True, text=True).stdout
    for word in out.split():
        if word.startswith("tos:"):
            return int(word[4:], 16)
    return 0 if out.strip() else None


def test_request_properties(binary, workdir):
    """HS_IOCTL_REQUEST_PROPERTY: TcpInfoV2; HS_PROPERTY_SET of DscpTag (the
    socket's TOS, for the response of that request) and
    TransportIdleConnectionTimeout (the connection's idle timer)."""
    IOCTL_REQUEST_PROPERTY, SET = ctl_code(0x90b), 0x80000000
    eng, port = serving_engine(binary, os.path.join(workdir, "reqprops"))

    def prop(rid, p, size=512, value=0):
        return eng.call(1, IOCTL_REQUEST_PROPERTY, struct.pack("<QII", rid, p, value), size)

    c = http(port, b"GET /p HTTP/1.1\r\nHost: x\r\n\r\n")
    cport = c.getsockname()[1]
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    rid = Image(data, BASE).request_id
    st, info, data = prop(rid, 10)
    check(st == 0 and info == 152 and struct.unpack_from("<I", data)[0] == 4,
          "TcpInfoV2: 152 bytes, ESTABLISHED (%r %r)" % (st, info))
    st, info, _ = prop(rid, 10, 151)
    check(st == status_of(234) and info == 152, "TcpInfoV2 into 151 bytes: ERROR_MORE_DATA with the size")
    for p, what in ((11, "TlsClientHello of a plain connection"), (12, "querying TransportIdleConnectionTimeout"),
                    (13, "querying DscpTag")):
        st, _, _ = prop(rid, p)
        check(st == status_of(1), "%s: ERROR_INVALID_FUNCTION" % what)
    check(server_tos(port, cport) == 0, "no DSCP before it is set")
    st, _, _ = prop(rid, 13 | SET, 0, 46)
    check(st == 0, "set DscpTag 46")
    check(server_tos(port, cport) == 46 << 2, "the socket's TOS is DSCP 46 << 2 (%r)" % server_tos(port, cport))
    for p, value, what in ((13, 64, "DscpTag 64"), (12, 0x10000, "an idle timeout beyond a USHORT"),
                           (10, 1, "setting TcpInfoV2"), (5, 1, "StreamError (the DLL's)")):
        st, _, _ = prop(rid, p | SET, 0, value)
        check(st == status_of(87), "%s: ERROR_INVALID_PARAMETER" % what)
    st, _, _ = prop(rid + 1000, 13 | SET, 0, 1)
    check(st == status_of(1229), "a set for an unknown request: ERROR_CONNECTION_INVALID")
    st, _, _ = prop(rid, 12 | SET, 0, 1)
    check(st == 0, "set TransportIdleConnectionTimeout 1 s")
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"one"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"one", "the tagged response arrives")
    # the next request's response is not tagged; the idle timeout stays the connection's
    c.sendall(b"GET /q HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    rid = Image(data, BASE).request_id
    check(server_tos(port, cport) == 0, "the next request of the connection: DSCP 0 again (%r)" % server_tos(port, cport))
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"two"))
    status, _, body = read_response(c)
    check(status == 200 and body == b"two", "the next response arrives")
    t0 = time.time()
    gone = closed_by_peer(c, timeout=4)
    check(gone and 0.7 < time.time() - t0 < 2.5, "the idle connection is closed after its 1 s (%.2f s)" % (time.time() - t0))
    c.close()
    # 0: the configured idle timer again
    c = http(port, b"GET /r HTTP/1.1\r\nHost: x\r\n\r\n")
    st, _, data = eng.wait(receive_image(eng, 1)) or (None, 0, b"")
    rid = Image(data, BASE).request_id
    prop(rid, 12 | SET, 0, 1)
    st, _, _ = prop(rid, 12 | SET, 0, 0)
    check(st == 0, "set TransportIdleConnectionTimeout 0")
    eng.call(1, IOCTL_SEND, wire_response(rid, body=b"three"))
    read_response(c)
    check(not closed_by_peer(c, timeout=2), "with 0 the connection keeps the configured idle timer")
    c.close()
    eng.shutdown()


def test_restarted(binary, workdir):
    """--restarted PID (the driver restarting a dead engine): the restart is
    logged, and the dead engine's queue memory is marked closed and removed,
    so servers that still map it let go; another engine's is left alone."""
    import mmap
    rundir = os.path.join(workdir, "restarted")
    old = Engine(binary, rundir)
    other = Engine(binary, os.path.join(workdir, "restarted-other"))
    paths = []
    for eng in (old, other):
        eng.open(1)
        eng.set_queue(1)
        st, info, data = eng.call(1, IOCTL_QUEUE_INFO, b"", 528)
        paths.append(data[16:16 + 256].split(b"\0")[0].decode())
    check(all(os.path.exists(p) for p in paths), "both queues have shared memory")
    with open(paths[0], "r+b") as f:
        view = mmap.mmap(f.fileno(), 4096)
    closed = lambda: struct.unpack_from("<I", view, 56)[0]   # hs_shm_header.closed
    old.kill()
    check(closed() == 0 and os.path.exists(paths[0]), "a killed engine leaves its queue memory as it was")
    new = Engine(binary, rundir, extra=("--restarted", str(old.pid)))
    check(closed() == 1, "the new engine marks the dead engine's queue closed")
    check(not os.path.exists(paths[0]), "and removes its memory")
    check(os.path.exists(paths[1]), "another engine's queue memory is left alone")
    log = open(os.path.join(rundir, "engine.log")).read()
    check(("restarted after the previous engine (pid %d) exited; 1 of its queues swept" % old.pid) in log,
          "the restart is logged")
    view.close()
    for eng in (new, other):
        check(eng.shutdown() == 0, "the engines stop")


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    for test in (test_auth, test_queue_and_requests, test_no_connection_blocks_others, test_configuration_records,
                 test_parameters, test_file_chunks, test_connection_buffers,
                 test_ring_handover, test_half_closed_client, test_slot_tags, test_disconnects,
                 test_opaque, test_named_queues, test_named_queue_sd, test_ranges, test_cache, test_url_groups, test_w3c_log,
                 test_delegate_input, test_httperr, test_request_properties, test_restarted):
        try:
            test(binary, workdir)
        except Exception as e:   # a crash of the script is a failure, not a hang
            import traceback
            traceback.print_exc()
            check(False, "%s raised %r" % (test.__name__, e))
    return report()


if __name__ == "__main__":
    sys.exit(main())
