#!/bin/sh
# tests/ktls/run.sh BUILD WORKDIR: proves that the engine's kernel TLS path
# engages and stays correct.  This machine's kernel has no kTLS, so the test
# boots Debian's kernel in QEMU (TCG: no KVM needed) with a busybox
# initramfs holding the engine, tests/ktls/fakedriver (the driver's side of
# the control channel) and openssl s_client; tests/ktls/init.sh runs the
# checks inside.  Prints "ok TEXT" / "FAIL TEXT" per check and
# "RESULT <passed> <failed>".  Skips (RESULT 0 0) when QEMU, a busybox,
# cpio or a Debian kernel with the tls module cannot be had; installs nothing.
# The kernel's pieces are kept in BUILD/ktls-cache, so reruns need no network.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
[ $# = 2 ] || { echo "usage: $0 BUILD WORKDIR" >&2; exit 2; }
BUILD=$(cd "$1" && pwd) || exit 2
WORK=$2
mkdir -p "$WORK" || exit 2
WORK=$(cd "$WORK" && pwd)
CACHE=$BUILD/ktls-cache
VM_TIMEOUT=${KTLS_VM_TIMEOUT:-200}
# tls and the AES-GCM the engine's first suites use: the kernel cannot load
# crypto modules on demand, as the guest has no modprobe (dependencies are
# added from each module's "depends=")
WANT_MODULES="tls gcm ctr ghash-generic aesni-intel ghash-clmulni-intel"

skip() {
    echo "Tests skipped: $*"
    echo "RESULT 0 0"
    exit 0
}
have() { command -v "$1" > /dev/null 2>&1; }

have qemu-system-x86_64 || skip "no qemu-system-x86_64 (package qemu-system-x86)"
BUSYBOX=
for b in /bin/busybox /usr/bin/busybox; do [ -x "$b" ] && { BUSYBOX=$b; break; }; done
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" > /dev/null 2>&1 || skip "no static busybox (package busybox-static)"
have cpio || skip "no cpio"
have gcc && have openssl && have gzip || skip "gcc, openssl or gzip missing"
ENGINE=$BUILD/httpsys-engine
if [ ! -x "$ENGINE" ]; then
    echo "FAIL $ENGINE is not built"
    echo "RESULT 0 1"
    exit 1
fi

# --- the kernel --------------------------------------------------------------
# kernel_from_deb DEB: vmlinuz and the modules we load, into $CACHE/<version>
kernel_from_deb() {
    x=$WORK/kernel-x
    rm -rf "$x"
    mkdir -p "$x"
    # (newer Debian kernels keep their modules under /usr/lib)
    dpkg-deb --fsys-tarfile "$1" | tar -x -C "$x" --wildcards './boot/vmlinuz-*' \
        './lib/modules/*/kernel/net/tls/*' './lib/modules/*/kernel/crypto/*' \
        './lib/modules/*/kernel/arch/x86/crypto/*' './lib/modules/*/kernel/lib/*' \
        './usr/lib/modules/*/kernel/net/tls/*' './usr/lib/modules/*/kernel/crypto/*' \
        './usr/lib/modules/*/kernel/arch/x86/crypto/*' './usr/lib/modules/*/kernel/lib/*' 2> /dev/null
    kdir=$(ls -d "$x"/lib/modules/*/kernel "$x"/usr/lib/modules/*/kernel 2> /dev/null | head -n 1)
    [ -n "$kdir" ] || return 1
    kv=$(basename "$(dirname "$kdir")")
    [ -f "$x/boot/vmlinuz-$kv" ] || return 1
    # compressed modules: busybox insmod wants them plain
    find "$kdir" -name '*.ko.xz' -exec xz -d {} + 2> /dev/null
    find "$kdir" -name '*.ko.zst' -exec zstd -q -d --rm {} + 2> /dev/null
    [ -f "$kdir/net/tls/tls.ko" ] || return 1
    out=$CACHE/$kv
    rm -rf "$out"
    mkdir -p "$out/mods"
    cp "$x/boot/vmlinuz-$kv" "$out/vmlinuz"
    # load order: dependencies (the .ko's "depends=") before their users
    : > "$out/mods/order"
    add_module() {
        local f name d
        f=$(find "$kdir" -name "$(echo "$1" | sed 's/[-_]/[-_]/g').ko" | head -n 1)
        [ -n "$f" ] || return 0
        name=$(basename "$f" .ko)
        grep -qx "$name" "$out/mods/order" && return 0
        for d in $(tr '\0' '\n' < "$f" | sed -n 's/^depends=//p' | tr ',' ' '); do add_module "$d"; done
        cp "$f" "$out/mods/"
        echo "$name" >> "$out/mods/order"
    }
    for m in $WANT_MODULES; do add_module "$m"; done
    rm -rf "$x"
    echo "$kv" > "$CACHE/kernel"
}

KV=$(cat "$CACHE/kernel" 2> /dev/null)
if [ -z "$KV" ] || [ ! -f "$CACHE/$KV/vmlinuz" ] || [ ! -f "$CACHE/$KV/mods/tls.ko" ]; then
    have apt-get && have apt-cache && have dpkg-deb || skip "no Debian kernel cached and no apt-get/dpkg-deb to get one"
    # the package linux-image-amd64 depends on: the current Debian kernel
    pkg_of() { apt-cache depends linux-image-amd64 2> /dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1; }
    PKG=$(pkg_of)
    if [ -z "$PKG" ] && [ "$(id -u)" = 0 ]; then
        apt-get update -q > "$WORK/apt-update.log" 2>&1
        PKG=$(pkg_of)
    fi
    [ -n "$PKG" ] || skip "apt knows no linux-image-amd64 (Debian kernel) package"
    mkdir -p "$WORK/kpkg" "$CACHE"
    rm -f "$WORK"/kpkg/*.deb
    (cd "$WORK/kpkg" && apt-get download "$PKG" > ../apt-download.log 2>&1) || skip "cannot download $PKG (see $WORK/apt-download.log)"
    kernel_from_deb "$WORK"/kpkg/"$PKG"_*.deb || skip "$PKG has no tls module"
    rm -rf "$WORK/kpkg"
    KV=$(cat "$CACHE/kernel")
fi
KDIR=$CACHE/$KV

# --- the initramfs -----------------------------------------------------------
R=$WORK/root
rm -rf "$R"
mkdir -p "$R/bin" "$R/mods" "$R/etc/ktls" "$R/www" "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/tmp" || exit 1
gcc -O2 -Wall -I"$ROOT/include" -o "$WORK/fakedriver" "$HERE/fakedriver.c" || {
    echo "FAIL tests/ktls/fakedriver.c builds"
    echo "RESULT 0 1"
    exit 1
}
cp "$BUSYBOX" "$R/bin/busybox"
cp "$ENGINE" "$R/bin/httpsys-engine"
cp "$WORK/fakedriver" "$R/bin/fakedriver"
cp "$(command -v openssl)" "$R/bin/openssl"
for l in $(ldd "$ENGINE" "$WORK/fakedriver" "$(command -v openssl)" | awk '/=> \// { print $3 } /^\t\/[^ ]*ld-linux/ { print $1 }' | sort -u); do
    mkdir -p "$R$(dirname "$l")"
    cp -L "$l" "$R$l"
done
cp "$KDIR"/mods/*.ko "$KDIR/mods/order" "$R/mods/"
cp "$HERE/init.sh" "$R/init"
chmod 755 "$R/init"
: > "$R/etc/ktls/empty.cnf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" \
    -out "$WORK/cert.pem" -days 2 -subj /CN=localhost > /dev/null 2>&1 &&
    openssl x509 -in "$WORK/cert.pem" -outform DER -out "$R/etc/ktls/cert.der" &&
    openssl pkcs8 -topk8 -nocrypt -in "$WORK/key.pem" -outform DER -out "$R/etc/ktls/key.pk8" || exit 1
openssl dgst -sha1 -r "$R/etc/ktls/cert.der" | cut -c1-40 > "$R/etc/ktls/hash"
head -c 1048576 /dev/urandom > "$R/www/blob.bin"
md5sum "$R/www/blob.bin" | cut -c1-32 > "$R/etc/ktls/blob.md5"
(cd "$R" && find . | cpio -o -H newc 2> /dev/null | gzip -1) > "$WORK/initrd.gz" || exit 1

# --- the VM ------------------------------------------------------------------
echo "# kernel $KV from $CACHE; initramfs $(($(wc -c < "$WORK/initrd.gz") / 1024)) KB; booting QEMU (TCG)"
start=$(date +%s)
timeout -k 5 "$VM_TIMEOUT" qemu-system-x86_64 -machine q35 -cpu max -m 384 -smp 1 -nographic -nic none -no-reboot \
    -kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd.gz" \
    -append "console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init" < /dev/null > "$WORK/console.log" 2>&1
rc=$?
end=$(date +%s)

tr -d '\r' < "$WORK/console.log" | sed -n 's/^@@ \(ok \|FAIL \)/\1/p; s/^@# /# /p'
passed=$(tr -d '\r' < "$WORK/console.log" | grep -c '^@@ ok ')
failed=$(tr -d '\r' < "$WORK/console.log" | grep -c '^@@ FAIL ')
if tr -d '\r' < "$WORK/console.log" | grep -q '^@@ done$'; then
    echo "ok the VM ran every scenario ($((end - start)) s)"
    passed=$((passed + 1))
else
    echo "FAIL the VM ran every scenario (qemu exit $rc after $((end - start)) s; see $WORK/console.log)"
    tail -n 20 "$WORK/console.log" | sed 's/^/# console: /'
    failed=$((failed + 1))
fi
echo "RESULT $passed $failed"
[ "$failed" = 0 ]
