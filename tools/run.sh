#!/bin/sh
# make run: the example server in a prefix of its own under build/, on
# http://+:${PORT:-8080}/.  Ctrl-C stops it (and with it the service).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
prefix=${RUN_PREFIX:-$build/run-prefix}
port=${PORT:-8080}
. "$root/tools/common.sh"

"$root/tools/install.sh" "$prefix" "$build"
export WINEPREFIX="$prefix"
cat <<EOT

The example server is starting in the Wine prefix $prefix:

    http://localhost:$port/     try: curl http://localhost:$port/hello

Stop it with Ctrl-C.  The HTTP service stops with the prefix's last program;
"WINEPREFIX=$prefix /usr/lib/wine/wine64 net stop http" stops it by hand.

EOT
exec env -u DISPLAY -u WAYLAND_DISPLAY wine64 "$build/examples/hello.exe" "http://+:$port/"
