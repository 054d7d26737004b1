#!/bin/sh
# uninstall.sh PREFIX: gives the prefix back to Wine's own httpapi.dll,
# http.sys, netsh.exe and certutil.exe.  Running it twice is harmless.
set -e
prefix=$1
[ -n "$prefix" ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
here=$(dirname "$0")
. "$here/common.sh"
[ -d "$prefix" ] || { echo "$prefix does not exist: nothing to do"; exit 0; }
prefix=$(cd "$prefix" && pwd)
export WINEPREFIX="$prefix"
dlls=$(wine_dll_dir) || { echo "cannot find Wine's own DLLs" >&2; exit 1; }

wine_quiet net stop http >/dev/null || true
sys32="$prefix/drive_c/windows/system32"
install -m 0644 "$dlls/httpapi.dll" "$sys32/httpapi.dll"
install -m 0644 "$dlls/http.sys" "$sys32/drivers/http.sys"
install -m 0644 "$dlls/netsh.exe" "$sys32/netsh.exe"
install -m 0644 "$dlls/certutil.exe" "$sys32/certutil.exe"
rm -rf "$sys32/httpsys"

cat > "$prefix/httpsys-uninstall.reg" <<'REG'
REGEDIT4

[HKEY_CURRENT_USER\Software\Wine\DllOverrides]
"httpapi"=-
"http.sys"=-
"netsh.exe"=-
"certutil.exe"=-
REG
wine_quiet regedit /S "$prefix/httpsys-uninstall.reg"
rm -f "$prefix/httpsys-uninstall.reg"
echo "Wine's own HTTP service restored in $prefix"
