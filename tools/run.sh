#!/bin/sh
# make run: the example server in a prefix of its own under build/, on
# http://+:${PORT:-8080}/ and https://+:${HTTPS_PORT:-8443}/.  Ctrl-C stops
# it (and with it the service).
#
# HTTPS is set up the way a Windows administrator does it: a self-signed
# certificate for localhost (made once, kept in the prefix's directory),
# imported with certutil -importpfx and bound with netsh http add sslcert.
# A second run keeps the certificate and its bindings when they are still in
# place and replaces them cleanly when not.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
prefix=${RUN_PREFIX:-$build/run-prefix}
port=${PORT:-8080}
https_port=${HTTPS_PORT:-8443}
# Any fixed GUID does: http.sys only records which application owns a binding.
appid='{44451872-9633-43a3-bbdc-968525a1b2dd}'
. "$root/tools/common.sh"

"$root/tools/install.sh" "$prefix" "$build"
prefix=$(cd "$prefix" && pwd)
export WINEPREFIX="$prefix"

# In a new prefix Wine's services.exe keeps its database locked for a while
# (ERROR_SERVICE_DATABASE_LOCKED, then a start that times out) as it starts
# the prefix's own services; netsh and HttpInitialize would fail in that time.
tries=0
until out=$(wine_quiet net start http); do
    case "$out" in *already*) break ;; esac
    tries=$((tries + 1))
    [ $tries -lt 10 ] || { echo "net start http failed:$out" >&2; exit 1; }
    sleep 2
done

crt=$prefix/localhost.crt
key=$prefix/localhost.key
thumbprint() {
    openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

# A certificate that is missing, expires within a day or does not match its
# key is made anew; the one it replaces leaves the store.
old=""
if [ -f "$crt" ] && [ -f "$key" ] && openssl x509 -in "$crt" -noout -checkend 86400 >/dev/null 2>&1 &&
   [ "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)" = "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ]; then
    :
else
    [ -f "$crt" ] && old=$(thumbprint "$crt" 2>/dev/null || true)
    echo "Making a self-signed certificate for localhost in $crt"
    (umask 077 && openssl req -x509 -newkey rsa:2048 -nodes -keyout "$key" -out "$crt" -days 365 \
        -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
        -addext extendedKeyUsage=serverAuth 2>/dev/null)
fi
chmod 0600 "$crt" "$key"
hash=$(thumbprint "$crt")

if ! wine_quiet certutil -store My "$hash" >/dev/null; then
    # The PFX only carries the key into the store: a random password, and
    # gone once imported.
    pfx=$prefix/localhost.pfx
    pass=$(openssl rand -hex 16)
    (umask 077 && openssl pkcs12 -export -inkey "$key" -in "$crt" -name localhost -out "$pfx" -passout "pass:$pass")
    rc=0
    wine_quiet certutil -f -p "$pass" -importpfx "Z:$(printf %s "$pfx" | tr / '\\')" >/dev/null || rc=$?
    rm -f "$pfx"
    [ $rc = 0 ] || { echo "certutil -importpfx failed ($rc)" >&2; exit 1; }
fi

for ipport in "0.0.0.0:$https_port" "[::]:$https_port"; do
    shown=$(wine_quiet netsh http show sslcert "ipport=$ipport" | tr -d '\r') || shown=""
    case "$shown" in
    *"Certificate Hash"*": $hash"*) continue ;;
    *"Certificate Hash"*) wine_quiet netsh http delete sslcert "ipport=$ipport" >/dev/null ;;
    esac
    out=$(wine_quiet netsh http add sslcert "ipport=$ipport" "certhash=$hash" "appid=$appid") ||
        { echo "netsh http add sslcert ipport=$ipport failed:$out" >&2; exit 1; }
done
if [ -n "$old" ] && [ "$old" != "$hash" ]; then
    wine_quiet certutil -delstore My "$old" >/dev/null || true
fi

shown=$crt
case "$crt" in "$PWD"/*) shown=${crt#"$PWD"/} ;; esac
cat <<EOT

The example server is starting in the Wine prefix $prefix:

    http://localhost:$port/      try: curl http://localhost:$port/hello
    https://localhost:$https_port/     try: curl --cacert $shown https://localhost:$https_port/

The HTTPS certificate is self-signed for localhost, 127.0.0.1 and ::1
(certificate hash $hash, bound to 0.0.0.0:$https_port and [::]:$https_port).
Stop it with Ctrl-C.  The HTTP service stops with the prefix's last program;
"WINEPREFIX=$prefix /usr/lib/wine/wine64 net stop http" stops it by hand.

EOT
exec env -u DISPLAY -u WAYLAND_DISPLAY wine64 "$build/examples/hello.exe" "http://+:$port/" "https://+:$https_port/"
