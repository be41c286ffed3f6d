#!/usr/bin/env bash
# Measures memory compression by zswap (BENCHMARKS.md, section "zswap against the swap device"): a 320 MiB
# guest touching 192 MiB of half-compressible pages (memvisor.fill=half: 2 KiB unique, 2 KiB zeros) at 8000
# pages/s, its QEMU in a memory cgroup that allows 160 MiB, so the host swaps it; once with zswap off, once
# with zswap on as memvisor turns it on (enabled, the host's compressor, max_pool_percent from the VM's 10 %
# cache: CompressionCache), alternating, a fresh guest each time. Per run, over WINDOW seconds after the
# workload filled its working set: pages written to the swap device (/proc/vmstat pswpout), pages stored in
# zswap (zswpout) and the guest's progress (pages mvload touched per guest second).
# The swap counters are host-wide: run it under the lock (no other real test), on a host with no other swapping.
# Makes a swap file when the host has none; puts zswap's settings back, stops its guest by pid, removes its
# cgroup and the swap file on exit.
# Usage: qemu/bench/zswap.sh [runs=2] [window-seconds=30]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${1:-2}"; WINDOW="${2:-30}"
W="$(mktemp -d /tmp/memvisor-zswap.XXXXXX)"
PID=""
. "$ROOT/qemu/bench/lib.sh"
Z=$BENCH_ZSWAP
CG=/sys/fs/cgroup/memory/memvisor-bench-zswap; V2=0
if [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -q memory /sys/fs/cgroup/cgroup.controllers; then CG=/sys/fs/cgroup/memvisor-bench-zswap; V2=1; fi
stop() {
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; while kill -0 "$PID" 2>/dev/null; do sleep 0.2; done; PID=""; fi
}
cleanup() {
    stop
    [ -d "$CG" ] && rmdir "$CG" 2>/dev/null || true
    bench_zswap_restore
    bench_swap_remove
    rm -rf "$W"
}
trap cleanup EXIT
bench_swap_ensure
"$ROOT/memvisor" guest-image --out "$W/image" >/dev/null
ACCEL="${MEMVISOR_ACCEL:-tcg}"; [ "$ACCEL" = tcg ] && ACCEL="tcg,tb-size=64"
MEMTOTAL_KB=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
# memvisor's pool cap for this one VM: its 10 % cache (32 MiB) as a % of the host's RAM, rounded up (CompressionCache)
POOL=$(( (100 * 32 * 1024 + MEMTOTAL_KB - 1) / MEMTOTAL_KB ))
vmstat() { awk -v k="$1" '$1 == k {print $2}' /proc/vmstat; }
touched() { grep -o 'mvload: t=[0-9]* touched=[0-9]*' "$W/console.log" | tail -1 | sed 's/mvload: t=\([0-9]*\) touched=\([0-9]*\)/\1 \2/'; }

run() { # zswap(on|off) run-number
    bench_zswap_restore
    if [ "$1" = on ]; then echo "$POOL" > $Z/max_pool_percent; echo Y > $Z/enabled; fi
    mkdir -p "$CG"
    if [ "$V2" = 1 ]; then echo $((160 << 20)) > "$CG/memory.max"; else echo $((160 << 20)) > "$CG/memory.limit_in_bytes"; fi
    : > "$W/console.log"
    sh -c 'echo $$ > "$0" && exec "$@"' "$CG/cgroup.procs" \
        qemu-system-x86_64 -name "bench-zswap" -machine pc -accel "$ACCEL" -m 320M -smp 1 -nodefaults -no-user-config \
        -display none -no-reboot -kernel "$W/image/vmlinuz" -initrd "$W/image/initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 quiet no_timer_check memvisor.ws=$((192 << 20)) memvisor.rate=8000 memvisor.fill=half" \
        -serial "file:$W/console.log" -device virtio-balloon-pci,id=balloon0 >"$W/qemu.log" 2>&1 &
    PID=$!
    # the working set is filled once mvload reports its first whole pass (pass=1)
    for _ in $(seq 1 1500); do grep -q "pass=[1-9]" "$W/console.log" 2>/dev/null && break; kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done
    grep -q "pass=[1-9]" "$W/console.log" || { echo "zswap $1: the guest did not fill its working set" >&2; tail "$W/console.log" "$W/qemu.log" >&2; exit 1; }
    sleep 6  # one more mvload report
    local p0 z0 t0 t1
    p0=$(vmstat pswpout); z0=$(vmstat zswpout); t0=$(touched)
    sleep "$WINDOW"
    local p1 z1 pool
    p1=$(vmstat pswpout); z1=$(vmstat zswpout); t1=$(touched)
    pool=$(awk '/^Zswap:/ {print $2}' /proc/meminfo)
    stop
    rmdir "$CG"
    read -r gt0 n0 <<<"$t0"; read -r gt1 n1 <<<"$t1"
    echo "$1 $2 $((p1 - p0)) $((z1 - z0)) $((n1 - n0)) $((gt1 - gt0)) $pool" >> "$W/results"
}
for i in $(seq 1 "$RUNS"); do run off "$i"; run on "$i"; done
bench_zswap_restore
echo "zswap as found: enabled compressor max_pool_percent = $BENCH_ZSWAP_SAVED; when on: max_pool_percent=$POOL, compressor as found"
python3 - "$W/results" "$WINDOW" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
window = int(sys.argv[2])
MiB = 1 << 20
print("| zswap | run | written to the swap device (MiB) | stored in zswap (MiB) | guest progress (pages/s) | zswap pool at the end (MiB) |")
print("|---|---:|---:|---:|---:|---:|")
med = {}
for mode, run, p, z, n, gt, pool in rows:
    rate = int(n) / int(gt) if int(gt) > 0 else float("nan")
    med.setdefault(mode, []).append((int(p) * 4096 / MiB, int(z) * 4096 / MiB, rate))
    print(f"| {mode} | {run} | {int(p) * 4096 / MiB:.1f} | {int(z) * 4096 / MiB:.1f} | {rate:.0f} | {int(pool) / 1024:.1f} |")
m = {k: [statistics.median(c) for c in zip(*v)] for k, v in med.items()}
print(f"median over {len(med['off'])} runs of {window} s: written off {m['off'][0]:.1f} MiB, on {m['on'][0]:.1f} MiB; "
      f"progress on/off = {m['on'][2] / m['off'][2]:.2f}")
PY
