#!/usr/bin/env bash
# memvisor's core loop beside its limit: builds bench/core_loop.c (gcc) and the CLI jar when missing,
# then runs bench/CoreLoopLimit.java: the C program, the same loop in Java and memvisor's core-loop
# scenario, alternating, in one run. Usage: bench/core-loop-limit.sh [ROUNDS=7] [MEMVISOR_JAR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-7}"
JAR="${2:-$ROOT/cli/target/memvisor.jar}"
command -v gcc >/dev/null || { echo "core-loop-limit: gcc is not installed" >&2; exit 1; }
mkdir -p "$ROOT/bench/target"
# the strongest limit: gcc vectorizes the generator and the Zipf table's lookups (AVX-512 gathers here),
# about 1.6x faster than -O2 on this machine
gcc -O3 -march=native -Wall -o "$ROOT/bench/target/core_loop" "$ROOT/bench/core_loop.c" -lm
if [ ! -f "$JAR" ]; then
    (cd "$ROOT" && mvn -q -B -Dmaven.test.skip=true -pl cli -am package)
fi
cd "$ROOT"
exec java -Xmx2g bench/CoreLoopLimit.java "$JAR" "$ROOT/bench/target/core_loop" "$ROUNDS"
