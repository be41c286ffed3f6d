#!/usr/bin/env bash
# Installs the system packages memvisor's tests and real-host commands need, when missing:
# QEMU (x86), busybox (static), gcc with a static libc (the guest workload), Chromium (tests look at
# the HTML reports as a browser draws them), libvirt (libvirtd, virtlogd and virsh: the libvirt tests
# start the daemons themselves; libvirt0 is what memvisor's libvirt client loads), and the Debian
# cloud kernel unpacked into a cache directory (never installed into the host's /boot).
# Idempotent and quiet; needs root (or sudo) on Debian/Ubuntu; prints only what it installs.
# Environment: MEMVISOR_KERNEL_CACHE (default /var/cache/memvisor/kernel) holds the kernel;
# MEMVISOR_SKIP_SYSTEM_DEPS=1 only checks java and mvn.
set -euo pipefail
command -v java >/dev/null || { echo "install-deps: java (JDK 17+) is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "install-deps: mvn (Apache Maven) is required" >&2; exit 1; }
[ "${MEMVISOR_SKIP_SYSTEM_DEPS:-0}" = 1 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo) to install system packages" >&2; exit 1; }
    SUDO="sudo -n"
fi
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=600 --no-install-recommends)

# Debian package -> a file that proves it is installed.
declare -A NEED=(
    [qemu-system-x86]=/usr/bin/qemu-system-x86_64
    [busybox-static]=/bin/busybox
    [gcc]=/usr/bin/gcc
    [libc6-dev]=/usr/lib/x86_64-linux-gnu/libc.a
    [chromium]=/usr/bin/chromium
    [libvirt-daemon-system]=/usr/sbin/libvirtd
    [libvirt-clients]=/usr/bin/virsh
)
missing=()
for pkg in "${!NEED[@]}"; do
    [ -e "${NEED[$pkg]}" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}" >&2
    log="$(mktemp)"
    if ! { $SUDO apt-get -q -o DPkg::Lock::Timeout=600 update && $SUDO apt-get "${APT_OPTS[@]}" install "${missing[@]}"; } >"$log" 2>&1; then
        echo "install-deps: apt-get failed:" >&2; tail -20 "$log" >&2; rm -f "$log"; exit 1
    fi
    rm -f "$log"
fi

# The Debian cloud kernel (virtio drivers as modules), unpacked, not installed.
CACHE="${MEMVISOR_KERNEL_CACHE:-/var/cache/memvisor/kernel}"
if [ ! -e "$CACHE/current/boot" ]; then
    pkg="$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')"
    if [ -z "$pkg" ]; then
        $SUDO apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null 2>&1 || true
        pkg="$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')"
    fi
    [ -n "$pkg" ] || { echo "install-deps: no linux-image-cloud-amd64 package in the apt sources" >&2; exit 1; }
    echo "install-deps: unpacking $pkg into $CACHE/$pkg" >&2
    $SUDO mkdir -p "$CACHE"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) || { echo "install-deps: apt-get download $pkg failed" >&2; exit 1; }
    $SUDO rm -rf "$CACHE/$pkg"
    $SUDO dpkg-deb -x "$tmp"/"$pkg"_*.deb "$CACHE/$pkg"
    $SUDO chmod -R a+rX "$CACHE/$pkg"
    $SUDO ln -sfn "$pkg" "$CACHE/current"
fi
exit 0
