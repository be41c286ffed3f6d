#!/usr/bin/env bash
# Measures the psi policy on real guests (BENCHMARKS.md, section "psi against esx's active memory"):
# three 256 MiB guests (idle: 64 MiB filled once and held; medium: 128 MiB touched at 2000 pages/s;
# busy: 128 MiB touched at 8000 pages/s), each in a memory cgroup:
#  1. `memvisor run` with esx on a roomy budget (nothing reclaimed): each VM's sampled active memory (ACTV)
#     and the guests' progress (pages mvload touched per second);
#  2. `memvisor run` with psi (cgroups, zswap as host.yaml's default, PSI of each VM's own cgroup): each VM's
#     limit and what it holds at the end, the memory saved (configured - limit), and the guests' progress.
# Makes a swap file when the host has none, and puts back zswap's settings; stops its guests by pid,
# removes the cgroups and the swap file on exit.
# Usage: qemu/bench/psi.sh [esx-seconds=60] [psi-seconds=180] [psiMaxProbe=0.05]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ESX_S="${1:-60}"; PSI_S="${2:-180}"; PROBE="${3:-0.05}"
W="$(mktemp -d /tmp/memvisor-psi.XXXXXX)"
PIDS=()
. "$ROOT/qemu/bench/lib.sh"
NAMES=(idle medium busy)
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
    for n in "${NAMES[@]}"; do
        for d in /sys/fs/cgroup/memory/memvisor/bench-$n /sys/fs/cgroup/unified/memvisor/bench-$n /sys/fs/cgroup/memvisor/bench-$n; do
            [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
        done
    done
    for d in /sys/fs/cgroup/memory/memvisor /sys/fs/cgroup/unified/memvisor; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
    bench_zswap_restore
    bench_swap_remove
    rm -rf "$W"
}
trap cleanup EXIT
bench_swap_ensure
"$ROOT/memvisor" guest-image --out "$W/image" >/dev/null
ACCEL="${MEMVISOR_ACCEL:-tcg}"; [ "$ACCEL" = tcg ] && ACCEL="tcg,tb-size=64"
CG=/sys/fs/cgroup/memory; [ -f /sys/fs/cgroup/cgroup.controllers ] && grep -q memory /sys/fs/cgroup/cgroup.controllers && CG=/sys/fs/cgroup
start() { # name ws-MiB rate
    local d="$W/$1"; mkdir -p "$d" "$CG/memvisor/bench-$1"
    [ "$CG" = /sys/fs/cgroup ] && echo +memory > "$CG/memvisor/cgroup.subtree_control"
    sh -c 'echo $$ > "$0" && exec "$@"' "$CG/memvisor/bench-$1/cgroup.procs" \
        qemu-system-x86_64 -name "bench-$1,debug-threads=on" -machine pc,mem-merge=on -accel "$ACCEL" -m 256M -smp 1 -nodefaults -no-user-config \
        -display none -no-reboot -kernel "$W/image/vmlinuz" -initrd "$W/image/initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 quiet no_timer_check memvisor.ws=$(($2 << 20)) memvisor.rate=$3 memvisor.fill=unique memvisor.cpu=0" \
        -serial "file:$d/console.log" -qmp "unix:$d/qmp.sock,server=on,wait=off" \
        -device virtio-balloon-pci,id=balloon0,deflate-on-oom=on,free-page-reporting=on >"$d/qemu.log" 2>&1 &
    PIDS+=($!)
}
start idle 64 0; start medium 128 2000; start busy 128 8000
for n in "${NAMES[@]}"; do
    for _ in $(seq 1 900); do grep -q "memvisor-guest: ready" "$W/$n/console.log" 2>/dev/null && break; sleep 0.2; done
    grep -q "memvisor-guest: ready" "$W/$n/console.log" || { echo "bench-$n did not boot" >&2; tail "$W/$n/console.log" >&2; exit 1; }
done
sleep 20  # workloads fill their working sets
config() { # policy extra
    { echo "policy: $1"; echo "interval: 2s"; echo "budget: 4G"; echo "cgroups: true"; echo "ksm: {manage: false}"; echo "$2"; echo "vms:"
      for n in "${NAMES[@]}"; do echo "  - {name: bench-$n, qmp: $W/$n/qmp.sock}"; done; } > "$W/host.yaml"
}
touched() { grep -o 'touched=[0-9]*' "$W/$1/console.log" | tail -1 | cut -d= -f2; }
run() { # policy seconds log extra
    config "$1" "$4"
    declare -A t0; for n in medium busy; do t0[$n]=$(touched $n); done
    local s0; s0=$(date +%s.%N)
    "$ROOT/memvisor" run --config "$W/host.yaml" --intervals $(($2 / 2)) --log "$W/$3" 2>"$W/$3.err"
    local s1; s1=$(date +%s.%N)
    for n in medium busy; do echo "$n $(( ($(touched $n) - ${t0[$n]}) )) $s0 $s1"; done > "$W/$3.progress"
}
run esx "$ESX_S" esx.jsonl ""
run "{name: psi, psiInterval: 2s, psiMaxProbe: $PROBE}" "$PSI_S" psi.jsonl ""
python3 - "$W" <<'PY'
import json, sys, statistics
w = sys.argv[1]
def lines(f): return [json.loads(l) for l in open(f"{w}/{f}")]
esx, psi = lines("esx.jsonl"), lines("psi.jsonl")
def series(ls, vm, key): return [v[key] for l in ls for v in l["vms"] if v["name"] == vm and v.get("up") and key in v]
def prog(f):
    out = {}
    for l in open(f"{w}/{f}"):
        n, d, s0, s1 = l.split(); out[n] = int(d) / (float(s1) - float(s0))
    return out
pe, pp = prog("esx.jsonl.progress"), prog("psi.jsonl.progress")
MiB = 1 << 20
print("| VM | esx ACTV (median, MiB) | psi limit at the end (MiB) | psi CONSUMED at the end (MiB) | saved by psi vs configured 256 MiB | SWCUR + ZIP at the end (MiB) | back-offs | progress esx (pages/s) | progress psi (pages/s) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in ("idle", "medium", "busy"):
    vm = "bench-" + n
    actv = statistics.median(series(esx[len(esx)//3:], vm, "TCHD")) / MiB
    tail = psi[-5:]
    limit = statistics.median(series(tail, vm, "SZTGT")) / MiB
    cons = statistics.median(series(tail, vm, "CNSM")) / MiB
    sw = statistics.median([a + b for a, b in zip(series(tail, vm, "SWCUR"), series(tail, vm, "ZIP"))]) / MiB
    backs = sum(1 for l in psi for v in l["vms"] if v["name"] == vm and "back off" in v.get("reason", ""))
    a = "%.0f" % pe[n] if n in pe else "-"; b = "%.0f" % pp[n] if n in pp else "-"
    print(f"| {n} | {actv:.0f} | {limit:.0f} | {cons:.0f} | {256 - limit:.0f} MiB ({(256 - limit) / 256:.0%}) | {sw:.0f} | {backs} | {a} | {b} |")
PY
