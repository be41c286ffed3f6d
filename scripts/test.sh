#!/usr/bin/env bash
# Runs every test: installs what the tests need (scripts/install-deps.sh), then mvn verify.
# The data the tests read is in the repository (data/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
"$ROOT/scripts/install-deps.sh"
exec mvn -B verify "$@"
