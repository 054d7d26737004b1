"""Helpers for tests that drive a Wine prefix with the service installed."""

import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from enginectl import free_port  # noqa: E402,F401  (re-exported for the tests)

WINE = "/usr/lib/wine/wine64" if os.path.exists("/usr/lib/wine/wine64") else "wine64"


class Prefix:
    def __init__(self, path):
        self.path = path
        self.env = dict(os.environ, WINEPREFIX=path, WINEDEBUG=os.environ.get("TEST_WINEDEBUG", "-all"),
                        PATH="/usr/lib/wine:" + os.environ.get("PATH", ""))
        self.env.pop("DISPLAY", None)
        self.rundir = os.path.join(path, "drive_c/windows/system32/httpsys/run")

    def run(self, *args, timeout=60, input=None):
        """Runs a Wine program to completion: (exit code, stdout text)."""
        p = subprocess.run([WINE] + list(args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           timeout=timeout, input=input)
        return p.returncode, p.stdout.decode("utf-8", "replace").replace("\r\n", "\n")

    def start(self, *args):
        return subprocess.Popen([WINE] + list(args), env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def net(self, verb):
        return self.run("net", verb, "http", timeout=60)

    def reg_set_dword(self, name, value):
        return self.run("reg", "add", r"HKLM\System\CurrentControlSet\Services\HTTP\Parameters", "/v", name,
                        "/t", "REG_DWORD", "/d", str(value), "/f")

    def reg_delete(self, name):
        return self.run("reg", "delete", r"HKLM\System\CurrentControlSet\Services\HTTP\Parameters", "/v", name, "/f")

    def engine_pid(self):
        try:
            return int(open(os.path.join(self.rundir, "ready")).read().split()[2])
        except (OSError, IndexError, ValueError):
            return None

    def engine_log(self):
        try:
            return open(os.path.join(self.rundir, "engine.log")).read()
        except OSError:
            return ""


def alive(pid):
    """True if pid runs (a zombie counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def engines_of(prefix_path):
    """PIDs of live engine processes started from this prefix."""
    pids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            cmd = open("/proc/%s/cmdline" % d, "rb").read().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(b"httpsys-engine") and any(prefix_path.encode() in c for c in cmd) and alive(int(d)):
            pids.append(int(d))
    return pids


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def port_closed(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return False
    except OSError:
        return True


def http_get(port, path="/", headers=None, timeout=10, host=None):
    """One request with Connection: close; returns (status, headers, body) or (None, {}, b'')."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    req = "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n" % (path, host or "127.0.0.1:%d" % port)
    for k, v in (headers or {}).items():
        req += "%s: %s\r\n" % (k, v)
    s.sendall(req.encode() + b"\r\n")
    data = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
    except OSError:
        pass
    s.close()
    if b"\r\n\r\n" not in data:
        return None, {}, b""
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), hdrs, body
