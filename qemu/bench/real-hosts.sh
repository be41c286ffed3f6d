#!/usr/bin/env bash
# Measures the real manager (BENCHMARKS.md, section real-hosts) on 4 small guests:
#  1. its own CPU time per control interval (managerCpuMs in the decision log), default 5 s interval;
#  2. the time from the interval that sees free memory below the soft threshold to the balloon
#     targets being sent (balloonSentMs), over several roomy -> tight budget switches.
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
        -serial "file:$d/console.log" -qmp "unix:$d/qmp.sock,server=on,wait=off" \
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
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { python3 -c "import sys,json
for l in sys.stdin:
    d=json.loads(l)
    if '$1' in d and ('$2'=='' or d['state']!='HIGH'): print(d['$1'])"; }

config 2G 5s
"$MV" run --config "$W/host.yaml" --intervals "$INTERVALS" --log "$W/cpu.jsonl" 2>/dev/null
echo "manager CPU ms per 5 s interval, 4 guests, intervals 2..$INTERVALS:"
tail -n +2 "$W/cpu.jsonl" | field managerCpuMs "" | tee "$W/cpu.txt" | tr '\n' ' '; echo
echo "  median: $(median < "$W/cpu.txt") ms"

: > "$W/react.txt"
for s in $(seq 1 "$SWITCHES"); do
    config 2G 1s; "$MV" run --config "$W/host.yaml" --intervals 3 --log "$W/roomy$s.jsonl" 2>/dev/null
    config 500M 1s; "$MV" run --config "$W/host.yaml" --intervals 1 --log "$W/tight$s.jsonl" 2>/dev/null
    field balloonSentMs soft < "$W/tight$s.jsonl" | head -1 >> "$W/react.txt"
done
echo "collect start (free below soft seen) -> balloon targets sent, ms:"
tr '\n' ' ' < "$W/react.txt"; echo
echo "  median: $(median < "$W/react.txt") ms (plus up to one stateCheckInterval, 250 ms by default, until the crossing is seen)"
