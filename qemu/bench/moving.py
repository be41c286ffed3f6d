"""Prints the ms from the start of a decision log's first decision out of the high state (its collection
start: time logged minus stepMs) to MOVED_MS, the epoch ms at which a balloon was first seen moving; used by
qemu/bench/real-hosts.sh and libvirt/bench/libvirt-hosts.sh. Usage: moving.py DECISIONS.jsonl MOVED_MS"""
import datetime
import json
import sys

moved = int(sys.argv[2])
if moved > 0:
    for line in open(sys.argv[1]):
        d = json.loads(line)
        if d['state'] != 'HIGH':
            end = datetime.datetime.fromisoformat(d['time'].replace('Z', '+00:00')).timestamp() * 1000
            print(round(moved - (end - d['stepMs'])))
            break
