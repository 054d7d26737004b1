#!/usr/bin/env python3
"""make bench: this project against its two anchors, in one run on one machine.

Servers: the sync v1 example (examples/hello) and the file server
(examples/fileserver) under Wine with this project (build/bench-prefix);
build/examples/iocp.exe and build/httpsys-engine-bench when they are built;
the same programs under Wine's own httpapi.dll/http.sys
(build/bench-wine-prefix, no HTTPS); and nginx, run as a child with a
configuration of our own (build/bench-nginx/).

Loads (wrk, BENCH_SECONDS each): hello over HTTP with 1 and 16 keep-alive
connections, over HTTPS with 16, a 1 MiB file over HTTPS with 16, and new
HTTPS connections (ab -c 16 without keep-alive: a full handshake per request;
wrk -H "Connection: close" would resume its TLS sessions).
Then, with a small asyncio client: memory per idle keep-alive connection
(5,000) and 10,000 idle connections held at once.

Writes bench/results/latest.md and latest.svg and prints the table.  Figures
are only comparable within one run (see bench/README.md)."""

import asyncio
import atexit
import math
import os
import re
import resource
import signal
import socket
import ssl
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from winenv import Prefix, engines_of, free_port, wait_port  # noqa: E402

BUILD = os.path.abspath(os.environ.get("BUILD", os.path.join(ROOT, "build")))
RESULTS = os.path.join(ROOT, "bench", "results")
DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
WARMUP = 1
THREADS = 2                     # worker threads of the Windows examples, as in the anchors
HELLO = b"Hello, World!"
FILE_SIZE = 1 << 20
IDLE_MEMORY_CONNS = 5000
IDLE_HOLD_CONNS = 10000
# Any fixed GUID: http.sys only records which application owns a binding.
APPID = "{5d0b6a43-2f8e-4c1b-9a7d-be2c0000b005}"
HZ = os.sysconf("SC_CLK_TCK")
RETRY_ABOVE = 0.20              # a load during which other processes used more of the machine is taken again

# key: (label, scheme, path, client threads, connections, new connection per request)
LOADS = {
    "http1": ("hello, HTTP, 1 keep-alive connection", "http", "/", 1, 1, False),
    "http16": ("hello, HTTP, 16 keep-alive connections", "http", "/", 2, 16, False),
    "https16": ("hello, HTTPS, 16 keep-alive connections", "https", "/", 2, 16, False),
    "file16": ("1 MiB file, HTTPS, 16 keep-alive connections", "https", "/f/1m.bin", 2, 16, False),
    "newconn": ("new HTTPS connections (full handshakes, ab -c 16)", "https", "/", 1, 16, True),
}
PLOT_LABELS = {"http1": "hello, HTTP, 1 conn", "http16": "hello, HTTP, 16 conns", "https16": "hello, HTTPS, 16 conns",
               "file16": "1 MiB file, HTTPS, 16 conns", "newconn": "new HTTPS connections"}
SERVERS = {
    "ours": "this project, sync hello / file server",
    "iocp": "this project, IOCP v2 hello",
    "engine": "the engine alone",
    "builtin": "Wine built-in, sync hello",
    "builtin-iocp": "Wine built-in, IOCP v2 hello",
    "nginx": "nginx",
}


def log(*args):
    print(*args, flush=True)


def sh(*args, **kw):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


# --- cleaning up, whatever happens ------------------------------------------

_cleanups = []


def on_exit(fn, *args):
    _cleanups.append((fn, args))


def _run_cleanups():
    while _cleanups:
        fn, args = _cleanups.pop()
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001  (cleaning up must go on)
            log("cleanup: %s" % e)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


atexit.register(_run_cleanups)
for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


def kill_group(proc, wait=10):
    """Ends a child started with start_new_session, and everything it started."""
    if proc is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            pass
    try:
        proc.wait(1)
    except subprocess.TimeoutExpired:
        pass


# --- /proc --------------------------------------------------------------------

def proc_cpu(pid):
    """utime + stime of a process, in seconds (None when it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / HZ
    except (OSError, IndexError, ValueError):
        return None


def proc_rss(pid):
    """VmRSS in bytes (0 when it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_of(pids):
    return {p: proc_cpu(p) for p in pids}


def cpu_delta(before, after):
    total = 0.0
    for pid, b in before.items():
        a = after.get(pid)
        if a is not None and b is not None:
            total += a - b
    return total


def proc_name(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            name = f.read().strip()
    except OSError:
        return "?"
    return "wineserver" if name.startswith("wineserver") else name


def cpu_by_name(before, after):
    parts = {}
    for pid, b in before.items():
        a = after.get(pid)
        if a is not None and b is not None:
            name = proc_name(pid)
            parts[name] = parts.get(name, 0.0) + a - b
    return parts


def machine_busy(seconds=2.0):
    """Share of both cores used by anything, over a short quiet moment."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]
    t0, i0 = snap()
    time.sleep(seconds)
    t1, i1 = snap()
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def prefix_processes(path):
    """{pid: comm} of the processes running in a Wine prefix (WINEPREFIX in their environment)."""
    want = ("WINEPREFIX=" + path).encode()
    found = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % d, "rb") as f:
                if want not in f.read().split(b"\0"):
                    continue
            with open("/proc/%s/comm" % d) as f:
                found[int(d)] = f.read().strip()
        except OSError:
            continue
    return found


def children_of(pid):
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return kids


# --- wrk ------------------------------------------------------------------------

def _ms(m):
    if not m:
        return None
    v = float(m.group(1))
    return {"us": v / 1000, "ms": v, "s": v * 1000, "m": v * 60000}[m.group(2)]


def _mib(m):
    if not m:
        return None
    return float(m.group(1)) * {"B": 2 ** -20, "KB": 2 ** -10, "MB": 1, "GB": 1024}[m.group(2)]


def ab(url, conns, seconds=DURATION):
    """A new connection and a full TLS handshake per request: ab sends HTTP/1.0 without keep-alive and never
    offers a session to resume (wrk's Connection: close would: it keeps its SSL objects' sessions)."""
    args = ["ab", "-r", "-s", "10", "-c", str(conns), "-t", str(seconds), "-n", "100000000", url]
    try:
        out = sh(*args, timeout=seconds + 60).stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return {"rps": 0.0, "requests": 0, "errors": "ab hung", "out": ""}
    rps = re.search(r"Requests per second:\s+([\d.]+)", out)
    total = re.search(r"Complete requests:\s+(\d+)", out)
    errors = []
    # ab's "Length" failures are left out: it compares each body's length with the first one's, and from
    # the engine it reads that first body as 0 bytes (the bodies are right: check_server looks at them)
    m = re.search(r"\(Connect: (\d+), Receive: (\d+), Length: \d+, Exceptions: (\d+)\)", out)
    if m and any(int(x) for x in m.groups()):
        errors.append("failed: connect %s, receive %s, exceptions %s" % m.groups())
    for name, pattern in (("non-2xx", r"Non-2xx responses:\s+(\d+)"), ("write errors", r"Write errors:\s+(\d+)")):
        m = re.search(pattern, out)
        if m and int(m.group(1)):
            errors.append("%s: %s" % (name, m.group(1)))
    if not rps:
        errors.append("ab: " + " ".join(out.split())[-200:])

    def pct(n):
        m = re.search(r"(?m)^\s*%d%%\s+(\d+)" % n, out)
        return float(m.group(1)) if m else None
    tls = re.search(r"SSL/TLS Protocol:\s+(\S+)", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "requests": int(total.group(1)) if total else 0,
            "p50": pct(50), "p99": pct(99), "mibps": None, "errors": "; ".join(errors), "out": out,
            "tls": tls.group(1) if tls else None}


def wrk(url, threads, conns, seconds=DURATION):
    args = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % seconds, "--latency", "--timeout", "5s"]
    try:
        out = sh(*(args + [url]), timeout=seconds + 60).stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return {"rps": 0.0, "requests": 0, "errors": "wrk hung", "out": ""}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    errors = []
    m = re.search(r"Socket errors: (.*)", out)
    if m:
        errors.append("socket errors: " + m.group(1).strip())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors.append("non-2xx: " + m.group(1))
    if not rps:
        errors.append("wrk: " + " ".join(out.split())[:200])
    return {"rps": float(rps.group(1)) if rps else 0.0,
            "requests": int(total.group(1)) if total else 0,
            "p50": _ms(re.search(r"\s50%\s+([\d.]+)(us|ms|s|m)\b", out)),
            "p99": _ms(re.search(r"\s99%\s+([\d.]+)(us|ms|s|m)\b", out)),
            "mibps": _mib(re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)", out)),
            "errors": "; ".join(errors), "out": out}


# --- checks with one request ----------------------------------------------------------

def fetch(scheme, port, path, close=True, cafile=None, timeout=10):
    """(status, headers dict, body, closed by the server) of one GET; raises OSError."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if scheme == "https":
        ctx = ssl.create_default_context(cafile=cafile)
        ctx.check_hostname = False
        s = ctx.wrap_socket(s, server_hostname="localhost")
    req = "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n" % (path, port, "Connection: close\r\n" if close else "")
    s.sendall(req.encode())
    data = b""
    closed = complete = False
    try:
        while not closed:
            d = s.recv(1 << 20)
            if not d:
                closed = True
                break
            data += d
            if b"\r\n\r\n" in data and not complete:
                head, body = data.split(b"\r\n\r\n", 1)
                m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                complete = bool(m) and len(body) >= int(m.group(1))
                if complete and not close:
                    break
                if complete:
                    s.settimeout(5)     # only to see whether the server closes
    except (socket.timeout, ssl.SSLError):
        pass
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else None
    return status, headers, body, closed


def check_server(scheme, port, path, expect, cafile):
    """None if the URL answers as expected, else what is wrong."""
    try:
        status, headers, body, _ = fetch(scheme, port, path, close=False, cafile=cafile)
    except OSError as e:
        return "%s://127.0.0.1:%d%s: %s" % (scheme, port, path, e)
    if status != 200 or body != expect:
        return "%s://127.0.0.1:%d%s: status %s, %d bytes%s" % (scheme, port, path, status, len(body),
                                                               "" if len(body) != len(expect) else " (wrong bytes)")
    return None


def check_close(port, cafile):
    """The new-connection load is only right if the server closes after the response."""
    try:
        status, headers, body, closed = fetch("https", port, "/", cafile=cafile, timeout=5)
    except OSError as e:
        return str(e)
    if status != 200:
        return "status %s" % status
    if not closed:
        return "the connection stayed open after Connection: close"
    return None


# --- idle connections (asyncio) ----------------------------------------------------------

def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, soft), max(want, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


async def _request(reader, writer, port):
    writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    body = await reader.readexactly(int(m.group(1))) if m else b""
    if not head.startswith(b"HTTP/1.1 200") or body != HELLO:
        raise ValueError("answer %r" % head[:40])


def _why(e):
    if isinstance(e, asyncio.TimeoutError):
        return "timeout"
    if isinstance(e, asyncio.IncompleteReadError):
        return "closed by the server"
    if isinstance(e, OSError) and e.errno:
        return os.strerror(e.errno)
    return type(e).__name__


async def _open_idle(port, count, errors, concurrency=256, timeout=30):
    """count connections, each having made one request; the live ones."""
    gate = asyncio.Semaphore(concurrency)

    async def one():
        async with gate:
            try:
                reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
            except Exception as e:  # noqa: BLE001
                errors["connect: " + _why(e)] = errors.get("connect: " + _why(e), 0) + 1
                return None
            try:
                await asyncio.wait_for(_request(reader, writer, port), timeout)
            except Exception as e:  # noqa: BLE001
                errors["first request: " + _why(e)] = errors.get("first request: " + _why(e), 0) + 1
                writer.close()
                return None
            return reader, writer
    conns = await asyncio.gather(*(one() for _ in range(count)))
    return [c for c in conns if c]


def _close_all(conns):
    for _, writer in conns:
        writer.close()


async def _idle_memory(port, rss_fn, count):
    """rss_fn: {process name: RSS} of what holds the connections."""
    errors = {}
    base = rss_fn()
    conns = await _open_idle(port, count, errors)
    await asyncio.sleep(2)
    grown = rss_fn()
    _close_all(conns)
    await asyncio.sleep(1)
    n = max(1, len(conns))
    return {"per_conn": (sum(grown.values()) - sum(base.values())) / n, "open": len(conns),
            "base": sum(base.values()), "grown": sum(grown.values()), "errors": errors,
            "parts": {k: (grown.get(k, 0) - base.get(k, 0)) / n for k in sorted(set(base) | set(grown))}}


async def _idle_hold(port, count, hold=5, timeout=60):
    errors = {}
    started = time.time()
    conns = await _open_idle(port, count, errors)
    opened = time.time() - started
    await asyncio.sleep(hold)
    gate = asyncio.Semaphore(1000)

    async def again(reader, writer):
        async with gate:
            try:
                await asyncio.wait_for(_request(reader, writer, port), timeout)
                return True
            except Exception as e:  # noqa: BLE001
                errors["second request: " + _why(e)] = errors.get("second request: " + _why(e), 0) + 1
                return False
    answered = sum(await asyncio.gather(*(again(r, w) for r, w in conns)))
    _close_all(conns)
    await asyncio.sleep(1)
    return {"open": len(conns), "answered": answered, "seconds_to_open": opened, "errors": errors}


def idle_memory(port, rss_fn, count=IDLE_MEMORY_CONNS):
    return asyncio.run(_idle_memory(port, rss_fn, count))


def idle_hold(port, count=IDLE_HOLD_CONNS):
    return asyncio.run(_idle_hold(port, count))


# --- the certificate ----------------------------------------------------------------

def certificate():
    """A self-signed certificate for localhost in build/bench-cert, made once (as tools/run.sh does)."""
    d = os.path.join(BUILD, "bench-cert")
    os.makedirs(d, exist_ok=True)
    crt, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    fresh = (os.path.exists(crt) and os.path.exists(key)
             and sh("openssl", "x509", "-in", crt, "-noout", "-checkend", "86400").returncode == 0
             and sh("openssl", "x509", "-in", crt, "-noout", "-pubkey").stdout
             == sh("openssl", "pkey", "-in", key, "-pubout").stdout)
    if not fresh:
        old = os.umask(0o077)
        try:
            sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt, "-days", "365",
               "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1",
               "-addext", "extendedKeyUsage=serverAuth", check=True)
        finally:
            os.umask(old)
    out = sh("openssl", "x509", "-in", crt, "-noout", "-fingerprint", "-sha1", check=True).stdout.decode()
    thumb = out.strip().split("=", 1)[1].replace(":", "").lower()
    return crt, key, thumb


# --- Wine prefixes ------------------------------------------------------------------

class WineSide:
    """A prefix with this project (ours=True) or with Wine's own HTTP service."""

    SERVER_SIDE = ("wineserver", "wineserver64", "winedevice.exe", "httpsys-engine")

    def __init__(self, name, ours):
        self.path = os.path.join(BUILD, name)
        self.ours = ours
        if ours:
            sh(os.path.join(ROOT, "tools", "install.sh"), self.path, BUILD, check=True)
        else:
            if not os.path.exists(os.path.join(self.path, "system.reg")):
                sh(os.path.join(ROOT, "tools", "install.sh"), self.path, BUILD, check=True)
            sh(os.path.join(ROOT, "tools", "uninstall.sh"), self.path, check=True)
        self.pfx = Prefix(self.path)
        self.bound = []

    def boot(self):
        sh("/usr/lib/wine/wineserver", "-k", env=self.pfx.env)
        time.sleep(1)
        on_exit(self.shutdown)
        # it forks a daemon that keeps its stdout: nothing to read from it
        subprocess.run(["/usr/lib/wine/wineserver", "-p"], env=self.pfx.env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        if self.ours:
            # services.exe keeps its database locked a while after the prefix starts
            for _ in range(10):
                rc, out = self.pfx.net("start")
                if rc == 0 or "already" in out:
                    break
                time.sleep(2)

    def shutdown(self):
        for ipport in self.bound:
            self.pfx.run("netsh", "http", "delete", "sslcert", "ipport=" + ipport)
        self.bound = []
        sh("/usr/lib/wine/wineserver", "-k", env=self.pfx.env)

    def import_certificate(self, crt, key, thumb):
        """certutil -importpfx, once, as an administrator would; drops bindings an interrupted run left."""
        rc, out = self.pfx.run("certutil", "-store", "My", thumb, input=b"")
        if rc != 0 or thumb not in out.lower():
            pfx = os.path.join(BUILD, "bench-cert", "bench.pfx")
            password = os.urandom(8).hex()
            sh("openssl", "pkcs12", "-export", "-inkey", key, "-in", crt, "-name", "localhost", "-out", pfx,
               "-passout", "pass:" + password, check=True)
            rc, out = self.pfx.run("certutil", "-f", "-p", password, "-importpfx", "Z:" + pfx.replace("/", "\\"),
                                   input=b"")
            os.unlink(pfx)
            if rc != 0:
                raise RuntimeError("certutil -importpfx failed (%d): %s" % (rc, out.strip()))
        rc, out = self.pfx.run("netsh", "http", "show", "sslcert")
        for m in re.finditer(r"IP:port\s*:\s*(\S+)\s*\n(?:.*\n){0,2}?\s*Application ID\s*:\s*(\S+)", out):
            if m.group(2).lower() == APPID.lower():
                self.pfx.run("netsh", "http", "delete", "sslcert", "ipport=" + m.group(1))

    def bind(self, port, thumb):
        """netsh http add sslcert ipport=0.0.0.0:port."""
        ipport = "0.0.0.0:%d" % port
        rc, out = self.pfx.run("netsh", "http", "add", "sslcert", "ipport=" + ipport, "certhash=" + thumb,
                               "appid=" + APPID)
        if rc != 0:
            raise RuntimeError("netsh http add sslcert failed (%d): %s" % (rc, out.strip()))
        self.bound.append(ipport)

    def start(self, exe, *args, ports=()):
        """Starts a Windows program; (process, None) once its ports listen, else (None, why)."""
        proc = self.pfx.start(os.path.join(BUILD, "examples", exe), *args)
        on_exit(kill_group, proc)
        for port in ports:
            if not wait_port(port, 60) or proc.poll() is not None:
                out = b""
                if proc.poll() is not None:
                    out = proc.stdout.read() or b""
                kill_group(proc)
                return None, "did not come up (%s)" % " ".join(out.decode(errors="replace").split())[:200]
        return proc, None

    def stop(self, proc):
        kill_group(proc)
        time.sleep(0.5)

    def server_pids(self, exe):
        """wineserver, winedevice.exe, the program and the engine."""
        procs = prefix_processes(self.path)
        pids = [p for p, comm in procs.items() if comm in self.SERVER_SIDE or comm == exe[:15]]
        return sorted(set(pids) | set(engines_of(self.path)))

    def connection_pids(self, exe):
        """What holds a connection's state: the engine, winedevice.exe and the program."""
        procs = prefix_processes(self.path)
        pids = [p for p, comm in procs.items() if comm in ("winedevice.exe", "httpsys-engine") or comm == exe[:15]]
        return sorted(set(pids) | set(engines_of(self.path)))

    def log_mark(self):
        try:
            return os.path.getsize(os.path.join(self.pfx.rundir, "engine.log"))
        except OSError:
            return 0

    def log_since(self, mark):
        """What the service logged since log_mark(), summed up by message."""
        try:
            with open(os.path.join(self.pfx.rundir, "engine.log"), errors="replace") as f:
                f.seek(mark)
                text = f.read()
        except OSError:
            return ""
        counts = {}
        for line in text.splitlines():
            msg = re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", "", line)
            msg = re.sub(r"\d+", "N", msg)
            counts[msg] = counts.get(msg, 0) + 1
        top = sorted(counts.items(), key=lambda kv: -kv[1])[:3]
        return "; ".join('%d x "%s"' % (n, m) for m, n in top)

    def connection_rss(self, exe):
        """RSS of the engine, winedevice.exe and the program, by name."""
        parts = {}
        for pid in self.connection_pids(exe):
            name = "httpsys-engine" if pid in engines_of(self.path) else prefix_processes(self.path).get(pid, "?")
            parts[name] = parts.get(name, 0) + proc_rss(pid)
        return parts

    def engine_rss(self):
        pids = engines_of(self.path)
        return sum(proc_rss(p) for p in pids) if pids else None

    def wineserver_rss(self):
        return sum(proc_rss(p) for p, c in prefix_processes(self.path).items() if c.startswith("wineserver"))


# --- nginx ----------------------------------------------------------------------------

NGINX_CONF = """\
# written by bench/run.py: the configuration of shared/reference/benchmarks.md
worker_processes 2;
worker_rlimit_nofile 65536;
{user}error_log {dir}/error.log warn;
pid {dir}/nginx.pid;
events {{ worker_connections 30000; }}
http {{
    access_log off;
    sendfile on;
    default_type application/octet-stream;
    client_body_temp_path {dir}/tmp;
    proxy_temp_path {dir}/tmp;
    fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp;
    scgi_temp_path {dir}/tmp;
    server {{
        listen 127.0.0.1:{http};
        location = / {{ default_type text/plain; return 200 "Hello, World!"; }}
        location /f/ {{ alias {files}/; }}
    }}
    server {{
        listen 127.0.0.1:{https} ssl;
        ssl_certificate {crt};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;    # 1.22 leaves 1.3 out by default; ours and the anchor speak it
        location = / {{ default_type text/plain; return 200 "Hello, World!"; }}
        location /f/ {{ alias {files}/; }}
    }}
}}
"""


class ChildServer:
    """A native server this script started in a session of its own (self.proc)."""

    proc = None

    def stop(self):
        kill_group(self.proc)
        self.proc = None

    def pids(self):
        return [self.proc.pid] + children_of(self.proc.pid) if self.proc else []

    def rss(self):
        return sum(proc_rss(p) for p in self.pids())


class Nginx(ChildServer):
    def __init__(self, files, crt, key):
        self.dir = os.path.join(BUILD, "bench-nginx")
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        self.http, self.https = free_port(), free_port()
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(NGINX_CONF.format(dir=self.dir, files=files, crt=crt, key=key, http=self.http, https=self.https,
                                      user="user root;\n" if os.geteuid() == 0 else ""))
        self.proc = None
        self._kill_stale()

    def _kill_stale(self):
        """An nginx of ours that an interrupted run left behind."""
        try:
            pid = int(open(os.path.join(self.dir, "nginx.pid")).read())
            if self.dir.encode() in open("/proc/%d/cmdline" % pid, "rb").read():
                os.kill(pid, signal.SIGKILL)
                time.sleep(0.5)
        except (OSError, ValueError):
            pass

    def start(self):
        exe = "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "nginx"
        self.proc = subprocess.Popen([exe, "-p", self.dir, "-c", self.conf, "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        on_exit(self.stop)
        if not (wait_port(self.http, 20) and wait_port(self.https, 20)) or self.proc.poll() is not None:
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
            self.stop()
            return "nginx did not start: " + " ".join(err.split())[:300]
        return None


# --- the engine alone ----------------------------------------------------------------------

class EngineAlone(ChildServer):
    EXE = os.path.join(BUILD, "httpsys-engine-bench")

    def __init__(self, crt, key, file_path):
        self.crt, self.key, self.file = crt, key, file_path
        self.proc = None
        usage = sh(self.EXE, timeout=10).stdout.decode(errors="replace")
        self.serves_file = "--file" in usage

    def start(self, tls):
        self.port = free_port()
        args = [self.EXE, "--port", str(self.port)]
        if tls:
            args += ["--tls", self.crt, self.key]
        if self.serves_file:
            args += ["--file", self.file]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        on_exit(kill_group, self.proc)
        if not wait_port(self.port, 20) or self.proc.poll() is not None:
            err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""
            kill_group(self.proc)
            return "did not start: " + " ".join(err.split())[:200]
        return None


# --- running the loads ----------------------------------------------------------------------

results = {}        # (server, load) -> wrk figures + cpu10k, or {"rps": None, "skipped": why}
cells = {}          # (server, load) -> Cell: where the load goes
notes = []          # what went wrong, in the order it happened


class Cell:
    """Where one server takes one load: its port, whose CPU counts, what it must answer."""

    def __init__(self, port, pids_fn, expect=None, path=None, side=None, program=None):
        self.port, self.pids_fn, self.expect, self.path = port, pids_fn, expect, path
        self.side, self.program = side, program


class Program:
    """A server process; a Windows program can be started again on the same ports."""

    def __init__(self, name, proc=None, side=None, args=(), ports=()):
        self.name, self.proc, self.side, self.args, self.ports = name, proc, side, args, ports

    def start(self):
        self.proc, why = self.side.start(self.name, *self.args, ports=self.ports)
        return why

    def restart(self):
        if not self.side:
            return "cannot be restarted"
        self.side.stop(self.proc)
        return self.start()


def note(text):
    notes.append(text)
    log("  NOTE: " + text)


def skip(server, loads, why):
    for load in loads:
        results[(server, load)] = {"rps": None, "skipped": why}
    log("  %-28s %s" % (SERVERS[server], why))


def busy_seconds():
    """CPU time the machine spent on anything so far: user, nice, system, irq and softirq (the kernel
    charges a tick taken in an interrupt to the process it interrupted too, so loopback TCP's softirq
    time is in the processes' stime)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (v[0] + v[1] + v[2] + v[5] + v[6]) / HZ


def child_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    me = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime + me.ru_utime + me.ru_stime


def run_load(server, load, cafile):
    c = cells[(server, load)]
    label, scheme, default_path, threads, conns, close = LOADS[load]
    client = (lambda seconds=DURATION: ab(url, conns, seconds)) if close else \
        (lambda seconds=DURATION: wrk(url, threads, conns, seconds))
    path = c.path or default_path
    url = "%s://127.0.0.1:%d%s" % (scheme, c.port, path)
    mark = c.side.log_mark() if c.side else None
    if c.expect is not None:
        wrong = check_server(scheme, c.port, path, c.expect, cafile)
        if wrong and c.program and c.program.side:
            # Wine's own can stop answering after a load (wine-builtin.md 1.10, "possible stall"): a new
            # process gives the next load a fair start, and the note says so
            note("%s, %s: before the load: %s; %s started again" % (SERVERS[server], label, wrong, c.program.name))
            wrong = c.program.restart() or check_server(scheme, c.port, path, c.expect, cafile)
            if wrong:
                note("%s, %s: after the new start: %s" % (SERVERS[server], label, wrong))
        elif wrong:
            note("%s, %s: before the load: %s" % (SERVERS[server], label, wrong))
    if close:
        wrong = check_close(c.port, cafile)
        if wrong:
            note("%s, %s: %s" % (SERVERS[server], label, wrong))
    client(WARMUP)
    r = None
    for attempt in range(2):
        pids = c.pids_fn()
        before, busy0, mine0, t0 = cpu_of(pids), busy_seconds(), child_cpu(), time.time()
        again = client()
        after, busy1, mine1, t1 = cpu_of(pids), busy_seconds(), child_cpu(), time.time()
        server_cpu = cpu_delta(before, after)
        again["cpu10k"] = server_cpu / again["requests"] * 10000 if again["requests"] else None
        if again["requests"]:
            again["cpu_parts"] = {k: v / again["requests"] * 10000 for k, v in cpu_by_name(before, after).items()}
        # what neither the server side, nor wrk, nor this script used: other people's work on the machine
        again["other"] = max(0.0, (busy1 - busy0) - server_cpu - (mine1 - mine0)) / (os.cpu_count() * max(0.1, t1 - t0))
        if r is None or (again["requests"] and (not r["requests"] or again["other"] < r["other"])):
            r = again
        if attempt:
            break
        if not r["requests"] and c.program and c.program.side:
            note("%s, %s: no answer during the load; %s started again and the load taken once more"
                 % (SERVERS[server], label, c.program.name))
            why = c.program.restart()
            if why:
                note("%s, %s: %s %s" % (SERVERS[server], label, c.program.name, why))
                break
            client(WARMUP)
            continue
        if r["other"] <= RETRY_ABOVE:
            break
        log("  %-36s %-54s others used %.0f%% of the machine: once more" % (SERVERS[server], label, 100 * r["other"]))
    results[(server, load)] = r
    if r["errors"]:
        note("%s, %s: %s" % (SERVERS[server], label, r["errors"]))
    if c.side:
        said = c.side.log_since(mark)
        if said:
            note("%s, %s: the service log (engine.log) said %s" % (SERVERS[server], label, said))
    if r["requests"] == 0 and not r["errors"]:
        r["errors"] = "no answer during the whole load"
        note("%s, %s: %s" % (SERVERS[server], label, r["errors"]))
    proc = c.program.proc if c.program else None
    if proc is not None and proc.poll() is not None:
        note("%s, %s: %s exited during the load (code %s)" % (SERVERS[server], label, c.program.name, proc.returncode))
    extra = " %8.1f MB/s" % r["mibps"] if load == "file16" and r["mibps"] else ""
    log("  %-36s %-54s %9.0f req/s%s" % (SERVERS[server], label, r["rps"], extra))
    return r


def start_program(server, loads, side, exe, args, ports):
    """A Windows program for these loads; None (and the loads skipped) if it does not come up."""
    prog = Program(exe, side=side, args=args, ports=ports)
    why = prog.start()
    if why:
        skip(server, loads, "%s %s" % (exe, why))
        return None
    return prog


def start_ours(side, crt, key, thumb, files):
    """hello.exe, fileserver.exe and iocp.exe, each on ports of its own, all at once."""
    side.boot()
    side.import_certificate(crt, key, thumb)
    handles = {}
    http, https, fs_https = free_port(), free_port(), free_port()
    side.bind(https, thumb)
    side.bind(fs_https, thumb)
    loads = ("http1", "http16", "https16", "newconn")
    hello = start_program("ours", loads, side, "hello.exe",
                          ("-t", str(THREADS), "http://+:%d/" % http, "https://+:%d/" % https), (http, https))
    if hello:
        pids = lambda: side.server_pids("hello.exe")  # noqa: E731
        for load in loads:
            port = http if LOADS[load][1] == "http" else https
            cells[("ours", load)] = Cell(port, pids, None if load == "newconn" else HELLO, side=side, program=hello)
        handles["hello"] = (hello, http)
    fs = start_program("ours", ("file16",), side, "fileserver.exe",
                       ("-t", str(THREADS), "Z:" + files.replace("/", "\\"), "https://+:%d/f/" % fs_https),
                       (fs_https,))
    if fs:
        cells[("ours", "file16")] = Cell(fs_https, lambda: side.server_pids("fileserver.exe"),
                                         open(os.path.join(files, "1m.bin"), "rb").read(), side=side, program=fs)
    loads = ("http1", "http16", "https16")
    if not os.path.exists(os.path.join(BUILD, "examples", "iocp.exe")):
        skip("iocp", loads, "not built yet")
        return handles
    i_http, i_https = free_port(), free_port()
    side.bind(i_https, thumb)
    iocp = start_program("iocp", loads, side, "iocp.exe",
                         ("-t", str(THREADS), "http://+:%d/" % i_http, "https://+:%d/" % i_https), (i_http, i_https))
    if iocp:
        pids = lambda: side.server_pids("iocp.exe")  # noqa: E731
        for load in loads:
            cells[("iocp", load)] = Cell(i_https if load == "https16" else i_http, pids, HELLO, side=side,
                                         program=iocp)
    return handles


def start_builtin(side):
    side.boot()
    http = free_port()
    hello = start_program("builtin", ("http1", "http16"), side, "hello.exe",
                          ("-t", str(THREADS), "http://+:%d/" % http), (http,))
    if hello:
        pids = lambda: side.server_pids("hello.exe")  # noqa: E731
        for load in ("http1", "http16"):
            cells[("builtin", load)] = Cell(http, pids, HELLO, program=hello)
    if not os.path.exists(os.path.join(BUILD, "examples", "iocp.exe")):
        skip("builtin-iocp", ("http16",), "not built yet")
        return
    i_http = free_port()
    iocp = start_program("builtin-iocp", ("http16",), side, "iocp.exe", ("-t", str(THREADS), "http://+:%d/" % i_http),
                         (i_http,))
    if iocp:
        cells[("builtin-iocp", "http16")] = Cell(i_http, lambda: side.server_pids("iocp.exe"), HELLO, program=iocp)


def start_nginx(files, crt, key):
    n = Nginx(files, crt, key)
    why = n.start()
    if why:
        skip("nginx", list(LOADS), why)
        return None
    body = open(os.path.join(files, "1m.bin"), "rb").read()
    for load in LOADS:
        port = n.http if LOADS[load][1] == "http" else n.https
        cells[("nginx", load)] = Cell(port, n.pids, body if load == "file16" else None if load == "newconn" else HELLO,
                                      program=Program("nginx", n.proc))
    return n


def start_engine(crt, key, files):
    """Two of them: --port for HTTP, --port --tls for HTTPS."""
    loads = ("http1", "http16", "https16", "file16", "newconn")
    if not os.path.exists(EngineAlone.EXE):
        skip("engine", loads, "not built yet")
        return
    body = open(os.path.join(files, "1m.bin"), "rb").read()
    for tls, group in ((False, ("http1", "http16")), (True, ("https16", "file16", "newconn"))):
        e = EngineAlone(crt, key, os.path.join(files, "1m.bin"))
        if not e.serves_file and "file16" in group:
            skip("engine", ("file16",), "no --file")
            group = ("https16", "newconn")
        why = e.start(tls)
        if why:
            skip("engine", group, why)
            continue
        for load in group:
            cells[("engine", load)] = Cell(e.port, e.pids, body if load == "file16" else None if load == "newconn"
                                           else HELLO, path="/1m.bin" if load == "file16" else None,
                                           program=Program("httpsys-engine-bench", e.proc))


def idle_tests(ours, handles, n):
    figs_ours, figs_nginx = {}, {}
    if "hello" in handles:
        program, http = handles["hello"]
        ws_before = ours.wineserver_rss()
        mark = ours.log_mark()
        mem = idle_memory(http, lambda: ours.connection_rss("hello.exe"))
        mem["wineserver_per_conn"] = (ours.wineserver_rss() - ws_before) / max(1, mem["open"])
        figs_ours["idle_memory"] = mem
        log("  %-36s %d idle keep-alive connections: %.0f bytes each (%s)"
            % (SERVERS["ours"], mem["open"], mem["per_conn"], parts_text(mem)))
        if mem["errors"]:
            note("this project, %d idle connections: %s" % (IDLE_MEMORY_CONNS, mem["errors"]))
        hold = idle_hold(http)
        figs_ours["idle_hold"] = hold
        log("  %-36s %d idle connections: %d open, %d answered a second request, errors %s"
            % (SERVERS["ours"], IDLE_HOLD_CONNS, hold["open"], hold["answered"], hold["errors"] or "none"))
        said = ours.log_since(mark)
        if said:
            note("this project, idle connections: the service log (engine.log) said %s" % said)
        if program.proc.poll() is not None:
            note("hello.exe (this project) exited during the idle-connection tests (code %s)" % program.proc.returncode)
    if n:
        mem = idle_memory(n.http, lambda: {"nginx": n.rss()})
        figs_nginx["idle_memory"] = mem
        log("  %-36s %d idle keep-alive connections: %.0f bytes each (master + workers)"
            % ("nginx", mem["open"], mem["per_conn"]))
        if mem["errors"]:
            note("nginx, %d idle connections: %s" % (IDLE_MEMORY_CONNS, mem["errors"]))
    return figs_ours, figs_nginx


# --- the report ---------------------------------------------------------------------------

def parts_text(mem):
    return ", ".join("%s %.0f" % kv for kv in mem["parts"].items())


def mib(v):
    return "-" if v is None else "%.1f MiB" % (v / 2 ** 20)


def value(server, load):
    r = results.get((server, load))
    if not r or r.get("rps") is None:
        return None
    return r["mibps"] if load == "file16" else r["rps"]


def cell(server, load):
    r = results.get((server, load))
    if not r:
        return "-"
    if r.get("rps") is None:
        return r["skipped"]
    v = value(server, load)
    text = ("%.0f MB/s" % v) if load == "file16" else "%.0f" % v
    return text + (" (errors)" if r.get("errors") else "")


def ratio(a, b):
    return None if a is None or not b else a / b


def fmt_ratio(x):
    return "-" if x is None else ("%.1fx" % x if x >= 10 else "%.2fx" % x)


def verdict(ok):
    return "-" if ok is None else ("met" if ok else "not met")


def summary(figs_ours, figs_nginx):
    rows = []

    def row(load_text, target, server, load, builtin_server=None, checks=()):
        ours = value(server, load)
        built = value(builtin_server, load) if builtin_server else None
        ngx = value("nginx", load)
        rb, rn = ratio(ours, built), ratio(ours, ngx)
        met = None
        if checks:
            oks = []
            for kind, bound in checks:
                x = rb if kind == "builtin" else rn
                oks.append(None if x is None else x >= bound)
            met = None if None in oks else all(oks)
        b_cell = cell(builtin_server, load) if builtin_server else "n/a"
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            load_text, cell(server, load), b_cell, cell("nginx", load), fmt_ratio(rb), fmt_ratio(rn), target,
            verdict(met)))

    # Wine's own IOCP example, or its sync one when that one gave nothing
    iocp_base = "builtin-iocp" if value("builtin-iocp", "http16") else "builtin"
    row("sync hello, HTTP, 1 conn (req/s)", "", "ours", "http1", "builtin")
    row("sync hello, HTTP, 16 conn (req/s)", ">= 40x built-in, >= 0.30x nginx", "ours", "http16", "builtin",
        (("builtin", 40), ("nginx", 0.30)))
    row("IOCP hello, HTTP, 1 conn (req/s)", "", "iocp", "http1", None)
    row("IOCP hello, HTTP, 16 conn (req/s)%s" % ("" if iocp_base == "builtin-iocp" else " [built-in: sync hello]"),
        ">= 20x built-in", "iocp", "http16", iocp_base, (("builtin", 20),))
    row("sync hello, HTTPS, 16 conn (req/s)", ">= 0.30x nginx", "ours", "https16", None, (("nginx", 0.30),))
    row("IOCP hello, HTTPS, 16 conn (req/s)", "", "iocp", "https16", None)
    row("1 MiB file, HTTPS, 16 conn (MB/s)", ">= 0.9x nginx", "ours", "file16", None, (("nginx", 0.9),))
    row("new HTTPS connections/s (sync hello)", "", "ours", "newconn", None)
    row("engine alone, HTTP, 1 conn (req/s)", "", "engine", "http1", None)
    row("engine alone, HTTP, 16 conn (req/s)", ">= 0.8x nginx", "engine", "http16", None, (("nginx", 0.8),))
    row("engine alone, HTTPS, 16 conn (req/s)", "", "engine", "https16", None)
    if ("engine", "file16") in results and results[("engine", "file16")].get("rps") is not None:
        row("engine alone, 1 MiB file, HTTPS, 16 conn (MB/s)", "", "engine", "file16", None)
    row("engine alone, new HTTPS connections/s", "", "engine", "newconn", None)

    mo = figs_ours.get("idle_memory")
    mn = figs_nginx.get("idle_memory")
    if mo and mn:
        r = ratio(mo["per_conn"], mn["per_conn"])
        rows.append("| memory per idle keep-alive conn (%d conns; bytes) | %.0f | n/a | %.0f | - | %s | <= 2x nginx | %s |"
                    % (IDLE_MEMORY_CONNS, mo["per_conn"], mn["per_conn"], fmt_ratio(r),
                       verdict(None if r is None else r <= 2)))
    else:
        rows.append("| memory per idle keep-alive conn | %s | n/a | %s | - | - | <= 2x nginx | - |"
                    % ("%.0f" % mo["per_conn"] if mo else "not measured", "%.0f" % mn["per_conn"] if mn else "not measured"))
    h = figs_ours.get("idle_hold")
    if h:
        errs = sum(h["errors"].values())
        ok = errs == 0 and h["answered"] == IDLE_HOLD_CONNS
        rows.append("| %d idle conns held at once | %d open, %d answered again, %d errors | n/a | - | - | - | no error | %s |"
                    % (IDLE_HOLD_CONNS, h["open"], h["answered"], errs, verdict(ok)))
    else:
        rows.append("| %d idle conns held at once | not measured | n/a | - | - | - | no error | - |" % IDLE_HOLD_CONNS)
    rows.append("| engine RSS after the loads | %s | n/a | - | - | - | | - |" % mib(figs_ours.get("engine_rss")))
    head = ["| load | ours | Wine built-in | nginx | ours/built-in | ours/nginx | target | |",
            "|---|---|---|---|---|---|---|---|"]
    return "\n".join(head + rows)


def details():
    lines = ["| server | load | req/s | MB/s | p50 ms | p99 ms | CPU s / 10k req | others' CPU | errors |",
             "|---|---|---|---|---|---|---|---|---|"]
    for server in SERVERS:
        for load, spec in LOADS.items():
            r = results.get((server, load))
            if not r or r.get("rps") is None:
                continue

            def f(v, fmt="%.2f"):
                return "-" if v is None else fmt % v
            lines.append("| %s | %s | %.0f | %s | %s | %s | %s | %s | %s |" % (
                SERVERS[server], spec[0], r["rps"], f(r.get("mibps"), "%.1f"), f(r.get("p50")), f(r.get("p99")),
                f(r.get("cpu10k"), "%.3f"), f(100 * r["other"], "%.0f%%") if "other" in r else "-",
                r["errors"] or ""))
    return "\n".join(lines)


def cpu_parts_table():
    """Where this project's CPU goes, per process, for each load."""
    names = ["wineserver", "winedevice.exe", "httpsys-engine"]
    rows = []
    for server in ("ours", "iocp", "builtin", "builtin-iocp"):
        for load, spec in LOADS.items():
            r = results.get((server, load))
            if not r or not r.get("cpu_parts"):
                continue
            parts = r["cpu_parts"]
            program = sum(v for k, v in parts.items() if k not in names)
            rows.append("| %s | %s | %s | %.3f |" % (SERVERS[server], spec[0], " | ".join(
                "%.3f" % parts[n] if n in parts else "-" for n in names), program))
    if not rows:
        return ""
    return "\n".join(["| server | load | wineserver | winedevice.exe | httpsys-engine | the program |",
                      "|---|---|---|---|---|---|"] + rows)


def svg_plot(path):
    """Requests/s per server and load, horizontal bars on a log scale."""
    loads = [k for k in LOADS]
    servers = [s for s in SERVERS if any(value(s, l) for l in loads)]
    colours = {"ours": "#1f77b4", "iocp": "#17becf", "engine": "#2ca02c", "builtin": "#d62728",
               "builtin-iocp": "#ff9896", "nginx": "#7f7f7f"}
    bar, gap, left, right, top = 14, 14, 220, 120, 50
    groups = [(l, [s for s in servers if results.get((s, l), {}).get("rps")]) for l in loads]
    groups = [(l, ss) for l, ss in groups if ss]
    width = 1000
    legend, lx, ly = [], 20, 0
    for s in servers:
        w = 30 + int(6.5 * len(SERVERS[s]))
        if lx + w > width - 10:
            lx, ly = 20, ly + 20
        legend.append((s, lx, ly))
        lx += w
    axis = top + sum(len(ss) * bar + gap for _, ss in groups)
    height = axis + 50 + ly
    lo, hi = 1, 6          # 10 .. 1,000,000 requests/s
    span = width - left - right

    def x(v):
        v = max(v, 10 ** lo)
        return left + span * (math.log10(v) - lo) / (hi - lo)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">'
           % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="20" y="22" font-size="15" font-weight="bold">requests/s per server and load (wrk, ab for new connections; %d s each; '
           'log scale; for the 1 MiB file, requests/s = MiB/s)</text>' % DURATION]
    for e in range(lo, hi + 1):
        gx = x(10 ** e)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (gx, top - 8, gx, axis))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>' % (gx, axis + 15, "{:,}".format(10 ** e)))
    y = top
    for load, ss in groups:
        out.append('<text x="%d" y="%d" text-anchor="end" font-weight="bold">%s</text>'
                   % (left - 8, y + bar - 2, esc(PLOT_LABELS[load])))
        for s in ss:
            r = results[(s, load)]
            w = x(r["rps"]) - left
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (left, y, max(w, 1), bar - 2, colours[s]))
            out.append('<text x="%.1f" y="%d" fill="#222">%s</text>' % (left + max(w, 1) + 4, y + bar - 4,
                                                                       "{:,.0f}".format(r["rps"])))
            y += bar
        y += gap
    for s, lx, ly in legend:
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (lx, axis + 28 + ly, colours[s]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 16, axis + 38 + ly, esc(SERVERS[s])))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    started = time.time()
    nofile = raise_nofile()
    busy = machine_busy()
    log("RLIMIT_NOFILE %d; the machine was %.0f%% busy before the run" % (nofile, busy * 100))
    if nofile < IDLE_HOLD_CONNS + 500:
        note("RLIMIT_NOFILE is %d here (the hard limit): too few for %d connections, expect errors from the "
             "idle-connection tests" % (nofile, IDLE_HOLD_CONNS))
    if busy > 0.10:
        log("  (other processes are using the CPU: the figures will be lower and noisier than on a quiet machine)")
    crt, key, thumb = certificate()
    files = os.path.join(BUILD, "bench-files")
    os.makedirs(files, exist_ok=True)
    big = os.path.join(files, "1m.bin")
    if not os.path.exists(big) or os.path.getsize(big) != FILE_SIZE:
        with open(big, "wb") as f:
            f.write(os.urandom(FILE_SIZE))

    # Every server runs from the start, each on ports of its own, and each load goes to all of them one
    # after the other: what else happens on the machine then weighs on the ratios as little as it can.
    log("starting: this project in %s, Wine's own in %s, nginx in %s, %s"
        % (os.path.join(BUILD, "bench-prefix"), os.path.join(BUILD, "bench-wine-prefix"),
           os.path.join(BUILD, "bench-nginx"), EngineAlone.EXE))
    ours = WineSide("bench-prefix", True)
    handles = start_ours(ours, crt, key, thumb, files)
    start_builtin(WineSide("bench-wine-prefix", False))
    n = start_nginx(files, crt, key)
    start_engine(crt, key, files)
    for load in LOADS:
        log(LOADS[load][0])
        for server in SERVERS:
            if (server, load) in cells:
                run_load(server, load, crt)
    figs_ours = {"engine_rss": ours.engine_rss()}
    log("engine RSS after the loads: %s" % mib(figs_ours["engine_rss"]))
    log("idle connections")
    idle_ours, figs_nginx = idle_tests(ours, handles, n)
    figs_ours.update(idle_ours)

    nginx_version = sh("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else "nginx", "-v").stdout.decode().strip()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    others = [r["other"] for r in results.values() if "other" in r]
    busy_loads = sum(1 for o in others if o > 0.10)
    if busy_loads:
        note("other processes used more than 10%% of the machine during %d of the %d loads (column \"others' CPU\"): "
             "their figures are lower and noisier than on a quiet machine" % (busy_loads, len(others)))
    text = ["Measured %s on %s (%d cores), %ds per load (+%ds warm-up), %s; Windows examples with %d worker threads; "
            "the machine was %.0f%% busy just before the run, and other processes used at most %.0f%% of it during "
            "a load.  MB/s is wrk's Transfer/sec (MB = 2^20 bytes)."
            % (stamp, os.uname().nodename, os.cpu_count(), DURATION, WARMUP, nginx_version.replace("nginx version: ", ""),
               THREADS, busy * 100, 100 * max(others or [0])),
            "", summary(figs_ours, figs_nginx), "",
            "Per load: latency from `wrk --latency`; CPU = utime+stime of the server side (Wine: wineserver, "
            "winedevice.exe, the program and the engine; nginx: master and workers; the engine alone: its process) "
            "over the load, per 10,000 requests.", "", details()]
    parts = cpu_parts_table()
    if parts:
        text += ["", "The same CPU seconds per 10,000 requests under Wine, by process:", "", parts]
    mo, mn = figs_ours.get("idle_memory"), figs_nginx.get("idle_memory")
    extra = []
    if mo:
        extra.append("Idle keep-alive connections, this project: %d open; engine + winedevice.exe + hello.exe RSS "
                     "%s -> %s, %.0f bytes each (%s); wineserver grew %.0f bytes per connection besides."
                     % (mo["open"], mib(mo["base"]), mib(mo["grown"]), mo["per_conn"], parts_text(mo),
                        mo["wineserver_per_conn"]))
    if mn:
        extra.append("Idle keep-alive connections, nginx: %d open; master + workers RSS %s -> %s, %.0f bytes each."
                     % (mn["open"], mib(mn["base"]), mib(mn["grown"]), mn["per_conn"]))
    tls = ["%s %s" % (SERVERS[sv], r["tls"]) for (sv, ld), r in results.items() if ld == "newconn" and r.get("tls")]
    if tls:
        extra.append("TLS negotiated with ab: " + "; ".join(tls) + ".")
    h = figs_ours.get("idle_hold")
    if h:
        extra.append("%d idle connections to this project: %d opened (in %.1f s), %d answered a second request "
                     "after %d s idle; errors: %s."
                     % (IDLE_HOLD_CONNS, h["open"], h["seconds_to_open"], h["answered"], 5,
                        ", ".join("%s x%d" % kv for kv in h["errors"].items()) or "none"))
    if extra:
        text += [""] + ["- " + e for e in extra]
    if notes:
        text += ["", "Notes from this run:", ""] + ["- " + n for n in notes]
    text = "\n".join(text) + "\n"
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(text)
    svg_plot(os.path.join(RESULTS, "latest.svg"))
    log("")
    log(text)
    log("(bench/results/latest.md, bench/results/latest.svg; %.0f s in all)" % (time.time() - started))


if __name__ == "__main__":
    main()
