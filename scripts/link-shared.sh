#!/usr/bin/env bash
# Makes the shared data (traces, exports: ../shared/data, read in place, never copied) reachable as
# ../shared from the checkout, where the tests and examples look for it. Nothing to do when it is
# there. Otherwise, for a checkout cloned elsewhere (a scratch folder), it links ../shared to the
# first of: $MEMVISOR_SHARED; the shared folder next to the checkout this one was cloned from
# (git remote origin, when that is a local path). Prints what it linked; exits 1 with what to do
# when it finds nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LINK="$(dirname "$ROOT")/shared"
[ -d "$LINK/data" ] && exit 0

candidates=()
[ -n "${MEMVISOR_SHARED:-}" ] && candidates+=("$MEMVISOR_SHARED")
origin="$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)"
origin="${origin#file://}"
if [ -n "$origin" ] && [ -d "$origin" ]; then
    candidates+=("$(cd "$origin" && git rev-parse --show-toplevel 2>/dev/null || pwd)/../shared")
fi
for c in "${candidates[@]}"; do
    if [ -d "$c/data" ]; then
        target="$(cd "$c" && pwd)"
        if [ -e "$LINK" ] || [ -L "$LINK" ]; then
            echo "memvisor: $LINK exists but has no data/ folder; the shared data is in $target" >&2; exit 1
        fi
        ln -s "$target" "$LINK"
        echo "memvisor: linked $LINK -> $target (the shared data, read in place)" >&2
        exit 0
    fi
done
echo "memvisor: the shared data (traces, exports) is not at $LINK/data; set MEMVISOR_SHARED to the folder holding data/" >&2
exit 1
