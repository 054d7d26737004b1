#!/bin/sh
# make uninstall / make install, each twice, on an existing prefix: the
# prefix ends up with Wine's own files, then with ours, every time.
prefix=$1
build=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
check() { if eval "$1"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $2"; fi; }
sys32="$prefix/drive_c/windows/system32"
builtin() { grep -q "Wine builtin DLL" "$1"; }
override() { WINEPREFIX=$prefix WINEDEBUG=-all /usr/lib/wine/wine64 reg query 'HKCU\Software\Wine\DllOverrides' /v "$1" 2>/dev/null | grep -q native; }

for i in 1 2; do
    "$root/tools/uninstall.sh" "$prefix" >/dev/null 2>&1
    check "[ \$? = 0 ]" "uninstall #$i succeeds"
    check "builtin $sys32/httpapi.dll" "uninstall #$i restores Wine's httpapi.dll"
    check "builtin $sys32/drivers/http.sys" "uninstall #$i restores Wine's http.sys"
    check "builtin $sys32/netsh.exe" "uninstall #$i restores Wine's netsh.exe"
    check "[ ! -e $sys32/httpsys ]" "uninstall #$i removes the engine"
    check "! override httpapi" "uninstall #$i removes the override"
    check "builtin $sys32/certutil.exe" "uninstall #$i restores Wine's certutil.exe"
done
for i in 1 2; do
    "$root/tools/install.sh" "$prefix" "$build" >/dev/null 2>&1
    check "[ \$? = 0 ]" "install #$i succeeds"
    check "cmp -s $build/httpapi.dll $sys32/httpapi.dll" "install #$i puts our httpapi.dll"
    check "cmp -s $build/http.sys $sys32/drivers/http.sys" "install #$i puts our http.sys"
    check "[ -x $sys32/httpsys/httpsys-engine ]" "install #$i puts the engine"
    check "override httpapi" "install #$i sets the override"
    check "cmp -s $build/certutil.exe $sys32/certutil.exe" "install #$i puts our certutil.exe"
done
echo "RESULT $passed $failed"
