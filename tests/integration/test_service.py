#!/usr/bin/env python3
"""The service in a real Wine prefix: the example server with curl and
Python clients, netsh, the Parameters key at driver start, net stop/start,
wineserver going away, and install/uninstall.

usage: test_service.py PREFIX BUILD_DIR
Ends with "RESULT <passed> <failed>"."""

import os
import subprocess
import sys
import time
import http.client

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from winenv import Prefix, alive, engines_of, free_port, wait_port, port_closed, http_get, WINE



def stop(proc):
    if proc and proc.poll() is None:
        proc.kill()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


def curl(*args):
    p = subprocess.run(["curl", "-s", "--max-time", "10"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return p.returncode, p.stdout


def test_example(pfx, build):
    port = free_port()
    hello = pfx.start(os.path.join(build, "examples", "hello.exe"), "http://+:%d/" % port)
    try:
        check(wait_port(port), "the example listens on its port")
        rc, out = curl("http://127.0.0.1:%d/some/path?x=1" % port)
        check(rc == 0 and out == b"Hello, World!", "curl gets Hello, World! (%r)" % out)
        rc, out = curl("-i", "http://localhost:%d/" % port)
        text = out.decode("latin-1")
        check("HTTP/1.1 200 OK" in text, "status line")
        check("Server: Microsoft-HTTPAPI/2.0" in text, "Server header")
        check("Content-Length: 13" in text, "Content-Length")
        check("Date: " in text, "Date header")
        rc, out = curl("-I", "http://127.0.0.1:%d/" % port)
        check(rc == 0 and b"Content-Length: 13" in out, "HEAD carries the length")
        rc, out = curl("-6", "http://[::1]:%d/v6" % port)
        check(rc == 0 and out == b"Hello, World!", "over IPv6")
        rc, out = curl("-d", "x" * 100000, "http://127.0.0.1:%d/post" % port)
        check(rc == 0 and out == b"Hello, World!", "POST with a 100 kB body")
        rc, out = curl("http://127.0.0.1:%d/a" % port, "http://127.0.0.1:%d/b" % port)
        check(out == b"Hello, World!" * 2, "two requests on one curl connection")
        # Python's http.client: keep-alive over one connection, and HTTP/1.0
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        bodies = []
        for i in range(3):
            c.request("GET", "/k%d" % i)
            r = c.getresponse()
            bodies.append(r.read())
        check(bodies == [b"Hello, World!"] * 3, "http.client keep-alive")
        c.close()
        s = __import__("socket").create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
        check(data.startswith(b"HTTP/1.1 200") and data.endswith(b"Hello, World!"),
              "HTTP/1.0 request answered and closed")
        # netsh sees the live registration
        rc, out = pfx.run("netsh", "http", "show", "servicestate")
        check(rc == 0 and ("HTTP://+:%d/" % port) in out, "netsh show servicestate lists the prefix")
        check("Snapshot of HTTP service state (Server Session View)" in out, "servicestate title")
        rc, out = pfx.run("netsh", "http", "show", "servicestate", "view=requestq")
        check(rc == 0 and "Request queue name: Request queue is unnamed." in out and "hello.exe" in out.lower(),
              "netsh requestq view names the process")
        rc, out = pfx.run("netsh", "http", "show", "servicestate", "view=nonsense")
        check(rc == 1 and "The parameter is incorrect." in out, "netsh rejects a bad view with exit code 1")
        rc, out = pfx.run("netsh", "http", "frobnicate")
        check(rc == 1 and "The following command was not found" in out, "netsh unknown command")
        rc, out = pfx.run("netsh", "http", "?")
        check(rc == 0 and "show           - Displays information." in out, "netsh http ? lists commands")
        rc, out = pfx.run("netsh")
        check(rc == 0 and "Usage: netsh" in out, "netsh usage")
    finally:
        stop(hello)


def test_routing_across_processes(pfx, build):
    """Several processes share a port; the longest matching prefix wins."""
    port = free_port()
    probe = os.path.join(build, "win", "svcprobe.exe")
    servers = [pfx.start(probe, "serve", url % port, text) for url, text in
               (("http://+:%d/a/", "A"), ("http://+:%d/a/b/", "AB"), ("http://localhost:%d/", "LOCAL"))]
    try:
        for s in servers:
            check(s.stdout.readline().strip() == b"SERVING", "a server registered")
        for path, host, want in (("/a/x", None, b"A"), ("/a/b/c", None, b"AB"), ("/A/B/", None, b"AB"),
                                 ("/a", None, b"A"), ("/other", "localhost:%d" % port, b"LOCAL"),
                                 ("/a/b", "localhost:%d" % port, b"AB")):
            status, _, body = http_get(port, path, host=host)
            check(status == 200 and body == want, "%s (Host %s) goes to %r, got %r %r" % (path, host, want, status, body))
        status, _, body = http_get(port, "/other", host="elsewhere.example:%d" % port)
        check(status == 404, "a + prefix takes every host: an unknown path is 404, not 400 (%r)" % status)
        stop(servers[1])
        time.sleep(0.5)
        status, _, body = http_get(port, "/a/b/c")
        check(status == 200 and body == b"A", "when /a/b/'s process exits, /a/ takes its requests (%r)" % body)
    finally:
        for s in servers:
            stop(s)


def test_parameters(pfx, build):
    """A value set before net start is in force after it; changing it while
    running has no effect until the next start."""
    pfx.reg_set_dword("MaxFieldLength", 100)
    pfx.net("stop")
    rc, out = pfx.net("start")
    check(rc == 0, "net start http")
    port = free_port()
    hello = pfx.start(os.path.join(build, "examples", "hello.exe"), "http://+:%d/" % port)
    try:
        check(wait_port(port), "example up")
        status, _, body = http_get(port, headers={"X-Long": "a" * 150})
        check(status == 400 and b"Request Too Long" in body, "MaxFieldLength=100 from the registry is in force")
        status, _, _ = http_get(port, headers={"X-Short": "a" * 20})
        check(status == 200, "a short header still passes")
        pfx.reg_set_dword("MaxFieldLength", 16384)
        status, _, _ = http_get(port, headers={"X-Long": "a" * 150})
        check(status == 400, "changing MaxFieldLength while running has no effect yet")
    finally:
        stop(hello)
    pfx.net("stop")
    pfx.net("start")
    hello = pfx.start(os.path.join(build, "examples", "hello.exe"), "http://+:%d/" % port)
    try:
        check(wait_port(port), "example up again")
        status, _, _ = http_get(port, headers={"X-Long": "a" * 150})
        check(status == 200, "the new MaxFieldLength applies after net stop/start")
    finally:
        stop(hello)
    # out of range: the default and a warning
    pfx.reg_set_dword("MaxFieldLength", 10)
    pfx.net("stop")
    pfx.net("start")
    check("MaxFieldLength = 10 is outside 64..65534" in pfx.engine_log(), "out-of-range value logged")
    hello = pfx.start(os.path.join(build, "examples", "hello.exe"), "http://+:%d/" % port)
    try:
        check(wait_port(port), "example up with a bad value")
        status, _, _ = http_get(port, headers={"X-Long": "a" * 150})
        check(status == 200, "out-of-range MaxFieldLength falls back to the default")
    finally:
        stop(hello)
    pfx.reg_delete("MaxFieldLength")


def test_init_starts_service(pfx, build):
    probe = os.path.join(build, "win", "svcprobe.exe")
    for flags in ("1", "3"):
        pfx.net("stop")
        rc, out = pfx.run(probe, "init", flags)
        check("INIT 0" in out and "HANDLE 0" in out,
              "HttpInitialize(%s) starts a stopped service (%r)" % (flags, out.strip()))


def test_stop_start(pfx, build):
    pfx.net("start")
    port = free_port()
    probe = pfx.start(os.path.join(build, "win", "svcprobe.exe"), "block", "http://+:%d/" % port)
    line = probe.stdout.readline().decode().strip()
    check(line == "READY", "receives blocked (%r)" % line)
    pid = pfx.engine_pid()
    check(pid is not None and alive(pid), "the engine runs")
    rc, out = pfx.run("sc", "query", "http")
    check("RUNNING" in out, "sc query http: RUNNING while started")
    t0 = time.time()
    rc, out = pfx.net("stop")
    check(rc == 0 and "stopped successfully" in out, "net stop http succeeds (%r)" % out.strip())
    check(time.time() - t0 < 10, "net stop http is prompt")
    try:
        out, _ = probe.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        stop(probe)
        out = b""
    out = out.decode()
    check("SYNC 995" in out, "a blocked synchronous receive ends with ERROR_OPERATION_ABORTED (%r)" % out)
    check("OVERLAPPED 995" in out, "a pending OVERLAPPED receive ends with ERROR_OPERATION_ABORTED")
    time.sleep(0.5)
    check(pid is None or not alive(pid), "the engine has exited")
    check(port_closed(port), "the listener is closed")
    check(pfx.engine_pid() is None, "no ready file left")
    rc, out = pfx.run("sc", "query", "http")
    check("STOPPED" in out, "sc query http: STOPPED after net stop")
    rc, out = pfx.net("start")
    check(rc == 0, "net start http again")
    hello = pfx.start(os.path.join(build, "examples", "hello.exe"), "http://+:%d/" % port)
    try:
        check(wait_port(port), "a new server after restart")
        status, _, body = http_get(port)
        check(status == 200 and body == b"Hello, World!", "and it serves")
    finally:
        stop(hello)


def test_wineserver_kill(pfx):
    pfx.net("start")
    check(len(engines_of(pfx.path)) == 1, "one engine runs")
    subprocess.run(["/usr/lib/wine/wineserver", "-k"], env=pfx.env, timeout=30)
    deadline = time.time() + 10
    while engines_of(pfx.path) and time.time() < deadline:
        time.sleep(0.2)
    check(not engines_of(pfx.path), "killing wineserver leaves no engine behind")


def main():
    prefix, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pfx = Prefix(prefix)
    for test in (lambda: test_example(pfx, build), lambda: test_routing_across_processes(pfx, build),
                 lambda: test_parameters(pfx, build),
                 lambda: test_init_starts_service(pfx, build), lambda: test_stop_start(pfx, build),
                 lambda: test_wineserver_kill(pfx)):
        try:
            test()
        except Exception as e:
            import traceback
            traceback.print_exc()
            check(False, "test raised %r" % e)
    report()


if __name__ == "__main__":
    main()
