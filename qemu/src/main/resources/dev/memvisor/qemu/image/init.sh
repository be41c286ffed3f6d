#!/bin/busybox sh
# memvisor guest init (PID 1): loads the virtio modules, starts the workload and the CPU reporter
# named on the kernel command line, then idles. Parameters (all optional):
#   memvisor.ws=SIZE     working set to touch (e.g. 64M; 0 = none)
#   memvisor.rate=N      pages touched per second (0 = touch the set once, then hold it)
#   memvisor.fill=MODE   page contents: same (identical across guests), unique, zero
#   memvisor.cpu=S       write CPU reports to /dev/ttyS1 every S seconds (0 = off)
#   memvisor.meminfo=S   check MemTotal every S seconds and print it on the console when it changes (0 = off)
# Hot-added (virtio-mem) memory is onlined by the kernel itself: the launcher passes
# memhp_default_state=online_movable, so no udev rule is needed and the memory stays unpluggable.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /etc/memvisor-modules); do
    insmod "/lib/modules/$m.ko" || echo "memvisor-guest: insmod $m failed"
done
ws=0; rate=0; fill=same; cpu=0; meminfo=0
for a in $(cat /proc/cmdline); do
    case "$a" in
        memvisor.ws=*) ws="${a#*=}" ;;
        memvisor.rate=*) rate="${a#*=}" ;;
        memvisor.fill=*) fill="${a#*=}" ;;
        memvisor.cpu=*) cpu="${a#*=}" ;;
        memvisor.meminfo=*) meminfo="${a#*=}" ;;
    esac
done
balloon=no
[ -d /sys/bus/virtio/drivers/virtio_balloon ] && [ -n "$(ls /sys/bus/virtio/drivers/virtio_balloon | grep virtio)" ] && balloon=yes
vmem=no
[ -d /sys/bus/virtio/drivers/virtio_mem ] && [ -n "$(ls /sys/bus/virtio/drivers/virtio_mem | grep virtio)" ] && vmem=yes
echo "memvisor-guest: ready balloon=$balloon $(grep MemTotal /proc/meminfo | tr -s ' ') virtio_mem=$vmem"
memtotal() { while read -r k v u; do [ "$k" = MemTotal: ] && echo "$v" && return; done < /proc/meminfo; }
if [ "$meminfo" != 0 ]; then
    (last=$(memtotal); while sleep "$meminfo"; do
        now=$(memtotal); [ "$now" != "$last" ] && echo "memvisor-guest: MemTotal: $now kB" && last=$now
    done) &
fi
[ "$cpu" != 0 ] && /bin/mvload cpu /dev/ttyS1 "$cpu" &
[ "$ws" != 0 ] && /bin/mvload touch "$ws" "$rate" "$fill" &
while true; do sleep 3600; done
