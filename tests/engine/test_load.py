#!/usr/bin/env python3
"""The engine under load, without Wine: many idle keep-alive connections,
MaxConnections, and clients that trickle their heads (slowloris).  This
script plays the driver and an application answering every request (App),
and the clients, on non-blocking sockets under epoll.

usage: test_load.py ENGINE_BINARY WORKDIR
LOAD_CONNS (default 10000) is how many idle connections are held at once.
Prints what it measured, one line per failed check, and "RESULT <passed> <failed>"."""

import os
import resource
import select
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from enginectl import (Engine, Image, free_port, wire_response, IOCTL_SEND, IOCTL_QUEUE_INFO, HDR,  # noqa: E402
                       MSG_CONFIG, MSG_IOCTL)

BASE = 0x7f0000000000
REQUEST = b"GET /idle HTTP/1.1\r\nHost: x\r\n\r\n"


class App(threading.Thread):
    """An application with `depth` receives outstanding on queue 1, answering
    each request "ok" at once, as a server with that many threads would."""

    def __init__(self, eng, depth=64):
        super().__init__(daemon=True)
        self.eng, self.depth = eng, depth
        self.stop = False
        self.answered = 0
        self.failed = 0

    def run(self):
        eng = self.eng
        receives = {eng.receive(1, 0, 0, 16384, 1, BASE) for _ in range(self.depth)}
        sends = set()
        while not self.stop and not eng.eof:
            with eng.cond:
                done = [op for op in list(receives) + list(sends) if op in eng.completions]
                if not done:
                    eng.cond.wait(0.1)
                    continue
                results = [(op, eng.completions.pop(op)) for op in done]
            for op, (st, _, data) in results:
                if op in sends:
                    sends.discard(op)
                    self.failed += st != 0
                    continue
                receives.discard(op)
                if st == 0:
                    sends.add(eng.ioctl(1, IOCTL_SEND, wire_response(Image(data, BASE).request_id, body=b"ok")))
                    self.answered += 1
                else:
                    self.failed += 1
                receives.add(eng.receive(1, 0, 0, 16384, 1, BASE))


def start(binary, rundir, params=(), config=None, depth=64):
    eng = Engine(binary, rundir, params, config=config)
    port = int(os.environ.get("LOAD_PORT", 0)) or free_port()
    eng.open(1)
    eng.set_queue(1)
    check(eng.add_url(1, "http://+:%d/" % port)[0] == 0, "http://+:%d/ registers" % port)
    app = App(eng, depth)
    app.start()
    return eng, app, port


def stop(eng, app):
    app.stop = True
    app.join(5)
    eng.shutdown()


def engine_fds(eng):
    return len(os.listdir("/proc/%d/fd" % eng.proc.pid))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int([line for line in f if line.startswith("VmRSS:")][0].split()[1])


def close_all(socks):
    """Closes with a reset: thousands of closes would otherwise leave as
    many TIME_WAIT sockets on the machine's ephemeral ports for a minute, in
    the way of whatever binds a port next."""
    for s in socks:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        s.close()


def connect_many(port, n, batch=256):
    """n connected sockets (non-blocking), connecting `batch` at a time; the
    ones that failed to connect are counted, not returned."""
    socks, failed = [], 0
    ep = select.epoll()
    for first in range(0, n, batch):
        pending = {}
        for _ in range(min(batch, n - first)):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            pending[s.fileno()] = s
            ep.register(s.fileno(), select.EPOLLOUT)
        deadline = time.time() + 10
        while pending and time.time() < deadline:
            for fd, _ in ep.poll(1):
                s = pending.pop(fd)
                ep.unregister(fd)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    failed += 1
                    s.close()
                else:
                    socks.append(s)
        for s in pending.values():
            ep.unregister(s.fileno())
            s.close()
            failed += 1
    ep.close()
    return socks, failed


def exchange_all(socks, request=REQUEST, timeout=30, wave=500):
    """Sends request on every socket, `wave` sockets at a time (the queue holds
    1000 requests, as http.sys's: more at once would be refused as QueueFull),
    and reads one response on each.  Returns (answered with 200 "ok", closed
    by the server, no answer in time)."""
    ok = closed = silent = 0
    for first in range(0, len(socks), wave):
        a, b, c = exchange_wave(socks[first:first + wave], request, timeout)
        ok, closed, silent = ok + a, closed + b, silent + len(c)
    return ok, closed, silent


def exchange_wave(socks, request, timeout):
    """(answered, closed, [sockets without an answer yet]); request None:
    only read."""
    ep = select.epoll()
    bufs = {}
    by_fd = {s.fileno(): s for s in socks}
    for s in socks:
        try:
            if request:
                s.send(request)
        except OSError:
            pass
        bufs[s.fileno()] = b""
        ep.register(s.fileno(), select.EPOLLIN)
    ok = closed = 0
    deadline = time.time() + timeout
    while bufs and time.time() < deadline:
        for fd, _ in ep.poll(1):
            try:
                chunk = by_fd[fd].recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                closed += 1
                ep.unregister(fd)
                del bufs[fd]
                continue
            bufs[fd] += chunk
            if bufs[fd].endswith(b"\r\n\r\nok"):
                ok += bufs[fd].startswith(b"HTTP/1.1 200 ")
                ep.unregister(fd)
                del bufs[fd]
    ep.close()
    return ok, closed, [by_fd[fd] for fd in bufs]


def still_open(socks, wait=0.2):
    """How many sockets have nothing to read and no end of file (an idle
    connection the server still holds)."""
    ep = select.epoll()
    for s in socks:
        ep.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    time.sleep(wait)
    ready = set(fd for fd, _ in ep.poll(0, len(socks) + 1))
    ep.close()
    return len(socks) - len(ready)


def one_request(port, path=b"/probe", timeout=5):
    """(status line ok, seconds) for one request on a new connection."""
    t0 = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while not data.endswith(b"\r\n\r\nok"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        return data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"ok"), time.time() - t0
    except OSError:
        return False, time.time() - t0


def test_batched_control_frames(binary, workdir):
    """Frames that reach the engine in one read, the second after a frame of
    odd length (so unaligned in the read buffer), are each handled: under
    load the driver's frames arrive that way."""
    eng = Engine(binary, os.path.join(workdir, "frames"))
    eng.open(1)
    eng.set_queue(1)
    text = b"listen 127.0.0.1\n"   # 17 bytes
    op = eng.next_op
    eng.next_op += 1
    ioctl = struct.pack("<IIII", IOCTL_QUEUE_INFO, 64, 1234, 0)
    with eng.send_lock:
        eng.sock.sendall(HDR.pack(HDR.size + len(text), MSG_CONFIG, 0, 0, 0) + text +
                         HDR.pack(HDR.size + len(ioctl), MSG_IOCTL, 0, op, 1) + ioctl)
    check(eng.wait(op) is not None, "an IOCTL frame right after a 41-byte frame is answered")
    check(eng.shutdown() == 0, "the engine exits cleanly after it")


def test_idle_connections(binary, workdir):
    """LOAD_CONNS idle keep-alive connections, each served once, are all held;
    a new client is still served at once; each of them is served again."""
    n = int(os.environ.get("LOAD_CONNS", "10000"))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < n + 200:
        print("skip: descriptor limit %d too low for %d connections" % (hard, n))
        return
    eng, app, port = start(binary, os.path.join(workdir, "idle"), depth=128)
    base_fds = engine_fds(eng)
    rss0 = rss_kib(eng.proc.pid)
    t0 = time.time()
    socks, failed = connect_many(port, n)
    t_connect = time.time() - t0
    check(failed == 0 and len(socks) == n, "%d connections opened (%d failed)" % (len(socks), failed))
    t0 = time.time()
    ok, closed, silent = exchange_all(socks)
    t_first = time.time() - t0
    check(ok == n, "each of %d connections is answered once (%d ok, %d closed, %d without answer)" % (n, ok, closed, silent))
    time.sleep(2)
    held = still_open(socks)
    check(held == n, "all %d connections are still open after 2 s idle (%d)" % (n, held))
    fds = engine_fds(eng)
    check(fds >= base_fds + n, "the engine holds a descriptor for each (%d, %d before)" % (fds, base_fds))
    rss = rss_kib(eng.proc.pid)
    lat = []
    for _ in range(20):
        good, secs = one_request(port)
        lat.append(secs if good else 99)
    lat.sort()
    check(lat[-1] < 1.0, "a new client is served promptly beside them (max of 20: %.1f ms)" % (lat[-1] * 1000))
    t0 = time.time()
    ok, closed, silent = exchange_all(socks)
    t_second = time.time() - t0
    check(ok == n, "each is answered again (%d ok, %d closed, %d without answer)" % (ok, closed, silent))
    close_all(socks)
    deadline = time.time() + 10
    while engine_fds(eng) > base_fds and time.time() < deadline:
        time.sleep(0.1)
    check(engine_fds(eng) == base_fds, "the engine's descriptors go back to %d once they close (%d)" % (base_fds, engine_fds(eng)))
    check(app.failed == 0, "no receive or send failed (%d)" % app.failed)
    print("figures: %d idle connections: opened in %.2f s, first requests answered in %.2f s, second in %.2f s; "
          "engine RSS %.1f -> %.1f MiB (%d bytes each); new client p50 %.1f ms, max %.1f ms" %
          (n, t_connect, t_first, t_second, rss0 / 1024.0, rss / 1024.0, (rss - rss0) * 1024 // n, lat[len(lat) // 2] * 1000, lat[-1] * 1000))
    stop(eng, app)


def test_max_connections(binary, workdir):
    """MaxConnections=1024: the 1025th connection is closed on accept (and
    the ones after it), nothing is served on it, and a connection is
    accepted again once one of the 1024 closes."""
    limit = 1024
    eng, app, port = start(binary, os.path.join(workdir, "maxconn"), ["MaxConnections:dword=%d" % limit])
    base_fds = engine_fds(eng)
    socks, failed = connect_many(port, limit)
    ok, closed, silent = exchange_all(socks)
    check(ok == limit, "MaxConnections=%d: %d connections served (%d ok, %d closed)" % (limit, limit, ok, closed))
    extra, _ = connect_many(port, 50)
    ok, closed, silent = exchange_all(extra, timeout=5)
    check(ok == 0 and closed == len(extra),
          "MaxConnections=%d: the 50 beyond it are closed unanswered (%d ok, %d closed, %d silent)" % (limit, ok, closed, silent))
    check(engine_fds(eng) <= base_fds + limit, "the engine holds no descriptor beyond the limit (%d)" % (engine_fds(eng) - base_fds))
    check(still_open(socks) == limit, "the %d within the limit stay open" % limit)
    close_all(extra + socks[:10])
    time.sleep(0.3)
    again, _ = connect_many(port, 10)
    ok, closed, silent = exchange_all(again)
    check(ok == 10, "10 closed, 10 new ones are served (%d ok, %d closed)" % (ok, closed))
    over, _ = connect_many(port, 1)
    ok, closed, silent = exchange_all(over, timeout=5)
    check(ok == 0 and closed == 1, "and the next is refused again")
    close_all(socks[10:] + again + over)
    stop(eng, app)


def cpu_seconds(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def test_descriptor_exhaustion(binary, workdir):
    """An engine out of descriptors (limit 256) leaves the connections it
    cannot accept waiting in the backlog, without spinning, and accepts and
    serves them once descriptors are free again."""
    wrapper = os.path.join(workdir, "engine-nofile-256")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nulimit -n 256 || exit 1\nexec '%s' \"$@\"\n" % binary)
    os.chmod(wrapper, 0o755)
    rundir = os.path.join(workdir, "nofile")
    eng, app, port = start(wrapper, rundir)
    socks, failed = connect_many(port, 300)
    ok, closed, waiting = exchange_wave(socks, REQUEST, 3)
    check(200 <= ok < 256 and closed == 0 and len(waiting) == 300 - ok,
          "with 256 descriptors, 300 connections: %d served, %d closed, %d waiting" % (ok, closed, len(waiting)))
    cpu0 = cpu_seconds(eng.proc.pid)
    time.sleep(2)
    spent = cpu_seconds(eng.proc.pid) - cpu0
    check(spent < 0.5, "the engine does not spin while it cannot accept (%.2f s of CPU in 2 s)" % spent)
    answered = [s for s in socks if s not in waiting]
    close_all(answered[:100])
    ok2, closed2, still = exchange_wave(waiting, None, 10)
    check(ok2 == len(waiting) and not still,
          "once 100 close, the %d waiting are accepted and served (%d ok, %d closed, %d still waiting)" %
          (len(waiting), ok2, closed2, len(still)))
    print("figures: descriptor limit 256, 300 connections: %d served at once, %d waited in the backlog; engine CPU "
          "while they waited %.2f s in 2 s; all %d served once 100 closed" % (ok, len(waiting), spent, ok2))
    close_all(socks)
    time.sleep(0.5)
    good, secs = one_request(port)
    check(good, "and a new client after them")
    stop(eng, app)
    log = open(os.path.join(rundir, "engine.log"), errors="replace").read()
    check("cannot accept on port %d" % port in log, "the engine warned that it could not accept")


def test_slowloris(binary, workdir):
    """With HeaderWait=2 s, 1000 connections that send a head one byte at a
    time (each one cut replaced by a new one for 5 s) are cut 2 s after their
    first byte, while a normal client keeps getting answers at its normal
    latency."""
    n = int(os.environ.get("LOAD_SLOW", "1000"))
    eng, app, port = start(binary, os.path.join(workdir, "slowloris"), config="timeout headerwait 2\n")
    lat_before = []
    for _ in range(50):
        good, secs = one_request(port)
        lat_before.append(secs if good else 99)
    slow, _ = connect_many(port, n)
    head = b"GET /slow HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * 200
    first = {}
    lat_during = []
    stop_probe = threading.Event()

    def probe():
        while not stop_probe.is_set():
            good, secs = one_request(port)
            lat_during.append(secs if good else 99)
            time.sleep(0.02)
    prober = threading.Thread(target=probe)
    prober.start()
    ep = select.epoll()
    active = {s.fileno(): s for s in slow}
    for s in slow:
        ep.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    sent = {}   # bytes of the head sent on each
    refill_until = time.time() + 5
    t_end = refill_until + 4
    cuts = []
    while active and time.time() < t_end:
        now = time.time()
        for fd, s in list(active.items()):   # one byte each, every 0.25 s
            try:
                pos = sent.get(fd, 0) % len(head)
                s.send(head[pos:pos + 1])
                sent[fd] = pos + 1
                first.setdefault(fd, now)
            except OSError:
                pass
        wait_until = time.time() + 0.25
        while time.time() < wait_until:
            for fd, _ in ep.poll(max(0, wait_until - time.time())):
                if fd not in active:
                    continue
                cuts.append(time.time() - first.pop(fd, time.time()))
                sent.pop(fd, None)
                ep.unregister(fd)
                active.pop(fd).close()
                if time.time() < refill_until:   # another takes its place
                    s = socket.create_connection(("127.0.0.1", port))
                    s.setblocking(False)
                    active[s.fileno()] = s
                    ep.register(s.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
    stop_probe.set()
    prober.join()
    ep.close()
    cuts.sort()
    check(not active and len(cuts) >= 2 * n,
          "every trickling connection is cut (%d cut, %d still open)" % (len(cuts), len(active)))
    if cuts:
        check(1.8 <= cuts[0] and cuts[-1] <= 4.0,
              "each is cut about HeaderWait=2 s after its first byte (%.2f .. %.2f s)" % (cuts[0], cuts[-1]))
    lat_before.sort()
    lat_during.sort()
    p50b, p50d = lat_before[len(lat_before) // 2], lat_during[len(lat_during) // 2] if lat_during else 99
    worst = lat_during[-1] if lat_during else 99
    check(lat_during and worst < 1.0 and p50d < max(0.1, 5 * p50b),
          "a normal client is served throughout (%d requests, p50 %.1f ms (%.1f ms before), max %.1f ms)" %
          (len(lat_during), p50d * 1000, p50b * 1000, worst * 1000))
    print("figures: %d slowloris connections at a time, %d cut in all, %.2f .. %.2f s after their first byte "
          "(HeaderWait 2 s); a normal "
          "client meanwhile: %d requests, p50 %.1f ms, max %.1f ms (alone before: p50 %.1f ms)" %
          (n, len(cuts), cuts[0] if cuts else 0, cuts[-1] if cuts else 0, len(lat_during), p50d * 1000, worst * 1000, p50b * 1000))
    close_all(active.values())
    stop(eng, app)


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))   # the engine inherits it too
    for test in (test_batched_control_frames, test_idle_connections, test_max_connections, test_descriptor_exhaustion,
                 test_slowloris):
        t0 = time.time()
        try:
            test(binary, workdir)
        except Exception as e:   # a crash of the script is a failure, not a hang
            import traceback
            traceback.print_exc()
            check(False, "%s raised %r" % (test.__name__, e))
        print("%s: %.1f s" % (test.__name__, time.time() - t0), flush=True)
    return report()


if __name__ == "__main__":
    sys.exit(main())
