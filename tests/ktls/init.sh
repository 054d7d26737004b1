#!/bin/busybox sh
# /init of the kTLS test VM that tests/ktls/run.sh boots.  It loads the tls
# module, runs the engine under fakedriver and fetches from it with
# openssl s_client, to prove that kernel TLS engages and that what a client
# receives under it is intact.  Results go to the console as "@@ ok TEXT" and
# "@@ FAIL TEXT", remarks as "@# TEXT"; "@@ done" ends the run.
/bin/busybox --install -s /bin
echo    # the firmware's escape sequences end this line, not our first one
export PATH=/bin HOME=/tmp OPENSSL_CONF=/etc/ktls/empty.cnf
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
ip link set lo up

HASH=$(cat /etc/ktls/hash)
MD5=$(cat /etc/ktls/blob.md5)
BLOB_SIZE=$(wc -c < /www/blob.bin)

say() { echo "@@ $*"; }
note() { echo "@# $*"; }
check() {
    text=$1
    shift
    if "$@"; then say "ok $text"; return 0; fi
    say "FAIL $text"
    return 1
}
finish() {
    say done
    sync
    poweroff -f
}

# kTLS sockets set up so far (all versions), from the kernel's counters
stat_of() { awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' /proc/net/tls_stat 2>/dev/null; }
tx_count() { echo $(($(stat_of TlsTxSw) + $(stat_of TlsTxDevice))); }
rx_count() { echo $(($(stat_of TlsRxSw) + $(stat_of TlsRxDevice))); }
# read-type system calls of the engine: sendfile counts one per call, the
# user-space record path one pread per 16 KB record
syscr() { awk '$1 == "syscr:" { print $2 }' /proc/$EPID/io; }

# start_driver NAME [fakedriver options]: the engine under fakedriver, with
# its trace in $RUN/engine.stderr
start_driver() {
    RUN=/run/$1
    shift
    fakedriver --engine /bin/httpsys-engine --rundir $RUN --hash $HASH --cert /etc/ktls/cert.der \
        --key /etc/ktls/key.pk8 --blob /www/blob.bin "$@" 2> /tmp/driver.log &
    DRV=$!
    i=0
    while [ ! -e $RUN/driver-ready ] && [ $i -lt 300 ] && kill -0 $DRV 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    EPID=$(cut -d' ' -f3 $RUN/ready 2>/dev/null)
    [ -e $RUN/driver-ready ] && [ -n "$EPID" ]
}

# stop_driver TEXT: stops fakedriver; the engine must have lived through
# everything and exit when its control channel closes
stop_driver() {
    kill -TERM $DRV
    wait $DRV
    check "$1: the engine kept running and exited cleanly" grep -q 'the engine exited (status 0x0)' /tmp/driver.log
    if ! grep -q 'the engine exited (status 0x0)' /tmp/driver.log; then
        tail -n 5 /tmp/driver.log | while read -r l; do note "driver: $l"; done
        tail -n 10 $RUN/engine.stderr | while read -r l; do note "engine: $l"; done
    fi
}

# fetch PORT VERSION PATH OUT: one GET in s_client's quiet mode (stdin EOF
# ignored; s_client ends when the server closes)
fetch() {
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$3" |
        timeout 60 openssl s_client -quiet -connect 127.0.0.1:$1 $2 > $4 2> $4.err
}

# keyupdate PORT CMD PATH OUT: s_client in command mode sends CMD (K or k)
# once the handshake is done, then the GET.  Commands are read from stdin
# in raw chunks, hence the pauses.
keyupdate() {
    (
        sleep 2
        echo "$2"
        sleep 1
        printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$3"
        sleep 5
    ) | timeout 60 openssl s_client -connect 127.0.0.1:$1 -tls1_3 -no_ign_eof > $4 2> $4.err
}

# body FILE: the body of the first "200 OK" response in FILE, as many
# bytes as its Content-Length says (what s_client prints before the
# response is text, so awk can count the bytes up to the end of the headers)
body() {
    set -- "$1" $(awk '{
            if (!found && (p = index($0, "HTTP/1.1 200 OK"))) { found = 1; off = n + p - 1 }
            n += length($0) + 1
            if (found && $0 == "\r") { print off, n; exit }
        }' "$1")
    [ $# = 3 ] || return 1
    len=$(tail -c +$(($2 + 1)) "$1" | head -c $(($3 - $2)) | grep -a -i '^content-length:' | tr -dc 0-9)
    [ -n "$len" ] || return 1
    tail -c +$(($3 + 1)) "$1" | head -c "$len"
}

is_hello() { [ "$(body "$1")" = hello ]; }
is_blob() {
    [ "$(body "$1" | wc -c)" = "$BLOB_SIZE" ] && [ "$(body "$1" | md5sum | cut -c1-32)" = "$MD5" ]
}
# the client never saw a record it could not decrypt
no_bad_record() { ! grep -a -q -i -E 'bad record mac|bad_record_mac|decryption failed' "$1" "$1.err"; }
show_client() {
    note "client said: $(grep -a -i -E 'error|alert|errno|closed|KEYUPDATE|HTTP/1' "$1" "$1.err" |
        head -n 4 | cut -d: -f2- | tr '\n' ' ' | cut -c1-300)"
}

note "kernel $(uname -r); $(openssl version)"
for m in $(cat /mods/order); do insmod /mods/$m.ko 2>/dev/null; done
ULP=$(cat /proc/sys/net/ipv4/tcp_available_ulp 2>/dev/null)
check "the tls module is loaded (tcp_available_ulp: $ULP)" grep -q tls /proc/sys/net/ipv4/tcp_available_ulp
[ -e /proc/net/tls_stat ] || { finish; exit; }

# 1. TLS 1.3 on the flags-0 binding ------------------------------------------
if start_driver ktls; then
    tx0=$(tx_count)
    fetch 4433 -tls1_3 / /tmp/t13
    check "TLS 1.3 (port 4433): a request is answered" is_hello /tmp/t13 || show_client /tmp/t13
    r0=$(syscr)
    fetch 4433 -tls1_3 /blob.bin /tmp/t13b
    r1=$(syscr)
    check "TLS 1.3: the 1 MiB file chunk /blob.bin arrives intact (md5 $MD5)" is_blob /tmp/t13b || show_client /tmp/t13b
    tx1=$(tx_count)
    check "TLS 1.3: kTLS TX engaged (TlsTxSw+TlsTxDevice $tx0 -> $tx1 for 2 connections)" [ $tx1 -ge $((tx0 + 2)) ]
    n=$(grep -c 'kernel TLS sends (TLSv1.3)' $RUN/engine.stderr)
    check "TLS 1.3: the engine logs \"kernel TLS sends (TLSv1.3)\" for both connections ($n)" [ "$n" -ge 2 ]
    check "TLS 1.3: the file went out by SSL_sendfile (engine read syscalls for the 1 MiB: $((r1 - r0)), user-space records need 64+)" \
        [ $((r1 - r0)) -lt 48 ]

    # 2. TLS 1.2 on the NEGOTIATE_CLIENT_CERT binding ------------------------
    tx0=$(tx_count)
    rx0=$(rx_count)
    fetch 4434 -tls1_2 / /tmp/t12
    check "TLS 1.2 (port 4434, flags 2): a request is answered" is_hello /tmp/t12 || show_client /tmp/t12
    r0=$(syscr)
    fetch 4434 -tls1_2 /blob.bin /tmp/t12b
    r1=$(syscr)
    check "TLS 1.2: the 1 MiB file chunk arrives intact" is_blob /tmp/t12b || show_client /tmp/t12b
    tx1=$(tx_count)
    rx1=$(rx_count)
    check "TLS 1.2: kTLS TX engaged (TlsTxSw+TlsTxDevice $tx0 -> $tx1)" [ $tx1 -ge $((tx0 + 2)) ]
    check "TLS 1.2: kTLS RX engaged too (TlsRxSw+TlsRxDevice $rx0 -> $rx1)" [ $rx1 -ge $((rx0 + 2)) ]
    n=$(grep -c 'kernel TLS sends (TLSv1.2)' $RUN/engine.stderr)
    check "TLS 1.2: the engine logs \"kernel TLS sends (TLSv1.2)\" ($n)" [ "$n" -ge 2 ]
    check "TLS 1.2: the file went out by SSL_sendfile (read syscalls: $((r1 - r0)))" [ $((r1 - r0)) -lt 48 ]

    # TLS 1.2 on a binding without NEGOTIATE_CLIENT_CERT keeps renegotiation
    tx0=$(tx_count)
    fetch 4433 -tls1_2 /blob.bin /tmp/t12u
    tx1=$(tx_count)
    check "TLS 1.2 on the flags-0 binding: the file arrives intact" is_blob /tmp/t12u || show_client /tmp/t12u
    check "TLS 1.2 on the flags-0 binding stays in user space (TX count $tx0 -> $tx1)" [ $tx1 = $tx0 ]

    # 3. KeyUpdate under kTLS TX ---------------------------------------------
    keyupdate 4433 K / /tmp/ku
    check "KeyUpdate(update_requested): s_client sent it" grep -a -q KEYUPDATE /tmp/ku /tmp/ku.err
    check "KeyUpdate(update_requested) under kTLS: the client never sees a bad record" no_bad_record /tmp/ku
    if grep -a -q 'HTTP/1.1 200 OK' /tmp/ku; then
        check "KeyUpdate(update_requested): the response that came is intact" is_hello /tmp/ku
    else
        say "ok KeyUpdate(update_requested): the connection was closed without a response"
    fi
    show_client /tmp/ku
    check "KeyUpdate(update_requested): the engine logs that it closed the connection" \
        grep -q 'asked for a key update while the kernel sends' $RUN/engine.stderr

    keyupdate 4433 k /blob.bin /tmp/kn
    check "KeyUpdate(update_not_requested): s_client sent it" grep -a -q KEYUPDATE /tmp/kn /tmp/kn.err
    check "KeyUpdate(update_not_requested) under kTLS: the 1 MiB file arrives intact" is_blob /tmp/kn || show_client /tmp/kn
    check "KeyUpdate(update_not_requested): no bad record" no_bad_record /tmp/kn
    stop_driver "kTLS on"
else
    say "FAIL the engine starts under fakedriver"
    tail -n 5 /tmp/driver.log | while read -r l; do note "driver: $l"; done
fi

# 4. EnableKernelSSL=0 -----------------------------------------------------------
if start_driver nokernel --param EnableKernelSSL:dword=0; then
    tx0=$(tx_count)
    rx0=$(rx_count)
    fetch 4433 -tls1_3 / /tmp/o13
    check "EnableKernelSSL=0, TLS 1.3: a request is answered" is_hello /tmp/o13 || show_client /tmp/o13
    r0=$(syscr)
    fetch 4433 -tls1_3 /blob.bin /tmp/o13b
    r1=$(syscr)
    check "EnableKernelSSL=0, TLS 1.3: the file arrives intact" is_blob /tmp/o13b || show_client /tmp/o13b
    check "EnableKernelSSL=0: the file went out as user-space records (read syscalls: $((r1 - r0)))" \
        [ $((r1 - r0)) -ge 64 ]
    fetch 4434 -tls1_2 /blob.bin /tmp/o12b
    check "EnableKernelSSL=0, TLS 1.2 (flags 2): the file arrives intact" is_blob /tmp/o12b || show_client /tmp/o12b
    keyupdate 4433 K / /tmp/oku
    check "EnableKernelSSL=0: after KeyUpdate(update_requested) the response is intact" is_hello /tmp/oku ||
        show_client /tmp/oku
    tx1=$(tx_count)
    rx1=$(rx_count)
    check "EnableKernelSSL=0: the kTLS counters do not move (TX $tx0 -> $tx1, RX $rx0 -> $rx1)" \
        [ "$tx1 $rx1" = "$tx0 $rx0" ]
    check "EnableKernelSSL=0: the engine read the parameter and never logs kernel TLS" \
        sh -c "grep -q 'EnableKernelSSL 0' $RUN/engine.stderr && ! grep -q 'kernel TLS sends' $RUN/engine.stderr"
    stop_driver "EnableKernelSSL=0"
else
    say "FAIL the engine starts under fakedriver with EnableKernelSSL=0"
fi

note "tls_stat: $(grep -E 'TlsTxSw|TlsRxSw|TlsDecryptError' /proc/net/tls_stat | tr -s ' \t' ' ' | tr '\n' ';')"
finish
