#!/bin/sh
# Installs, with apt-get, what building and the given task need:
#   deps.sh build|run|test|bench|soak|valgrind
set -e
task=${1:-build}
need=""
have() { command -v "$1" >/dev/null 2>&1; }

have gcc || need="$need gcc"
have make || need="$need make"
have x86_64-w64-mingw32-gcc || need="$need gcc-mingw-w64-x86-64"
[ -f /usr/include/openssl/ssl.h ] || need="$need libssl-dev"
# the engine checks Basic credentials with PAM (logon.c)
[ -f /usr/include/security/pam_appl.h ] || need="$need libpam0g-dev"
[ -x /usr/lib/wine/wine64 ] || have wine64 || need="$need wine64"
# Wine's Schannel (WinHTTP's https, used by the tests) needs GnuTLS
gnutls() { ls /usr/lib/x86_64-linux-gnu/libgnutls.so.30 >/dev/null 2>&1 || need="$need libgnutls30"; }
case "$task" in
test)
    gnutls
    have curl || need="$need curl"
    have openssl || need="$need openssl"
    have python3 || need="$need python3"
    # tests/engine/test_h11_diff.py; Debian's copy also serves a python3 of its own
    [ -d /usr/lib/python3/dist-packages/h11 ] || python3 -c 'import h11' 2>/dev/null || need="$need python3-h11"
    have clang || need="$need clang"
    # the HTTPS suite's browser check; NSS's certutil makes it trust the test CA
    have chromium || need="$need chromium"
    have certutil || need="$need libnss3-tools"
    # tests/ktls boots Debian's kernel (it has kTLS) in QEMU with a busybox initramfs
    have qemu-system-x86_64 || need="$need qemu-system-x86"
    [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || need="$need busybox-static"
    have cpio || need="$need cpio"
    ;;
bench)
    have curl || need="$need curl"
    have wrk || need="$need wrk"
    have python3 || need="$need python3"
    have openssl || need="$need openssl"
    have ab || need="$need apache2-utils"   # new HTTPS connections: wrk would resume sessions
    # the anchor; bench/run.py runs its own as a child, never the system service
    [ -x /usr/sbin/nginx ] || need="$need nginx"
    ;;
valgrind)
    have valgrind || need="$need valgrind"
    have python3 || need="$need python3"
    have openssl || need="$need openssl"
    ;;
soak)
    have wrk || need="$need wrk"
    have python3 || need="$need python3"
    have openssl || need="$need openssl"
    ;;
run)
    have curl || need="$need curl"
    have openssl || need="$need openssl"
    ;;
esac
[ -z "$need" ] && exit 0
echo "Installing:$need"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $need
case "$need" in
*nginx*)
    # the package starts and enables nginx on port 80 where it can
    if [ -d /run/systemd/system ]; then $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
    else
        $SUDO invoke-rc.d nginx stop >/dev/null 2>&1 || true
        $SUDO systemctl disable nginx >/dev/null 2>&1 || $SUDO update-rc.d nginx disable >/dev/null 2>&1 || true
    fi
    ;;
esac
