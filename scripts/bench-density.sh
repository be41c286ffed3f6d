#!/usr/bin/env bash
# The density experiment of BENCHMARKS.md (section Density) in pieces: the real run one policy at a
# time, each holding the shared lock only while it runs (others' tests need it too), the standalone
# baselines measured by the first piece and reused by the rest (--baselines), then the simulator.
#   scripts/bench-density.sh examples/density-idle-heavy.yaml OUT_DIR [esx,hyperv,proxmox,mom,static]
# Writes OUT_DIR/POLICY.json (real), OUT_DIR/sim.json and prints a Markdown table of both. Root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MIX="$1"; OUT="$2"; POLICIES="${3:-esx,hyperv,proxmox,mom,static}"
LOCK=/tmp/memvisor-real.lock
mkdir -p "$OUT"
"$ROOT/memvisor" --version >/dev/null
JAR="$OUT/memvisor.jar"
cp "$ROOT/cli/target/memvisor.jar" "$JAR"   # a copy: a rebuild meanwhile does not change the experiment
export MEMVISOR_IMAGE_DIR="${MEMVISOR_IMAGE_DIR:-$OUT/image}"
BASE=()
for p in ${POLICIES//,/ }; do
  if [ -s "$OUT/$p.json" ]; then echo "bench-density: $p done already ($OUT/$p.json)" >&2; BASE=(--baselines "$OUT/$p.json"); continue; fi
  flock "$LOCK" java -jar "$JAR" density "$MIX" --real --policies "$p" --json "${BASE[@]}" --out "$OUT/$p" > "$OUT/$p.json.tmp" 2> "$OUT/$p.log"
  mv "$OUT/$p.json.tmp" "$OUT/$p.json"
  BASE=(--baselines "$OUT/$p.json")
done
java -jar "$JAR" density "$MIX" --sim --policies "$POLICIES" --json --out "$OUT/sim" > "$OUT/sim.json" 2> "$OUT/sim.log"
python3 - "$OUT" "$POLICIES" <<'PY'
import json, sys
out, pols = sys.argv[1], sys.argv[2].split(",")
sim = {p["policy"]: p["sim"] for p in json.load(open(f"{out}/sim.json"))["policies"]}
print("| policy | real admitted | real stop | real p95 | real host swap | real balloons | real KSM saved | sim admitted | sim stop | sim p95 |")
print("|---|---|---|---|---|---|---|---|---|---|")
mib = lambda b: f"{b / 2**20:.0f}M"
for p in pols:
    r = json.load(open(f"{out}/{p}.json"))["policies"][0]["real"]
    s = sim[p]
    print(f"| {p} | {r['guestsAdmitted']} | {r['stopReason']} | {r['slowdown']['p95']} | {mib(r['hostSwapBytes'])} | {mib(r['balloonBytes'])} | {mib(r['sharedBytes'])} | {s['guestsAdmitted']} | {s['stopReason']} | {s['slowdown']['p95']} |")
PY
