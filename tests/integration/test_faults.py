#!/usr/bin/env python3
"""Faults, in a real Wine prefix: the engine killed under load (and killed
over and over), a server process killed while it holds a request, net stop
http under load, wineserver killed after a restart, and clients that leave
at every stage.  In each: nothing hangs, and no connection gets another's
data (every answer of tests/win/faultsrv.exe carries its own request's URL).

usage: test_faults.py PREFIX BUILD_DIR
Lines starting "FIGURE" are the measurements docs/reliability.md
quotes.  Ends with "RESULT <passed> <failed>"."""

import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import http.client

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from winenv import Prefix, alive, engines_of, wait_port, port_closed  # noqa: E402

ERROR_INVALID_HANDLE = 6
ERROR_OPERATION_ABORTED = 995
ERROR_CONNECTION_INVALID = 1229
ERROR_IO_PENDING = 997


def figure(what, value):
    print("FIGURE %s: %s" % (what, value), flush=True)


def pick_port():
    """A free port; FAULTS_PORTS=LO-HI narrows the choice (a shared machine)."""
    lo, hi = (int(x) for x in os.environ.get("FAULTS_PORTS", "31000-31999").split("-"))
    for _ in range(200):
        port = random.randint(lo, hi)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


class Server:
    """faultsrv.exe, and the lines it has printed."""

    def __init__(self, pfx, build, *args):
        self.proc = subprocess.Popen([pfx_wine(pfx)] + [os.path.join(build, "win", "faultsrv.exe")] + list(args),
                                     env=pfx.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.lines = []
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            with self.cv:
                self.lines.append(raw.decode("utf-8", "replace").strip())
                self.cv.notify_all()

    def wait_line(self, pattern, start=0, timeout=30):
        """Index of the first line from start that matches pattern, or None."""
        deadline = time.time() + timeout
        with self.cv:
            while True:
                for i in range(start, len(self.lines)):
                    if re.match(pattern, self.lines[i]):
                        return i
                left = deadline - time.time()
                if left <= 0:
                    return None
                self.cv.wait(left)

    def between(self, a, b, prefix):
        with self.cv:
            return [l for l in self.lines[a:b] if l.startswith(prefix)]

    def tell(self, text):
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass


def pfx_wine(pfx):
    from winenv import WINE
    return WINE


class Load:
    """Client threads sending GET requests in a loop, each on a keep-alive
    connection (a new one after any failure); every answer must be 200 with
    the request's own URL as its body."""

    def __init__(self, port, base="/", threads=4, slow=True):
        self.port, self.base, self.slow = port, base, slow
        self.stop = False
        self.lock = threading.Lock()
        self.results = []        # (start, end, ok)
        self.mismatches = []
        self.in_flight = 0
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]
        for t in self.threads:
            t.start()

    def _run(self, n):
        conn = None
        i = 0
        while not self.stop:
            i += 1
            path = "%s%sload/%d/%d" % (self.base, "slow/" if self.slow else "", n, i)
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            t0 = time.time()
            with self.lock:
                self.in_flight += 1
            ok = False
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                body = r.read()
                ok = r.status == 200 and body == path.encode()
                if r.status == 200 and body != path.encode():
                    with self.lock:
                        self.mismatches.append((path, body[:80]))
            except (OSError, http.client.HTTPException):
                pass
            with self.lock:
                self.in_flight -= 1
                self.results.append((t0, time.time(), ok))
            if not ok:
                conn.close()
                conn = None
                time.sleep(0.05)
        if conn:
            conn.close()

    def finish(self):
        self.stop = True
        for t in self.threads:
            t.join(30)
        return not any(t.is_alive() for t in self.threads)

    def count(self, since=0.0, until=1e12, ok=None):
        with self.lock:
            return sum(1 for s, e, k in self.results if s >= since and s < until and (ok is None or k == ok))

    def first_ok_after(self, t):
        with self.lock:
            ends = [e for s, e, k in self.results if s >= t and k]
        return min(ends) if ends else None


def raw_get(port, path, timeout=10):
    """One request on its own connection: (status, body), (None, b'') if the
    connection was reset or closed without an answer."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        s.close()
    except OSError:
        return None, b""
    if b"\r\n\r\n" not in data:
        return None, b""
    head, body = data.split(b"\r\n\r\n", 1)
    return int(head.split()[1]), body


def driver_connected(pfx):
    """True once the driver holds the control connection of the engine of
    the ready file (an accepted connection on the engine's control port)."""
    try:
        port = int(open(os.path.join(pfx.rundir, "ready")).read().split()[0])
        lines = open("/proc/net/tcp").read().splitlines()[1:]
    except (OSError, ValueError, IndexError):
        return False
    return any(l.split()[1].endswith(":%04X" % port) and l.split()[3] == "01" for l in lines)


def wait_engine(pfx, not_pid=None, timeout=20):
    """The pid of a running engine (not not_pid) that the driver has
    connected to: killing one before that is a different fault (the driver
    takes it for an engine that never came up)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pid = pfx.engine_pid()
        if pid and pid != not_pid and alive(pid) and driver_connected(pfx):
            return pid
        time.sleep(0.05)
    return None


def shm_of(pid):
    return [f for f in os.listdir("/dev/shm") if f.startswith("httpsys-%d-" % pid)]


# ---------------------------------------------------------------------------

def test_engine_killed_under_load(pfx, build):
    port = pick_port()
    srv = Server(pfx, build, "http://127.0.0.1:%d/" % port, "8")
    load = None
    try:
        check(srv.wait_line(r"READY 1") is not None, "the server is up")
        load = Load(port, threads=4)
        time.sleep(1.5)
        check(load.count(ok=True) > 0, "requests are served before the kill")
        pid = pfx.engine_pid()
        with load.lock:
            in_flight = load.in_flight
        before = len(srv.lines)
        t_kill = time.time()
        os.kill(pid, signal.SIGKILL)
        ready = srv.wait_line(r"READY 2", before, 30)
        t_ready = time.time()
        check(ready is not None, "the server makes its queue again after the engine died")
        new_pid = wait_engine(pfx, pid)
        check(new_pid is not None and new_pid != pid, "a new engine runs (%r after %r)" % (new_pid, pid))
        ends = srv.between(before, ready or len(srv.lines), "RECVERR")
        codes = sorted(set(int(l.split()[1]) for l in ends))
        check(len(ends) == 8, "every receiver's receive ended (%r)" % ends)
        check(ERROR_OPERATION_ABORTED in codes,
              "pending receives end with ERROR_OPERATION_ABORTED (995) (%r)" % codes)
        check(set(codes) <= {ERROR_OPERATION_ABORTED, ERROR_INVALID_HANDLE},
              "later calls on the dead engine's handle get ERROR_INVALID_HANDLE (6) (%r)" % codes)
        check(not srv.between(before, ready or len(srv.lines), "CREATE"),
              "making a queue during the restart waits for the new engine (%r)" % srv.lines[before:])
        first_ok = None
        deadline = time.time() + 15
        while first_ok is None and time.time() < deadline:
            time.sleep(0.1)
            first_ok = load.first_ok_after(t_kill)
        check(first_ok is not None, "requests are served again after the restart")
        time.sleep(1.5)
        t_end = time.time()
        settled = t_ready + 0.5
        check(load.count(settled, t_end - 0.5, ok=False) == 0,
              "no request fails once the queue is back (%d of %d)" %
              (load.count(settled, t_end - 0.5, ok=False), load.count(settled, t_end - 0.5)))
        check(load.finish(), "no client hangs")
        check(not load.mismatches, "every answer is its own request's (%r)" % load.mismatches[:3])
        # an answer that nothing but the doorbell announces: the server
        # rings the new engine's, not the dead one's
        time.sleep(0.5)
        t0 = time.time()
        status, body = raw_get(port, "/linger")
        took = time.time() - t0
        check(status == 200 and body == b"/linger" and took < 2, "an answer with no call after it goes out at once "
              "(%r %r in %.2f s)" % (status, body, took))
        log = pfx.engine_log()
        check(("the engine (pid %d) exited; starting a new one" % pid) in log, "the driver logs the engine's death")
        check(("restarted after the previous engine (pid %d) exited" % pid) in log, "the new engine logs the restart")
        check(not shm_of(pid), "the dead engine's shared memory is removed (%r)" % shm_of(pid))
        check(len(engines_of(pfx.path)) == 1, "one engine runs")
        figure("engine SIGKILL: requests in flight at the kill", in_flight)
        figure("engine SIGKILL: requests that failed around the kill", load.count(t_kill - 1, settled, ok=False))
        figure("engine SIGKILL: kill to queue made again (s)", "%.2f" % (t_ready - t_kill))
        if first_ok:
            figure("engine SIGKILL: kill to first answer after it (s)", "%.2f" % (first_ok - t_kill))
        figure("engine SIGKILL: requests answered in all", load.count(ok=True))
    finally:
        if load:
            load.finish()
        srv.kill()


def test_stale_handle(pfx, build):
    """Every call on a handle of a dead engine fails at once; a new queue works."""
    port = pick_port()
    srv = Server(pfx, build, "stale", "http://127.0.0.1:%d/" % port)
    try:
        i = srv.wait_line(r"READY", 0, 30)
        check(i is not None and srv.lines[i] == "READY %d" % ERROR_IO_PENDING,
              "an OVERLAPPED receive is pending (%r)" % srv.lines)
        pid = pfx.engine_pid()
        os.kill(pid, signal.SIGKILL)
        check(wait_engine(pfx, pid) is not None, "the engine is restarted")
        t0 = time.time()
        srv.tell("go")
        done = srv.wait_line(r"(CREATE|NEWADDURL)", 0, 30)
        srv.wait_line(r"NEWADDURL", 0, 10)
        took = time.time() - t0
        lines = dict(l.split(" ", 1) for l in srv.lines if " " in l)
        check(lines.get("OVERLAPPED") == str(ERROR_OPERATION_ABORTED),
              "the pending OVERLAPPED receive ends with ERROR_OPERATION_ABORTED (%r)" % lines.get("OVERLAPPED"))
        for call in ("RECEIVE", "RECEIVE-OVERLAPPED", "BODY", "SEND", "ADDURL", "REMOVEURL"):
            check(lines.get(call) == str(ERROR_INVALID_HANDLE),
                  "%s on the dead engine's handle: ERROR_INVALID_HANDLE (6), got %r" % (call, lines.get(call)))
        check(lines.get("CLOSE") == "1", "CloseHandle on it succeeds")
        check(done is not None and lines.get("CREATE") == "0", "a new queue is made (%r)" % lines.get("CREATE"))
        check(lines.get("NEWADDURL") == "0", "and the URL registers again on it (%r)" % lines.get("NEWADDURL"))
        check(took < 10, "no call waits (%.1f s)" % took)
    finally:
        srv.kill()


def test_server_killed_mid_request(pfx, build):
    port = pick_port()
    a = Server(pfx, build, "http://127.0.0.1:%d/a/" % port, "2")
    b = Server(pfx, build, "http://127.0.0.1:%d/b/" % port, "4")
    load = None
    a2 = None
    try:
        check(a.wait_line(r"READY 1") is not None and b.wait_line(r"READY 1") is not None, "two servers on one port")
        load = Load(port, base="/b/", threads=2)
        time.sleep(0.5)
        # a request A holds, and one that waits in A's queue behind a receiver that stopped
        results = {}

        def client(name, path):
            results[name] = raw_get(port, path, timeout=20)

        t_hold = threading.Thread(target=client, args=("held", "/a/hold"))
        t_hold.start()
        check(a.wait_line(r"HOLD") is not None, "A holds a request")
        t_block = threading.Thread(target=client, args=("blocker", "/a/block1"))
        t_block.start()
        a.wait_line(r"BLOCK")
        t_block2 = threading.Thread(target=client, args=("blocker2", "/a/block2"))
        t_block2.start()
        a.wait_line(r"BLOCK", a.wait_line(r"BLOCK") + 1, 10)
        t_queued = threading.Thread(target=client, args=("queued", "/a/queued"))
        t_queued.start()
        time.sleep(0.5)
        t_kill = time.time()
        a.kill()
        for t in (t_hold, t_block, t_block2, t_queued):
            t.join(15)
        took = time.time() - t_kill
        for name in ("held", "blocker", "queued"):
            status, body = results.get(name, ("hang", b""))
            check(status in (503, None), "A's %s request: 503 or a reset, got %r %r" % (name, status, body[:40]))
            figure("server killed: its %s request got" % name, "503" if status == 503 else "reset/closed")
        check(took < 10, "A's clients are answered promptly (%.1f s)" % took)
        # the prefix is free: another process registers it
        a2 = Server(pfx, build, "http://127.0.0.1:%d/a/" % port, "2")
        check(a2.wait_line(r"READY 1", 0, 30) is not None and not a2.between(0, len(a2.lines), "CREATE"),
              "another process registers A's prefix (%r)" % a2.lines)
        status, body = raw_get(port, "/a/again")
        check(status == 200 and body == b"/a/again", "and serves it (%r %r)" % (status, body))
        time.sleep(0.5)
        check(load.finish(), "B's clients never hang")
        check(load.count(ok=False) == 0 and load.count(ok=True) > 0,
              "B kept serving throughout: %d answered, %d failed" % (load.count(ok=True), load.count(ok=False)))
        check(not load.mismatches, "every answer is its own request's (%r)" % load.mismatches[:3])
        figure("server killed: the other server's requests answered meanwhile", load.count(ok=True))
    finally:
        if load:
            load.finish()
        for s in (a, b, a2):
            if s:
                s.kill()


def test_net_stop_under_load(pfx, build):
    port = pick_port()
    srv = Server(pfx, build, "http://127.0.0.1:%d/" % port, "8")
    load = None
    try:
        check(srv.wait_line(r"READY 1") is not None, "the server is up")
        load = Load(port, threads=4)
        time.sleep(1.5)
        pid = pfx.engine_pid()
        before = len(srv.lines)
        log_before = len(pfx.engine_log())
        t0 = time.time()
        rc, out = pfx.net("stop")
        took = time.time() - t0
        check(rc == 0 and "stopped successfully" in out, "net stop http under load (%r)" % out.strip())
        check(took < 15, "net stop http is prompt under load (%.1f s)" % took)
        figure("net stop under load: time (s)", "%.2f" % took)
        time.sleep(1)
        check(pid is None or not alive(pid), "the engine has exited")
        check(not engines_of(pfx.path), "and no engine was started in its place (%r)" % engines_of(pfx.path))
        check(port_closed(port), "the port is closed")
        ends = srv.between(before, len(srv.lines), "RECVERR")
        check(ends and all(l == "RECVERR %d" % ERROR_OPERATION_ABORTED or l == "RECVERR %d" % ERROR_INVALID_HANDLE
                           for l in ends), "the server's receives end with 995 or 6 (%r)" % ends)
        t1 = time.time()
        rc, out = pfx.net("start")
        check(rc == 0, "net start http (%r)" % out.strip())
        ready = srv.wait_line(r"READY 2", before, 30)
        check(ready is not None, "the server makes its queue again")
        first = None
        deadline = time.time() + 15
        while first is None and time.time() < deadline:
            time.sleep(0.1)
            first = load.first_ok_after(t1)
        check(first is not None, "serving resumes after net start")
        if first:
            figure("net start to first answer (s)", "%.2f" % (first - t1))
        time.sleep(1)
        check(load.finish(), "no client hangs")
        check(not load.mismatches, "every answer is its own request's (%r)" % load.mismatches[:3])
        check(len(engines_of(pfx.path)) == 1, "one engine runs")
        news = pfx.engine_log()[log_before:]
        check("starting a new one" not in news and "restarted after" not in news,
              "net stop is not taken for a crash (%r)" % news[-300:])
    finally:
        if load:
            load.finish()
        srv.kill()


def read_response(s, timeout=10):
    """One response from a socket: (status, body); (None, b'') if closed first."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            d = s.recv(65536)
            if not d:
                return None, b""
            data += d
        head, body = data.split(b"\r\n\r\n", 1)
        m = re.search(rb"content-length: *(\d+)", head, re.I)
        n = int(m.group(1)) if m else 0
        while len(body) < n:
            d = s.recv(65536)
            if not d:
                break
            body += d
        return int(head.split()[1]), body
    except OSError:
        return None, b""


def nothing_more(s, wait=0.5):
    s.settimeout(wait)
    try:
        return s.recv(100) in (b"",)
    except socket.timeout:
        return True
    except OSError:
        return True


def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def next_is_clean(port, tag):
    """A fresh keep-alive connection gets exactly its own answers."""
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    ok = True
    for i in range(2):
        path = "/after-%s-%d" % (tag, i)
        c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
        status, body = read_response(c)
        ok = ok and status == 200 and body == path.encode()
    ok = ok and nothing_more(c)
    c.close()
    return ok


def test_client_disconnects(pfx, build):
    port = pick_port()
    srv = Server(pfx, build, "http://127.0.0.1:%d/" % port, "4")
    try:
        check(srv.wait_line(r"READY 1") is not None, "the server is up")
        # during the headers
        for how in (socket.socket.close, reset):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /partial HTTP/1.1\r\nHost: x\r\nX-Half: ")
            time.sleep(0.2)
            how(s)
            check(next_is_clean(port, "headers"), "a client gone during its headers (%s): the next one is served"
                  % how.__name__)
        # during the body
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + b"b" * 300000)
        time.sleep(0.5)
        reset(s)
        i = srv.wait_line(r"BODY \d+", 0, 10)
        check(i is not None and srv.lines[i] in ("BODY %d" % ERROR_CONNECTION_INVALID, "BODY 64"),
              "the server's body read fails when the client leaves (%r)" % (srv.lines[i] if i is not None else None))
        figure("client gone during the body: HttpReceiveRequestEntityBody returned",
               srv.lines[i] if i is not None else "nothing")
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
        c.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n" + b"c" * 200000)
        status, body = read_response(c)
        check(status == 200 and body == b"len=200000", "the next body arrives whole (%r %r)" % (status, body))
        c.close()
        check(next_is_clean(port, "body"), "a client gone during its body: the next one is served")
        # while a large response is being sent
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        got = b""
        while len(got) < 300000:
            d = s.recv(65536)
            if not d:
                break
            got += d
        body = got.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in got else b""
        pattern = bytes((ord("a") + i % 26) for i in range(len(body)))
        check(got.startswith(b"HTTP/1.1 200") and body == pattern, "the large answer starts right")
        reset(s)
        # The engine takes the whole answer, so the send may well have
        # succeeded already; what matters is that it returns.
        i = srv.wait_line(r"BIG \d+", 0, 20)
        check(i is not None and srv.lines[i] in ("BIG 0", "BIG %d" % ERROR_CONNECTION_INVALID, "BIG 64"),
              "the server's send returns: success, or 1229/64 (%r)" % (srv.lines[i] if i is not None else None))
        figure("client gone during an 8 MB answer: HttpSendHttpResponse returned",
               srv.lines[i] if i is not None else "nothing")
        check(next_is_clean(port, "send"), "a client gone during a response: the next one is served")
        # while the application holds the request
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
        check(srv.wait_line(r"HOLD") is not None, "the server holds the request")
        reset(s)
        time.sleep(0.3)
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
        c.sendall(b"GET /release HTTP/1.1\r\nHost: x\r\n\r\n")
        status, body = read_response(c)
        check(status == 200 and body == b"/release", "the next connection gets its own answer (%r %r)" % (status, body))
        check(nothing_more(c), "and not the held request's")
        c.close()
        i = srv.wait_line(r"RELEASE \d+", 0, 10)
        check(i is not None and srv.lines[i] == "RELEASE %d" % ERROR_CONNECTION_INVALID,
              "answering the request of a client that left: ERROR_CONNECTION_INVALID (1229) (%r)"
              % (srv.lines[i] if i is not None else None))
        check(next_is_clean(port, "hold"), "a client gone while its request was held: the next one is served")
        check(srv.proc.poll() is None and len(engines_of(pfx.path)) == 1, "server and engine still run")
    finally:
        srv.kill()


def test_crash_loop_gives_up(pfx, build):
    """An engine that dies again and again is not restarted forever."""
    deaths = 0
    pid = pfx.engine_pid()
    t0 = time.time()
    while pid and deaths < 8:
        os.kill(pid, signal.SIGKILL)
        deaths += 1
        # the fifth restart comes 2 s after the death; a loaded machine may take longer
        pid = wait_engine(pfx, pid, 30 if deaths < 6 else 8)
    took = time.time() - t0
    check(deaths == 6 and pid is None, "the driver gives up after the sixth quick death (%d deaths)" % deaths)
    figure("crash loop: engines started before giving up", deaths)
    figure("crash loop: time from the first kill to giving up (s)", "%.1f" % took)
    time.sleep(1)
    check(not engines_of(pfx.path), "no engine runs")
    check("engines in a row exited quickly; not restarting" in pfx.engine_log(), "giving up is logged")
    rc, out = pfx.run(os.path.join(build, "win", "faultsrv.exe"), "stale", "http://127.0.0.1:%d/" % pick_port(),
                      timeout=60, input=b"\n")
    check(rc == 1 and out.startswith("SETUP "), "making a queue fails without an engine, at once (%r)" % out.strip())
    t1 = time.time()
    rc, out = pfx.net("stop")
    check(rc == 0 and time.time() - t1 < 10, "net stop http after giving up (%r)" % out.strip())
    rc, out = pfx.net("start")
    check(rc == 0 and wait_engine(pfx) is not None, "net start http starts an engine again")


def test_stop_during_restart(pfx, build):
    """net stop http while the driver waits to restart an engine that keeps
    dying: the stop wins, and nothing comes back until net start."""
    pid = pfx.engine_pid()
    for _ in range(4):       # the fourth death waits 1 s before the next start
        os.kill(pid, signal.SIGKILL)
        pid = wait_engine(pfx, pid, 30)
        if not pid:
            break
    check(pid is not None, "the engine came back four times")
    os.kill(pid, signal.SIGKILL)
    t0 = time.time()
    rc, out = pfx.net("stop")
    took = time.time() - t0
    check(rc == 0 and "stopped successfully" in out, "net stop http during a restart (%r)" % out.strip())
    check(took < 10, "and promptly (%.1f s)" % took)
    figure("net stop during a restart's back-off: time (s)", "%.2f" % took)
    time.sleep(3)
    check(not engines_of(pfx.path), "no engine runs after the stop (%r)" % engines_of(pfx.path))
    rc, out = pfx.net("start")
    new_pid = wait_engine(pfx)
    check(rc == 0 and new_pid is not None, "net start http starts an engine")
    os.kill(new_pid, signal.SIGKILL)
    check(wait_engine(pfx, new_pid) is not None, "and the driver restarts it again after net start")


def test_wineserver_kill_after_restart(pfx):
    pfx.net("start")
    pid = pfx.engine_pid()
    os.kill(pid, signal.SIGKILL)
    check(wait_engine(pfx, pid) is not None, "the engine is restarted")
    subprocess.run(["/usr/lib/wine/wineserver", "-k"], env=pfx.env, timeout=30)
    deadline = time.time() + 10
    while engines_of(pfx.path) and time.time() < deadline:
        time.sleep(0.2)
    check(not engines_of(pfx.path), "killing wineserver leaves no engine behind, after a restart too")


def main():
    prefix, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pfx = Prefix(prefix)
    # A wineserver that outlives each program keeps the service up between
    # them.  One already running (an earlier suite's first program started
    # it) is not made persistent by "wineserver -p": it would shut the
    # services down a few seconds after the last Windows program exits,
    # which is in the middle of the crash-loop scenarios, where no program
    # runs.  So a persistent one of our own.
    subprocess.run(["/usr/lib/wine/wineserver", "-k"], env=pfx.env, timeout=30)
    subprocess.Popen(["/usr/lib/wine/wineserver", "-p"], env=pfx.env, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
    time.sleep(1)
    pfx.net("start")
    tests = [test_engine_killed_under_load, test_stale_handle, test_server_killed_mid_request,
             test_net_stop_under_load, test_client_disconnects, test_crash_loop_gives_up, test_stop_during_restart]
    for test in tests:
        try:
            if not wait_engine(pfx, timeout=5):
                pfx.net("start")
            test(pfx, build)
        except Exception as e:
            import traceback
            traceback.print_exc()
            check(False, "%s raised %r" % (test.__name__, e))
    try:
        test_wineserver_kill_after_restart(pfx)
    except Exception as e:
        check(False, "test_wineserver_kill_after_restart raised %r" % e)
    report()


if __name__ == "__main__":
    main()
