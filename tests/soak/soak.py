#!/usr/bin/env python3
"""make soak: mixed HTTP and HTTPS traffic against the engine for
SOAK_SECONDS (default 1800), watching its memory and descriptors.

usage: soak.py BENCH_BINARY WORKDIR

The engine is build/httpsys-engine-bench: the engine's own code (listeners,
connections, parser, router, queue, responses, TLS) answering from its own
loop, so that no Wine process is part of what is measured.  One process
serves HTTPS and plain HTTP on two ports.  The load runs in rounds of
SOAK_ROUND seconds (default 30): two wrk clients (HTTP and HTTPS, 8
connections each, tests/soak/mix.lua: hello, 404s, a 1 MiB file, one
connection in 13 closed after its answer) and a Python client doing what
clients do wrong (bad requests, half-sent heads, resets, TLS handshakes cut
short, idle connections left to the engine).  Between rounds the load stops
for 2 s and the engine's VmRSS and open descriptors are read; RSS is also
read every 5 s during the load.  SOAK_PORTS="HTTPS HTTP" picks the ports.

The first minutes' growth is expected: the TLS session cache (OpenSSL's
default 20,480 sessions, kept 10 hours as Schannel's ServerCacheTime) fills
from the connections mix.lua closes, and the allocator reaches its working
set; the warm-up is there for both.

It fails when, after the warm-up (the first sixth of the run, at least
180 s; a shorter run does not judge RSS), the RSS between rounds grows
beyond the warm-up's highest by more than 10% + 4 MiB, or the descriptors
between rounds differ from the first count taken between rounds, or a round
serves no request, or the engine exits.  Prints the figures and "RESULT <passed> <failed>"."""

import os
import random
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from checks import check, report  # noqa: E402
from enginectl import free_port  # noqa: E402


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def make_cert(d):
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "30", "-subj", "/CN=localhost"], check=True, capture_output=True)
    return cert, key


def parse_wrk(out):
    """(requests, non-2xx, socket errors) from wrk's summary."""
    m = re.search(r"(\d+) requests in", out)
    reqs = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    non2xx = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errs = sum(int(x) for x in m.groups()) if m else 0
    return reqs, non2xx, errs


class Misbehaving(threading.Thread):
    """Clients doing it wrong, for as long as the round lasts."""

    def __init__(self, http_port, https_port, seconds):
        super().__init__(daemon=True)
        self.http_port, self.https_port, self.until = http_port, https_port, time.time() + seconds
        self.done = 0
        self.ctx = ssl.create_default_context()
        self.ctx.check_hostname = False
        self.ctx.verify_mode = ssl.CERT_NONE

    def one(self, kind):
        s = socket.create_connection(("127.0.0.1", self.https_port if kind >= 5 else self.http_port), timeout=3)
        try:
            if kind == 0:     # a request the parser refuses: 400, then close
                s.sendall(b"GET / HTTP/1.1\r\nHost: bad^host\r\n\r\n")
                while s.recv(65536):
                    pass
            elif kind == 1:   # half a head, then gone
                s.sendall(b"GET /half HTTP/1.1\r\nHo")
            elif kind == 2:   # reset in the middle of a response
                s.sendall(b"GET /1m.bin HTTP/1.1\r\nHost: x\r\n\r\n")
                s.recv(1000)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
            elif kind == 3:   # a pipelined pair, then half-closed
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\n")
                s.shutdown(socket.SHUT_WR)
                while s.recv(65536):
                    pass
            elif kind == 4:   # a body to a GET, chunked
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                s.recv(65536)
            elif kind == 5:   # a TLS handshake cut short
                s.sendall(b"\x16\x03\x01\x00\xff\x01\x00\x00\xfb\x03\x03" + os.urandom(40))
            elif kind == 6:   # garbage where a ClientHello belongs
                s.sendall(os.urandom(300))
                s.recv(100)
            else:             # a full HTTPS exchange
                t = self.ctx.wrap_socket(s, server_hostname="localhost")
                s = t
                t.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                while t.recv(65536):
                    pass
            self.done += 1
        except (OSError, ssl.SSLError):
            pass
        finally:
            s.close()

    def run(self):
        r = random.Random(1)
        while time.time() < self.until:
            self.one(r.randrange(8))
            time.sleep(0.01)


def run_round(wrk, http_port, https_port, seconds):
    lua = os.path.join(HERE, "mix.lua")
    procs = [subprocess.Popen(wrk + ["-t1", "-c8", "-d%ds" % seconds, "-s", lua, "%s://127.0.0.1:%d/" % (scheme, port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for scheme, port in (("http", http_port), ("https", https_port))]
    bad = Misbehaving(http_port, https_port, seconds)
    bad.start()
    outs = [p.communicate()[0] for p in procs]
    bad.join()
    return [parse_wrk(o) for o in outs], bad.done, outs


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    total = int(os.environ.get("SOAK_SECONDS", "1800"))
    round_s = int(os.environ.get("SOAK_ROUND", "30"))
    os.makedirs(workdir, exist_ok=True)
    cert, key = make_cert(workdir)
    blob = os.path.join(workdir, "1m.bin")
    if not os.path.exists(blob):
        with open(blob, "wb") as f:
            f.write(os.urandom(1 << 20))
    if os.environ.get("SOAK_PORTS"):   # "HTTPS HTTP", where the machine hands out port ranges
        https_port, http_port = (int(p) for p in os.environ["SOAK_PORTS"].split())
    else:
        https_port, http_port = free_port(), free_port()
        while http_port == https_port:
            http_port = free_port()
    log = open(os.path.join(workdir, "engine.log"), "w")
    eng = subprocess.Popen([binary, "--port", str(https_port), "--tls", cert, key, "--file", blob,
                            "--http-port", str(http_port)], stderr=log, env=dict(os.environ, WINEDEBUG="warn+all"))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    wrk = ["wrk"]
    pid = eng.pid
    start = time.time()
    warmup = max(180, round_s, total // 6)
    samples = []           # (t, rss kib) every 5 s under load
    quiet = []             # (t, rss kib, fds) between rounds
    served = {"http": 0, "https": 0}
    non2xx = errors = misdone = rounds = 0
    idle_rounds = 0
    stop = threading.Event()

    def sampler():
        while not stop.wait(5):
            try:
                samples.append((time.time() - start, rss_kib(pid)))
            except OSError:
                return
    threading.Thread(target=sampler, daemon=True).start()
    print("soak: %d s in rounds of %d s, engine pid %d, http :%d, https :%d" % (total, round_s, pid, http_port, https_port))
    sys.stdout.flush()
    while time.time() - start + round_s <= total + 1 and eng.poll() is None:
        results, done, outs = run_round(wrk, http_port, https_port, round_s)
        rounds += 1
        for (r, n, e), scheme in zip(results, ("http", "https")):
            served[scheme] += r
            non2xx += n
            errors += e
            if r == 0:
                idle_rounds += 1
                print("round %d: no request served over %s:\n%s" % (rounds, scheme, outs[scheme == "https"]))
        misdone += done
        time.sleep(2)
        if eng.poll() is not None:
            break
        t = time.time() - start
        quiet.append((t, rss_kib(pid), fd_count(pid)))
        print("t=%5ds round %3d: http %d req, https %d req, misbehaving %d; RSS %d KiB, %d fds" %
              (t, rounds, results[0][0], results[1][0], done, quiet[-1][1], quiet[-1][2]))
        sys.stdout.flush()
    stop.set()
    alive = eng.poll() is None
    check(alive, "the engine is still running after the soak (exit %r)" % eng.poll())
    if alive:
        eng.send_signal(signal.SIGTERM)
        try:
            eng.wait(10)
        except subprocess.TimeoutExpired:
            eng.kill()
    check(quiet, "at least one round ran")
    if not quiet:
        return report()
    warm = [q for q in quiet if q[0] <= warmup] or quiet[:1]
    after = [q for q in quiet if q[0] > warmup]
    base_rss = max(q[1] for q in warm)
    limit = base_rss * 1.10 + 4096
    end_rss = quiet[-1][1]
    max_after = max(q[1] for q in after) if after else 0
    fds0 = quiet[0][2]
    fds = [q[2] for q in quiet]
    under_load = [s[1] for s in samples]
    print("soak figures: %d s, %d rounds; served %d HTTP + %d HTTPS requests by wrk (%d non-2xx: the 404s of mix.lua; "
          "%d socket errors), %d misbehaving exchanges" %
          (int(time.time() - start), rounds, served["http"], served["https"], non2xx, errors, misdone))
    print("RSS between rounds: first %d KiB, warm-up max %d KiB, after warm-up max %d KiB, end %d KiB (limit %d KiB)" %
          (quiet[0][1], base_rss, max_after, end_rss, limit))
    if under_load:
        print("RSS under load: min %d KiB, max %d KiB (%d samples)" % (min(under_load), max(under_load), len(under_load)))
    print("descriptors between rounds: first %d, min %d, max %d, end %d" % (fds0, min(fds), max(fds), fds[-1]))
    if after:
        check(max_after <= limit, "RSS after warm-up %d KiB <= warm-up max %d KiB + 10%% + 4 MiB" % (max_after, base_rss))
    else:
        print("no round after the %d s warm-up: too short to judge RSS growth" % warmup)
    check(all(f == fds0 for f in fds), "descriptors between rounds stay at %d (saw %d..%d)" % (fds0, min(fds), max(fds)))
    check(idle_rounds == 0, "every round served requests over both HTTP and HTTPS (%d did not)" % idle_rounds)
    log.close()
    warns = open(os.path.join(workdir, "engine.log")).read().count("\n")
    print("engine.log: %d lines" % warns)
    return report()


if __name__ == "__main__":
    sys.exit(main())
