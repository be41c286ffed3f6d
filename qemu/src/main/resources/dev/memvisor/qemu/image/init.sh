#!/bin/busybox sh
# memvisor guest init (PID 1): loads the virtio modules, starts the workload and the CPU reporter
# named on the kernel command line, then idles. Parameters (all optional):
#   memvisor.ws=SIZE     working set to touch (e.g. 64M; 0 = none)
#   memvisor.rate=N      pages touched per second (0 = touch the set once, then hold it)
#   memvisor.fill=MODE   page contents: same (identical across guests), unique, zero
#   memvisor.cpu=S       write CPU reports to /dev/ttyS1 every S seconds (0 = off)
#   memvisor.meminfo=S   check MemTotal every S seconds and print it on the console when it changes (0 = off)
#   memvisor.sched=WS:RATE[,WS:RATE...]  the paced workload instead of memvisor.ws: each entry a working
#                        set and operations per second, memvisor.step seconds each, repeated
#   memvisor.step=S      seconds per schedule entry (default 10)
#   memvisor.cacheops=P  permille of operations that read a 4 KiB block of the cache disk (default 100)
# Hot-added (virtio-mem) memory is onlined by the kernel itself: the launcher passes
# memhp_default_state=online_movable, so no udev rule is needed and the memory stays unpluggable.
# Disks (virtio-blk, found by their serial): "mvswap" is made swap and switched on; "mvcache" is
# the read-only disk the paced workload reads through the page cache.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /etc/memvisor-modules); do
    insmod "/lib/modules/$m.ko" || echo "memvisor-guest: insmod $m failed"
done
ws=0; rate=0; fill=same; cpu=0; meminfo=0; sched=; step=10; cacheops=100
for a in $(cat /proc/cmdline); do
    case "$a" in
        memvisor.ws=*) ws="${a#*=}" ;;
        memvisor.rate=*) rate="${a#*=}" ;;
        memvisor.fill=*) fill="${a#*=}" ;;
        memvisor.cpu=*) cpu="${a#*=}" ;;
        memvisor.meminfo=*) meminfo="${a#*=}" ;;
        memvisor.sched=*) sched="${a#*=}" ;;
        memvisor.step=*) step="${a#*=}" ;;
        memvisor.cacheops=*) cacheops="${a#*=}" ;;
    esac
done
balloon=no
[ -d /sys/bus/virtio/drivers/virtio_balloon ] && [ -n "$(ls /sys/bus/virtio/drivers/virtio_balloon | grep virtio)" ] && balloon=yes
swapdev=none; cachedev=none
for b in /sys/block/vd*; do
    [ -e "$b/serial" ] || continue
    case "$(cat "$b/serial")" in
        mvswap) mkswap "/dev/${b##*/}" >/dev/null && swapon "/dev/${b##*/}" && swapdev="/dev/${b##*/}" ;;
        mvcache) cachedev="/dev/${b##*/}" ;;
    esac
done
vmem=no
[ -d /sys/bus/virtio/drivers/virtio_mem ] && [ -n "$(ls /sys/bus/virtio/drivers/virtio_mem | grep virtio)" ] && vmem=yes
echo "memvisor-guest: ready balloon=$balloon $(grep MemTotal /proc/meminfo | tr -s ' ') swap=$swapdev cache=$cachedev virtio_mem=$vmem"
memtotal() { while read -r k v u; do [ "$k" = MemTotal: ] && echo "$v" && return; done < /proc/meminfo; }
if [ "$meminfo" != 0 ]; then
    (last=$(memtotal); while sleep "$meminfo"; do
        now=$(memtotal); [ "$now" != "$last" ] && echo "memvisor-guest: MemTotal: $now kB" && last=$now
    done) &
fi
[ "$cpu" != 0 ] && /bin/mvload cpu /dev/ttyS1 "$cpu" &
[ "$ws" != 0 ] && /bin/mvload touch "$ws" "$rate" "$fill" &
[ -n "$sched" ] && /bin/mvload work "$fill" "$step" "$sched" "$cachedev" "$cacheops" &
while true; do sleep 3600; done
