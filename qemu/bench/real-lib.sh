# Shared by qemu/bench/real-hosts.sh (raw QEMUs) and libvirt/bench/libvirt-hosts.sh (libvirt domains), so both
# measure the same way: sourced after W (the work directory) is set. The caller defines roomy S, tight S (a fresh
# `memvisor run` with a roomy, then a tight budget, logging to $W/roomyS.jsonl, $W/tightS.jsonl), balloons_full
# (waits until every balloon is back at its maximum) and balloon_moved (prints the ms since the epoch when any
# balloon is first seen below its maximum, 0 when none is within 60 s).
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# field NAME [soft]: NAME of each decision of the log on stdin (with soft: of decisions out of the high state only)
field() { python3 -c "import sys,json
for l in sys.stdin:
    d=json.loads(l)
    if '$1' in d and ('$2'=='' or d['state']!='HIGH'): print(d['$1'])"; }
# cpu_figures LOG WHAT: the manager's CPU per interval, intervals 2.. (the first includes the JVM's start)
cpu_figures() {
    echo "manager CPU ms per interval, $2, intervals 2..:"
    tail -n +2 "$1" | field managerCpuMs "" | tee "$W/cpu.txt" | tr '\n' ' '; echo
    echo "  median: $(median < "$W/cpu.txt") ms"
}
# reaction SWITCHES HOW: per switch, collection start -> balloon targets sent (balloonSentMs) and collection
# start (the logged time less stepMs) -> the first balloon moving (HOW: where balloon_moved reads it)
reaction() {
    : > "$W/sent.txt"; : > "$W/moving.txt"
    for s in $(seq 1 "$1"); do
        roomy "$s"
        balloons_full
        balloon_moved > "$W/moved$s.txt" & local watch=$!
        tight "$s"
        wait "$watch"
        field balloonSentMs soft < "$W/tight$s.jsonl" | sed -n 1p >> "$W/sent.txt"
        python3 "$BENCH_DIR/moving.py" "$W/tight$s.jsonl" "$(cat "$W/moved$s.txt")" >> "$W/moving.txt"
    done
    echo "collection start (free below soft seen) -> balloon targets sent, ms:"
    tr '\n' ' ' < "$W/sent.txt"; echo
    echo "  median: $(median < "$W/sent.txt") ms"
    echo "collection start -> first balloon moving, as $2 reports it (50 ms polls), ms:"
    tr '\n' ' ' < "$W/moving.txt"; echo
    echo "  median: $(median < "$W/moving.txt") ms (plus up to one stateCheckInterval, 250 ms by default, until a crossing between intervals is seen)"
}
