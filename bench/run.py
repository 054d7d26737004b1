#!/usr/bin/env python3
"""make bench: the example server under wrk, with this project and, in the
same run, with Wine's own httpapi.dll/http.sys in a second prefix.

Prints a markdown table (also written to bench/results/latest.md) with the
ratio between the two.  Figures are only comparable within one run."""

import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from winenv import Prefix, free_port, wait_port  # noqa: E402

BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
LOADS = [("-t2", "-c16", "16 connections"), ("-t1", "-c1", "1 connection")]


def sh(*args, **kw):
    return subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def prepare(path, ours):
    if ours:
        sh(os.path.join(ROOT, "tools", "install.sh"), path, BUILD, check=True)
    else:
        if not os.path.exists(os.path.join(path, "system.reg")):
            sh(os.path.join(ROOT, "tools", "install.sh"), path, BUILD, check=True)
        sh(os.path.join(ROOT, "tools", "uninstall.sh"), path, check=True)
    return Prefix(path)


def wrk(port, threads, conns):
    out = sh("wrk", threads, conns, "-d%ds" % DURATION, "--latency", "http://127.0.0.1:%d/" % port,
             timeout=DURATION + 60).stdout.decode()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)

    def ms(m):
        if not m:
            return None
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    return (float(rps.group(1)) if rps else 0.0), ms(p50), ms(p99), (errors.group(0) if errors else "")


def measure(pfx, label):
    results = {}
    for threads, conns, name in LOADS:
        sh("/usr/lib/wine/wineserver", "-k", env=pfx.env)
        time.sleep(1)
        server = subprocess.Popen(["/usr/lib/wine/wineserver", "-p"], env=pfx.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.wait()
        port = free_port()
        hello = pfx.start(os.path.join(BUILD, "examples", "hello.exe"), "-t", "2", "http://+:%d/" % port)
        try:
            if not wait_port(port, 60):
                print("%s: the example did not come up" % label)
                results[name] = (0.0, None, None, "did not start")
                continue
            sh("wrk", "-t1", "-c2", "-d2s", "http://127.0.0.1:%d/" % port, timeout=60)   # warm-up
            results[name] = wrk(port, threads, conns)
            print("%-22s %-16s %10.0f requests/s" % (label, name, results[name][0]), flush=True)
        finally:
            hello.kill()
            hello.wait()
    sh("/usr/lib/wine/wineserver", "-k", env=pfx.env)
    return results


def main():
    ours = prepare(os.path.join(BUILD, "bench-prefix"), True)
    wine = prepare(os.path.join(BUILD, "bench-wine-prefix"), False)
    r_ours = measure(ours, "this project")
    r_wine = measure(wine, "Wine 8.0 built-in")

    def fmt(v):
        return "-" if v is None else "%.2f" % v
    lines = ["| load (`wrk`, %ds, 13-byte body, sync hello, 2 threads) | Wine built-in req/s | this project req/s | ratio | p50 / p99 ms (built-in) | p50 / p99 ms (ours) |" % DURATION,
             "|---|---|---|---|---|---|"]
    for _, _, name in LOADS:
        w, o = r_wine[name], r_ours[name]
        ratio = o[0] / w[0] if w[0] else float("inf")
        lines.append("| %s | %.0f | %.0f | %.1fx | %s / %s | %s / %s |" % (name, w[0], o[0], ratio, fmt(w[1]), fmt(w[2]),
                                                                          fmt(o[1]), fmt(o[2])))
    table = "\n".join(lines)
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = "Measured %s on %s (%d cores)\n\n%s\n" % (stamp, os.uname().nodename, os.cpu_count(), table)
    print()
    print(text)
    with open(os.path.join(ROOT, "bench", "results", "latest.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
