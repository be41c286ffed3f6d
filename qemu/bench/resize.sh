#!/usr/bin/env bash
# Measures growing and shrinking a guest by virtio-mem against the balloon, for the same amounts
# (BENCHMARKS.md, section "virtio-mem against the balloon"):
#  - the time from the QMP request until QEMU's device reached the size (virtio-mem: query-memory-devices
#    size == requested-size; balloon: query-balloon actual == target), polled every 5 ms;
#  - what the guest sees: its MemTotal (printed by its init every 50 ms when it changes);
#  - an idle guest (the memory is free: 64, 256 and 448 MiB; QEMU refuses a balloon target of 0, the boot memory less 512) and a busy one (a workload filled 600 of its 1024 MiB,
#    so only 64 and 256 MiB can be taken), median of RUNS runs each; a change not done within 60 s is reported so.
# Starts its guests itself (TCG unless MEMVISOR_ACCEL=kvm), one at a time, and stops them by pid on exit.
# Usage: qemu/bench/resize.sh [runs=3]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${1:-3}"
W="$(mktemp -d /tmp/memvisor-resize.XXXXXX)"
PID=""
cleanup() {
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; while kill -0 "$PID" 2>/dev/null; do sleep 0.2; done; fi
    rm -rf "$W"
}
trap cleanup EXIT
"$ROOT/memvisor" guest-image --out "$W/image" >/dev/null
ACCEL="${MEMVISOR_ACCEL:-tcg}"; [ "$ACCEL" = tcg ] && ACCEL="tcg,tb-size=64"

start() { # name boot-MiB region-MiB plugged-MiB workload-MiB
    local d="$W/$1"; mkdir -p "$d"
    qemu-system-x86_64 -name "$1" -machine pc -accel "$ACCEL" -m "$2M,maxmem=$(($2 + $3))M" -smp 1 -nodefaults -no-user-config \
        -display none -no-reboot -kernel "$W/image/vmlinuz" -initrd "$W/image/initramfs.cpio.gz" \
        -append "console=ttyS0 panic=-1 quiet no_timer_check memhp_default_state=online_movable swiotlb=noforce memvisor.meminfo=0.05 memvisor.ws=$(($5 << 20)) memvisor.rate=0 memvisor.fill=unique" \
        -serial "file:$d/console.log" -qmp "unix:$d/qmp.sock,server=on,wait=off" \
        -device virtio-balloon-pci,id=balloon0,deflate-on-oom=on,free-page-reporting=on \
        -object memory-backend-ram,id=vmem0-ram,size=$(($3 << 20)) \
        -device "virtio-mem-pci,id=vmem0,memdev=vmem0-ram,requested-size=$(($4 << 20))" >"$d/qemu.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 900); do grep -q "memvisor-guest: ready" "$d/console.log" 2>/dev/null && break; sleep 0.2; done
    grep -q "memvisor-guest: ready" "$d/console.log" || { echo "$1 did not boot" >&2; tail "$d/console.log" >&2; exit 1; }
    if [ "$5" != 0 ]; then
        for _ in $(seq 1 1200); do grep -q "mvload: filled" "$d/console.log" && break; sleep 0.2; done
    fi
}
stop() { kill "$PID"; while kill -0 "$PID" 2>/dev/null; do sleep 0.2; done; PID=""; }

measure() { # name runs boot-MiB amounts-MiB
python3 - "$W/$1" "$2" "$3" "$4" <<'PY'
import json, socket, statistics, sys, time, re
d, runs, boot = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) << 20
amounts = [int(a) for a in sys.argv[4].split(",")]
s = socket.socket(socket.AF_UNIX); s.connect(d + "/qmp.sock"); f = s.makefile("rw")
def cmd(name, args=None):
    f.write(json.dumps({"execute": name, **({"arguments": args} if args else {})}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "event" in r: continue
        if "error" in r: raise RuntimeError(r["error"]["desc"])
        return r["return"]
f.readline(); cmd("qmp_capabilities")
def memtotal():
    v = None
    for l in open(d + "/console.log", errors="replace"):
        m = re.search(r"MemTotal: (\d+) kB", l)
        if m: v = int(m.group(1))
    return v
def size(): return cmd("query-memory-devices")[0]["data"]["size"]
def actual(): return cmd("query-balloon")["actual"]
def wait(read, want, timeout=60):
    t0 = time.monotonic()
    while read() != want:
        if time.monotonic() - t0 > timeout: return None
        time.sleep(0.005)
    return time.monotonic()
def timed(request, read, want, mem_change):
    before = memtotal(); t0 = time.monotonic(); request()
    t1 = wait(read, want)
    t2 = None
    if mem_change:
        while time.monotonic() - t0 < 60 and memtotal() == before: time.sleep(0.005)
        t2 = time.monotonic() if memtotal() != before else None
    time.sleep(1)
    return (None if t1 is None else (t1 - t0) * 1000, None if t2 is None else (t2 - t0) * 1000, memtotal() - before)
rows = []
name = d.rsplit("/", 1)[1]
plugged0 = size()
for mib in amounts:
    b = mib << 20
    for op in ("virtio-mem grow", "virtio-mem shrink", "balloon inflate", "balloon deflate"):
        res = []
        refused = None
        for _ in range(runs):
          try:
            if op == "virtio-mem grow":
                r = timed(lambda: cmd("qom-set", {"path": "/machine/peripheral/vmem0", "property": "requested-size", "value": plugged0 + b}), size, plugged0 + b, True)
                cmd("qom-set", {"path": "/machine/peripheral/vmem0", "property": "requested-size", "value": plugged0}); wait(size, plugged0); time.sleep(1)
            elif op == "virtio-mem shrink":
                if plugged0 < b: res.append(None); continue
                r = timed(lambda: cmd("qom-set", {"path": "/machine/peripheral/vmem0", "property": "requested-size", "value": plugged0 - b}), size, plugged0 - b, True)
                cmd("qom-set", {"path": "/machine/peripheral/vmem0", "property": "requested-size", "value": plugged0}); wait(size, plugged0); time.sleep(1)
            elif op == "balloon inflate":
                r = timed(lambda: cmd("balloon", {"value": boot - b}), actual, boot - b, False)
                cmd("balloon", {"value": boot}); wait(actual, boot); time.sleep(1)
            else:
                cmd("balloon", {"value": boot - b}); wait(actual, boot - b); time.sleep(1)
                r = timed(lambda: cmd("balloon", {"value": boot}), actual, boot, False)
            res.append(r)
          except RuntimeError as e:  # QEMU refused the request: say so in the row, go on with the others
            res.append(None); refused = str(e)
        ok = [x for x in res if x is not None and x[0] is not None]
        if not ok:
            rows.append((name, op, mib, "-", "-", "-", "refused: " + refused if refused else "not done within 60 s" if res and res[0] is not None else "n/a")); continue
        med = statistics.median(x[0] for x in ok)
        guest = [x[1] for x in ok if x[1] is not None]
        rows.append((name, op, mib, "%.0f" % med, " ".join("%.0f" % x[0] for x in ok),
                     "%.0f" % statistics.median(guest) if guest else "-", "%+d MiB" % round(statistics.median(x[2] for x in ok) / 1024)))
try:
    cmd("qom-set", {"path": "/machine/peripheral/vmem0", "property": "requested-size", "value": (3 << 20) + plugged0})
    gran = "accepted"
except RuntimeError as e:
    gran = "refused: " + str(e)
for r in rows: print("| %s | %s | %s MiB | %s | %s | %s | %s |" % r)
print("virtio-mem request of 3 MiB (block 2 MiB): " + gran)
PY
}

echo "| guest | operation | amount | device ms (median) | runs ms | guest MemTotal changed after ms | MemTotal change |"
echo "|---|---|---|---:|---|---:|---:|"
start idle 512 1024 512 0
measure idle "$RUNS" 512 64,256,448
stop
start busy 512 1024 512 600
measure busy "$RUNS" 512 64,256
stop
