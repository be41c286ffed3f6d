#!/usr/bin/env bash
# Measures growing and shrinking a libvirt domain by its virtio-mem device through libvirt (BENCHMARKS.md,
# section "virtio-mem against the balloon", the libvirt rows), with the guest and amounts of
# qemu/bench/resize.sh's idle guest (boot 512 MiB, a 1024 MiB region with 512 MiB plugged, +-64/256/448 MiB):
#  - the time of the request: `virsh update-memory-device --live --requested-size` (what memvisor's
#    LibvirtClient.setVirtioMemRequested sends: virDomainUpdateDeviceFlags with the device's live XML);
#  - from the request until libvirt's live XML has <current> at that size (what memvisor's observation reads;
#    libvirt updates it on QEMU's MEMORY_DEVICE_SIZE_CHANGE event), polled with virsh dumpxml (each poll
#    takes a few tens of ms: the resolution);
#  - from the request until the guest's MemTotal changed (its init prints it every 50 ms when it changes).
# Median of RUNS runs each. Starts Debian's virtlogd and libvirtd itself when no libvirtd answers (no systemd
# needed) and stops them by pid on exit; destroys its domain; removes the machine cgroups and /run/libvirt
# libvirt made, and its domain's QEMU log. Hold /tmp/memvisor-real.lock while it runs.
# Usage: libvirt/bench/virtio-mem.sh [runs=3]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${1:-3}"
W="$(mktemp -d /tmp/memvisor-bench-vmem.XXXXXX)"
chmod 755 "$W" # libvirt runs QEMU as libvirt-qemu, which must read the image
NAME="memvisor-bench-$$-vmem"
URI=qemu:///system
CGROUPS_BEFORE="$(ls -d /sys/fs/cgroup/machine /sys/fs/cgroup/*/machine 2>/dev/null || true)"
RUN_LIBVIRT_EXISTED=$([ -e /run/libvirt ] && echo 1 || echo 0)
DAEMONS=()
cleanup() {
    virsh -q -c $URI destroy "$NAME" >/dev/null 2>&1 || true
    for p in "${DAEMONS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${DAEMONS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
    if [ ${#DAEMONS[@]} -gt 0 ]; then
        for c in $(ls -d /sys/fs/cgroup/machine /sys/fs/cgroup/*/machine 2>/dev/null || true); do
            grep -qxF "$c" <<<"$CGROUPS_BEFORE" || find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        done
        [ "$RUN_LIBVIRT_EXISTED" = 1 ] || rm -rf /run/libvirt
    fi
    rm -f /var/log/libvirt/qemu/"$NAME".log
    rm -rf "$W"
}
trap cleanup EXIT
"$ROOT/memvisor" guest-image --out "$W/image" >/dev/null
if ! virsh -q -c $URI version >/dev/null 2>&1; then
    /usr/sbin/virtlogd </dev/null >"$W/virtlogd.log" 2>&1 & DAEMONS+=($!)
    /usr/sbin/libvirtd </dev/null >"$W/libvirtd.log" 2>&1 & DAEMONS+=($!)
    for _ in $(seq 1 240); do virsh -q -c $URI version >/dev/null 2>&1 && break; sleep 0.25; done
fi
cat > "$W/vm.xml" <<EOF
<domain type='qemu'>
  <name>$NAME</name>
  <maxMemory slots='1' unit='MiB'>1536</maxMemory><memory unit='MiB'>1536</memory><currentMemory unit='MiB'>512</currentMemory><vcpu>1</vcpu>
  <cpu><numa><cell id='0' cpus='0' memory='512' unit='MiB'/></numa></cpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$W/image/vmlinuz</kernel><initrd>$W/image/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet no_timer_check memhp_default_state=online_movable swiotlb=noforce memvisor.meminfo=0.05 memvisor.ws=0 memvisor.rate=0 memvisor.fill=unique</cmdline></os>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices><serial type='file'><source path='$W/console.log'/><target port='0'/></serial><memballoon model='virtio'/>
    <memory model='virtio-mem'><target><size unit='MiB'>1024</size><node>0</node><block unit='KiB'>2048</block><requested unit='MiB'>512</requested></target></memory>
  </devices>
</domain>
EOF
virsh -q -c $URI create "$W/vm.xml" >/dev/null
for _ in $(seq 1 900); do grep -q "memvisor-guest: ready" "$W/console.log" 2>/dev/null && break; sleep 0.2; done
grep -q "memvisor-guest: ready" "$W/console.log" || { echo "the domain did not boot" >&2; tail "$W/console.log" >&2; exit 1; }

python3 - "$W/console.log" "$NAME" "$URI" "$RUNS" <<'PY'
import re, statistics, subprocess, sys, time
console, name, uri, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def virsh(*a): return subprocess.run(["virsh", "-q", "-c", uri, *a], check=True, capture_output=True, text=True).stdout
def current_kib():
    m = re.search(r"<memory model='virtio-mem'>.*?<current unit='KiB'>(\d+)</current>", virsh("dumpxml", name), re.S)
    return int(m.group(1)) if m else None
def memtotal():
    v = None
    for l in open(console, errors="replace"):
        m = re.search(r"MemTotal: (\d+) kB", l)
        if m: v = int(m.group(1))
    return v
def request(kib): virsh("update-memory-device", name, "--live", "--requested-size", str(kib))
def settle(kib):
    t0 = time.monotonic()
    while current_kib() != kib and time.monotonic() - t0 < 60: time.sleep(0.05)
    time.sleep(1)
def timed(kib):
    before, polls = memtotal(), 0
    t0 = time.monotonic(); request(kib); t1 = time.monotonic()
    t2 = t3 = None
    while time.monotonic() - t0 < 60 and (t2 is None or t3 is None):
        if t2 is None:
            polls += 1
            if current_kib() == kib: t2 = time.monotonic()
        if t3 is None and memtotal() != before: t3 = time.monotonic()
        time.sleep(0.005)
    ms = lambda t: None if t is None else (t - t0) * 1000
    return ms(t1), ms(t2), ms(t3), (t2 - t1) * 1000 / polls if t2 and polls else None
base = 512 * 1024
settle(base)
print("| operation | amount | request ms (median) | <current> reached after ms (median) | runs ms | guest MemTotal changed after ms (median) | poll ms |")
print("|---|---|---:|---:|---|---:|---:|")
for mib in (64, 256, 448):
    for op, kib in (("virtio-mem grow", base + mib * 1024), ("virtio-mem shrink", base - mib * 1024)):
        res = []
        for _ in range(runs):
            res.append(timed(kib)); request(base); settle(base)
        done = [r for r in res if r[1] is not None]
        med = lambda xs: "%.0f" % statistics.median(xs) if xs else "-"
        print("| %s | %d MiB | %s | %s | %s | %s | %s |" % (op, mib, med([r[0] for r in res]), med([r[1] for r in done]),
              " ".join("%.0f" % r[1] for r in done) or "not done within 60 s", med([r[2] for r in res if r[2] is not None]),
              med([r[3] for r in done if r[3] is not None])))
PY
