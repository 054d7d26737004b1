#!/bin/sh
# install.sh PREFIX [BUILD]: puts httpapi.dll, the http.sys driver and its
# engine, netsh.exe and certutil.exe into a Wine prefix (created if needed)
# and makes the prefix load them instead of Wine's own.  Running it twice is
# harmless.
set -e
prefix=$1
build=${2:-build}
[ -n "$prefix" ] || { echo "usage: $0 PREFIX [BUILD]" >&2; exit 2; }
here=$(dirname "$0")
. "$here/common.sh"
for f in httpapi.dll http.sys netsh.exe certutil.exe httpsys-engine; do
    [ -f "$build/$f" ] || { echo "$build/$f is missing: run make first" >&2; exit 1; }
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
export WINEPREFIX="$prefix"

created=0
if [ ! -f "$prefix/system.reg" ]; then
    echo "Creating the Wine prefix $prefix"
    wine_quiet wineboot -i || true
    created=1
fi
# The old service must not keep running the old driver.
wine_quiet net stop http >/dev/null || true

sys32="$prefix/drive_c/windows/system32"
install -m 0644 "$build/httpapi.dll" "$sys32/httpapi.dll"
install -m 0644 "$build/http.sys" "$sys32/drivers/http.sys"
install -m 0644 "$build/netsh.exe" "$sys32/netsh.exe"
install -m 0644 "$build/certutil.exe" "$sys32/certutil.exe"
install -d -m 0755 "$sys32/httpsys"
install -m 0755 "$build/httpsys-engine" "$sys32/httpsys/httpsys-engine"

# Native, i.e. ours, before Wine's builtin copies; the service keeps its
# name (HTTP) and its image path, so net start/stop http work as on Windows.
cat > "$prefix/httpsys-install.reg" <<'REG'
REGEDIT4

[HKEY_CURRENT_USER\Software\Wine\DllOverrides]
"httpapi"="native"
"http.sys"="native"
"netsh.exe"="native"
"certutil.exe"="native"

[HKEY_LOCAL_MACHINE\System\CurrentControlSet\Services\HTTP]
"ImagePath"="C:\\windows\\system32\\drivers\\http.sys"
"Type"=dword:00000001
"Start"=dword:00000003
"ErrorControl"=dword:00000001
REG
wine_quiet regedit /S "$prefix/httpsys-install.reg"
rm -f "$prefix/httpsys-install.reg"
# A new prefix goes on starting its own services for a while, and Wine's
# service manager refuses or times out other starts meanwhile: let it
# settle, so that the first program that starts the HTTP service succeeds.
[ "$created" = 0 ] || wineserver -w
echo "Installed into $prefix"
