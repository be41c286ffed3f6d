#!/usr/bin/env bash
# Runs every test: installs what the tests need (scripts/install-deps.sh), makes the shared data
# reachable as ../shared (scripts/link-shared.sh), then mvn verify.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/link-shared.sh"
exec mvn -B verify "$@"
