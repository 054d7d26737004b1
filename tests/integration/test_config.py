#!/usr/bin/env python3
"""The configuration store in a real prefix: records persist across
net stop/start and a wineserver restart, records imported from a .reg file
(as made on Windows) are read the same way, and changes reach the running
service at once (IP listen list, timeouts).  (URL reservations at registration are
dlls/httpapi/tests/urlacl_check.c.)

usage: test_config.py PREFIX BUILD_DIR     ends with "RESULT <passed> <failed>" """

import os
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from winenv import Prefix, free_port, wait_port  # noqa: E402
from enginectl import connects  # noqa: E402


def netsh(pfx, *args):
    return pfx.run("netsh", "http", *args)


def stop(proc):
    if proc and proc.poll() is None:
        proc.kill()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


# A self-relative security descriptor for D:(A;;GX;;;WD), as Windows writes
# it into UrlAclInfo: header, then a DACL with one allow ACE for Everyone.
SD_GX_EVERYONE = ("01,00,04,80,00,00,00,00,00,00,00,00,00,00,00,00,14,00,00,00,"
                  "02,00,1c,00,01,00,00,00,00,00,14,00,00,00,00,20,01,01,00,00,00,00,00,01,00,00,00,00")


def test_reg_import(pfx, port):
    """Records written in Windows' layout by a .reg import."""
    hashhex = "2ace368a90d2117be7a0065dfe259b2e8c94f538"
    reg = ("REGEDIT4\n\n"
           "[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\HTTP\\Parameters\\SslBindingInfo\\0.0.0.0:%d]\n"
           "\"SslCertHash\"=hex:%s\n"
           "\"AppId\"=hex:81,e1,c3,4d,4b,e1,21,4a,b0,22,59,fc,66,9b,09,14\n"
           "\"SslCertStoreName\"=\"MY\"\n"
           "\"DefaultSslCertCheckMode\"=dword:00000000\n"
           "\"DefaultFlags\"=dword:00000002\n\n"
           "[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services\\HTTP\\Parameters\\UrlAclInfo]\n"
           "\"http://+:%d/imported/\"=hex:%s\n"
           % (port, ",".join(hashhex[i:i + 2] for i in range(0, 40, 2)), port, SD_GX_EVERYONE))
    with tempfile.NamedTemporaryFile("w", suffix=".reg", delete=False, dir=pfx.path) as f:
        f.write(reg)
    rc, _ = pfx.run("regedit", "/S", f.name)
    os.unlink(f.name)
    rc, out = netsh(pfx, "show", "sslcert", "ipport=0.0.0.0:%d" % port)
    check(rc == 0 and ("Certificate Hash             : %s" % hashhex) in out,
          "an imported SslBindingInfo record shows (%r)" % out[-400:])
    check("{4dc3e181-e14b-4a21-b022-59fc669b0914}" in out, "its AppId reads as the GUID")
    check("Negotiate Client Certificate : Enabled" in out, "its DefaultFlags read")
    rc, out = netsh(pfx, "show", "urlacl", "url=http://+:%d/imported/" % port)
    check(rc == 0 and "D:(A;;GX;;;WD)" in out and "Listen: Yes" in out,
          "an imported UrlAclInfo value reads back as its SDDL (%r)" % out[-300:])
    netsh(pfx, "delete", "sslcert", "ipport=0.0.0.0:%d" % port)
    rc, out = netsh(pfx, "delete", "urlacl", "url=http://+:%d/imported/" % port)
    check(rc == 0, "and it deletes")


def test_persistence(pfx, port):
    url = "http://+:%d/kept/" % port
    netsh(pfx, "delete", "urlacl", "url=" + url)
    netsh(pfx, "delete", "timeout", "timeouttype=idleconnectiontimeout")
    rc, out = netsh(pfx, "add", "urlacl", "url=" + url, "sddl=D:(A;;GX;;;WD)")
    check(rc == 0 and "URL reservation successfully added" in out, "add urlacl (%r)" % out)
    rc, out = netsh(pfx, "add", "timeout", "timeouttype=idleconnectiontimeout", "value=77")
    check(rc == 0, "add timeout (%r)" % out)
    pfx.net("stop")
    pfx.net("start")
    rc, out = netsh(pfx, "show", "urlacl", "url=" + url)
    check(url in out, "a reservation survives net stop/start")
    subprocess.run(["/usr/lib/wine/wineserver", "-k"], env=pfx.env, timeout=30)
    time.sleep(1)
    subprocess.Popen(["/usr/lib/wine/wineserver", "-p"], env=pfx.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait()
    rc, out = netsh(pfx, "show", "urlacl", "url=" + url)
    check(url in out, "a reservation survives a wineserver restart")
    rc, out = netsh(pfx, "show", "timeout")
    check("77" in out, "the timeout survives it too (%r)" % out)
    netsh(pfx, "delete", "urlacl", "url=" + url)
    netsh(pfx, "delete", "timeout", "timeouttype=idleconnectiontimeout")


def test_live_changes(pfx, build, port):
    """A new IP listen list and a new timeout reach the running service."""
    pfx.net("start")
    hello = pfx.start(os.path.join(build, "examples", "hello.exe"), "http://+:%d/" % port)
    try:
        check(wait_port(port), "example up")
        check(connects("::1", port, socket.AF_INET6), "IPv6 served with an empty listen list")
        rc, out = netsh(pfx, "add", "iplisten", "ipaddress=127.0.0.1")
        check(rc == 0, "add iplisten (%r)" % out)
        check(connects("127.0.0.1", port) and not connects("::1", port, socket.AF_INET6),
              "the running service now listens on 127.0.0.1 only")
        rc, out = netsh(pfx, "show", "iplisten")
        check("127.0.0.1" in out, "show iplisten lists it")
        netsh(pfx, "delete", "iplisten", "ipaddress=127.0.0.1")
        check(connects("::1", port, socket.AF_INET6), "deleted: every address again")
        netsh(pfx, "delete", "timeout", "timeouttype=headerwaittimeout")
        rc, out = netsh(pfx, "add", "timeout", "timeouttype=headerwaittimeout", "value=2")
        check(rc == 0, "add timeout headerwait (%r)" % out)
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHo")
        t0 = time.time()
        try:
            closed = s.recv(10) == b""
        except OSError:
            closed = True
        check(closed and time.time() - t0 < 6, "a new HeaderWait applies to new connections at once")
        netsh(pfx, "delete", "timeout", "timeouttype=headerwaittimeout")
    finally:
        stop(hello)


def main():
    pfx = Prefix(os.path.abspath(sys.argv[1]))
    build = os.path.abspath(sys.argv[2])
    for test in (lambda: test_reg_import(pfx, free_port()), lambda: test_persistence(pfx, free_port()),
                 lambda: test_live_changes(pfx, build, free_port())):
        try:
            test()
        except Exception as e:
            import traceback
            traceback.print_exc()
            check(False, "test raised %r" % e)
    report()


if __name__ == "__main__":
    main()
