# Shared by the tools: where Wine is, and how to run it quietly.
# Debian's wine64 package puts its binaries in /usr/lib/wine.
export PATH="/usr/lib/wine:$PATH"
: "${WINEDEBUG:=-all}"
export WINEDEBUG

wine_dll_dir() {
    for d in /usr/lib/x86_64-linux-gnu/wine/x86_64-windows /usr/lib/wine/x86_64-windows /usr/lib64/wine/x86_64-windows; do
        [ -f "$d/httpapi.dll" ] && { echo "$d"; return 0; }
    done
    return 1
}

# Runs a Wine command in $WINEPREFIX without a display (and without the
# noise Wine makes about it).
wine_quiet() {
    env -u DISPLAY -u WAYLAND_DISPLAY wine64 "$@" 2>/dev/null
}
