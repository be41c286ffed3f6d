#!/usr/bin/env bash
# Measures the real manager (BENCHMARKS.md, section real-hosts) on 4 small guests:
#  1. its own CPU time per control interval (managerCpuMs in the decision log), default 5 s interval;
#  2. per roomy -> tight budget switch (a fresh `memvisor run` whose first decision sees the tight budget):
#     collection start -> balloon targets sent (balloonSentMs), and collection start -> the first balloon
#     moving as QEMU reports it (query-balloon on a second QMP monitor of each guest, polled every 50 ms),
#     as libvirt/bench/libvirt-hosts.sh measures it for libvirt domains.
# Starts the guests itself (TCG unless MEMVISOR_ACCEL=kvm) and stops them by pid on exit.
# Usage: qemu/bench/real-hosts.sh [intervals=12] [switches=5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INTERVALS="${1:-12}"
SWITCHES="${2:-5}"
W="$(mktemp -d /tmp/memvisor-bench.XXXXXX)"
PIDS=()
KSM=/sys/kernel/mm/ksm
SAVED_KSM="$(cat $KSM/run $KSM/pages_to_scan $KSM/sleep_millisecs | tr '\n' ' ')"
cleanup() {
    read -r run scan sleep <<<"$SAVED_KSM"
    echo "$scan" > $KSM/pages_to_scan; echo "$sleep" > $KSM/sleep_millisecs; echo "$run" > $KSM/run
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
    rm -rf "$W"
}
trap cleanup EXIT
MV="$ROOT/memvisor"
"$MV" guest-image --out "$W/image" >/dev/null
ACCEL="${MEMVISOR_ACCEL:-tcg}"; [ "$ACCEL" = tcg ] && ACCEL="tcg,tb-size=64"
for i in 1 2 3 4; do
    d="$W/vm$i"; mkdir -p "$d"
    qemu-system-x86_64 -name "vm$i" -machine pc,mem-merge=on -accel "$ACCEL" -m 192M -smp 1 -nodefaults -no-user-config \
        -display none -no-reboot -kernel "$W/image/vmlinuz" -initrd "$W/image/initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 quiet no_timer_check memvisor.ws=$((24 << 20)) memvisor.rate=0 memvisor.fill=same memvisor.cpu=0" \
        -serial "file:$d/console.log" -qmp "unix:$d/qmp.sock,server=on,wait=off" -qmp "unix:$d/watch.sock,server=on,wait=off" \
        -device virtio-balloon-pci,id=balloon0,deflate-on-oom=on,free-page-reporting=on >"$d/qemu.log" 2>&1 &
    PIDS+=($!)
done
for i in 1 2 3 4; do
    for _ in $(seq 1 600); do grep -q "memvisor-guest: ready" "$W/vm$i/console.log" 2>/dev/null && break; sleep 0.2; done
    grep -q "memvisor-guest: ready" "$W/vm$i/console.log" || { echo "vm$i did not boot" >&2; exit 1; }
done
config() { # budget interval
    { echo "policy: esx"; echo "interval: $2"; echo "budget: $1"; echo "vms:"
      for i in 1 2 3 4; do echo "  - {name: vm$i, qmp: $W/vm$i/qmp.sock}"; done; } > "$W/host.yaml"
}
source "$ROOT/qemu/bench/real-lib.sh"
# on the guests' second QMP monitors, polled every 50 ms: full waits (up to 60 s) until every balloon is back at
# 192 MiB, moved prints the ms since the epoch when any is below it (0 when none is within 60 s)
balloons() { python3 - "$1" "$W"/vm?/watch.sock <<'PY'
import json, socket, sys, time
mode, socks = sys.argv[1], []
for path in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX); s.connect(path); f = s.makefile('rw')
    f.readline(); f.write('{"execute":"qmp_capabilities"}\n'); f.flush(); f.readline(); socks.append(f)
def actual(f):
    f.write('{"execute":"query-balloon"}\n'); f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r: return r['return']['actual']
deadline = time.time() + 60
while time.time() < deadline:
    now = int(time.time() * 1000)
    low = [a for a in map(actual, socks) if a < 192 << 20]
    if mode == 'full' and not low: sys.exit(0)
    if mode == 'moved' and low: print(now); sys.exit(0)
    time.sleep(0.05)
print('no balloon ' + ('back at 192 MiB' if mode == 'full' else 'moved') + ' within 60 s', file=sys.stderr)
if mode == 'moved': print(0)
PY
}
balloons_full() { balloons full; }
balloon_moved() { balloons moved; }
roomy() { config 2G 1s; "$MV" run --config "$W/host.yaml" --intervals 3 --log "$W/roomy$1.jsonl" 2>/dev/null; }
tight() { config 500M 1s; "$MV" run --config "$W/host.yaml" --intervals 2 --log "$W/tight$1.jsonl" 2>/dev/null; }

config 2G 5s
"$MV" run --config "$W/host.yaml" --intervals "$INTERVALS" --log "$W/cpu.jsonl" 2>/dev/null
cpu_figures "$W/cpu.jsonl" "4 QEMUs, 5 s interval"
reaction "$SWITCHES" "QEMU's query-balloon"
