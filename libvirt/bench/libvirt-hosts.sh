#!/usr/bin/env bash
# Measures the real manager on 4 libvirt domains (BENCHMARKS.md, section real-hosts), as
# qemu/bench/real-hosts.sh does on 4 raw QEMUs with the same guests (192 MiB, 24 MiB of identical pages):
#  1. its CPU time per control interval (managerCpuMs in the decision log), 5 s interval, no vms: in host.yaml
#     (memvisor finds the domains itself);
#  2. per roomy -> tight budget switch (a fresh `memvisor run` whose first decision sees the tight budget):
#     collection start -> balloon targets sent (balloonSentMs, as the raw script measures it), and
#     collection start -> the first balloon moving as libvirt reports it (virsh domstats --balloon,
#     polled every 50 ms: the guest's driver has started to inflate).
# Starts Debian's virtlogd and libvirtd itself when no libvirtd answers (no systemd needed) and stops them
# by pid on exit; destroys its domains; removes the machine cgroups and /run/libvirt libvirt made, and its
# domains' QEMU logs. Hold /tmp/memvisor-real.lock while it runs (KSM, libvirtd).
# Usage: libvirt/bench/libvirt-hosts.sh [intervals=12] [switches=5]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INTERVALS="${1:-12}"
SWITCHES="${2:-5}"
W="$(mktemp -d /tmp/memvisor-bench-libvirt.XXXXXX)"
chmod 755 "$W" # libvirt runs QEMU as libvirt-qemu, which must read the image
PREFIX="memvisor-bench-$$-"
URI=qemu:///system
KSM=/sys/kernel/mm/ksm
SAVED_KSM="$(cat $KSM/run $KSM/pages_to_scan $KSM/sleep_millisecs | tr '\n' ' ')"
CGROUPS_BEFORE="$(ls -d /sys/fs/cgroup/machine /sys/fs/cgroup/*/machine 2>/dev/null || true)"
RUN_LIBVIRT_EXISTED=$([ -e /run/libvirt ] && echo 1 || echo 0)
DAEMONS=()
cleanup() {
    for d in $(virsh -q -c $URI list --name 2>/dev/null | grep "^$PREFIX" || true); do virsh -q -c $URI destroy "$d" >/dev/null 2>&1 || true; done
    for p in "${DAEMONS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${DAEMONS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
    if [ ${#DAEMONS[@]} -gt 0 ]; then
        for c in $(ls -d /sys/fs/cgroup/machine /sys/fs/cgroup/*/machine 2>/dev/null || true); do
            grep -qxF "$c" <<<"$CGROUPS_BEFORE" || find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
        done
        [ "$RUN_LIBVIRT_EXISTED" = 1 ] || rm -rf /run/libvirt
    fi
    rm -f /var/log/libvirt/qemu/"$PREFIX"*.log
    read -r run scan sleep <<<"$SAVED_KSM"
    echo "$scan" > $KSM/pages_to_scan; echo "$sleep" > $KSM/sleep_millisecs; echo "$run" > $KSM/run
    rm -rf "$W"
}
trap cleanup EXIT
MV="$ROOT/memvisor"
"$MV" guest-image --out "$W/image" >/dev/null
if ! virsh -q -c $URI version >/dev/null 2>&1; then
    /usr/sbin/virtlogd </dev/null >"$W/virtlogd.log" 2>&1 & DAEMONS+=($!)
    /usr/sbin/libvirtd </dev/null >"$W/libvirtd.log" 2>&1 & DAEMONS+=($!)
    for _ in $(seq 1 240); do virsh -q -c $URI version >/dev/null 2>&1 && break; sleep 0.25; done
fi
for i in 1 2 3 4; do
    cat > "$W/vm$i.xml" <<EOF
<domain type='qemu'>
  <name>${PREFIX}vm$i</name>
  <memory unit='MiB'>192</memory><currentMemory unit='MiB'>192</currentMemory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$W/image/vmlinuz</kernel><initrd>$W/image/initramfs.cpio.gz</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet no_timer_check memvisor.ws=$((24 << 20)) memvisor.rate=0 memvisor.fill=same memvisor.cpu=0</cmdline></os>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices><serial type='file'><source path='$W/vm$i.console.log'/><target port='0'/></serial><memballoon model='virtio'/></devices>
</domain>
EOF
    virsh -q -c $URI create "$W/vm$i.xml" >/dev/null
done
for i in 1 2 3 4; do
    for _ in $(seq 1 900); do grep -q "memvisor-guest: ready" "$W/vm$i.console.log" 2>/dev/null && break; sleep 0.2; done
    grep -q "memvisor-guest: ready" "$W/vm$i.console.log" || { echo "vm$i did not boot" >&2; exit 1; }
done
mkdir -p "$W/empty"
run() { # budget interval intervals log: memvisor finds the domains itself (no vms:, an empty run directory)
    MEMVISOR_RUN_DIR="$W/empty" "$MV" run --set policy=esx --set "budget=$1" --set "interval=$2" --set stateFile= \
        --set libvirt.enabled=true --intervals "$3" --log "$4" 2>"$4.err"
}
source "$ROOT/qemu/bench/real-lib.sh"
# balloon.current (KiB) of every domain, as libvirt reports it (from QEMU's BALLOON_CHANGE events)
balloon_kib() { virsh -q -c $URI domstats --balloon | awk -F= '/balloon.current/ {print $2}'; }
balloons_full() {
    for _ in $(seq 1 300); do
        balloon_kib | awk '$1 < 196608 {low=1} END {exit low}' && return; sleep 0.2
    done
    echo "no balloon back at 192 MiB within 60 s" >&2
}
balloon_moved() {
    local deadline=$(( $(date +%s) + 60 ))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        local now; now=$(date +%s%3N)
        if balloon_kib | awk '$1 < 196608 {found=1} END {exit !found}'; then echo "$now"; return; fi
        sleep 0.05
    done
    echo "no balloon moved within 60 s" >&2; echo 0
}
roomy() { run 2G 1s 3 "$W/roomy$1.jsonl"; }
tight() { run 500M 1s 2 "$W/tight$1.jsonl"; }

run 2G 5s "$INTERVALS" "$W/cpu.jsonl"
cpu_figures "$W/cpu.jsonl" "4 libvirt domains, 5 s interval"
reaction "$SWITCHES" "virsh domstats --balloon"
