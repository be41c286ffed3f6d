#!/usr/bin/env bash
# Migration and scan benchmark (BENCHMARKS.md, section migration): plain, free-page-hint and
# balloon-first live migration of a guest that wrote then freed most of its memory and of a busy
# guest, over loopback; then memvisor's page scan against sha256sum over the same dump.
# Usage: scripts/bench-migration.sh [RUNS=3] [GUEST_MIB=512]   (needs root for /proc/PID/mem, and
# QEMU, busybox, gcc and the cloud kernel from scripts/install-deps.sh). Markdown goes to stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
MIB="${2:-512}"
JAR="$ROOT/cli/target/memvisor.jar"
"$ROOT/memvisor" --version >/dev/null   # builds the CLI jar if it is missing or stale
RUN_DIR="$(mktemp -d /tmp/memvisor-bench-migration.XXXXXX)"
trap 'rm -rf "$RUN_DIR"' EXIT
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(qemu-system-x86_64 --version | head -1)" >&2
java -cp "$JAR" dev.memvisor.qemu.migrate.MigrationBenchmark "$ROOT/qemu/target/guest-image" "$RUN_DIR" "$RUNS" "$MIB"
