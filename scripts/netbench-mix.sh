#!/usr/bin/env bash
# netbench-mix.sh [LOADFILE]: the page-level mix of one dbench client, from its NetBench load file (default
# /usr/share/dbench/client.txt of Debian's dbench package): the inputs of examples/fidelity/idle-tax.yaml's VM2.
# Each ReadX/WriteX (fnum offset size ...) touches the 4 KiB pages it spans of the file NTCreateX opened as fnum;
# prints the file set (distinct pages), the share of page references that write, the pages a read spans, and the hot set: the most
# referenced pages that take 99 % of the references, with the Zipf exponent whose distribution over the hot set
# puts the same share of references on its hottest sixth, third and two thirds (least squares over s in 0.01 steps).
# Awk because the load file is plain text of 458,000 lines and no library reads NetBench load files.
set -euo pipefail
f="${1:-/usr/share/dbench/client.txt}"
[ -r "$f" ] || { echo "netbench-mix: cannot read $f (apt-get install dbench)" >&2; exit 1; }
tmp="$(mktemp)"; trap 'rm -f "$tmp" "$tmp.totals"' EXIT
awk -v totals="$tmp.totals" '
$1 == "NTCreateX" && $NF == "NT_STATUS_OK" { file[$5] = $2 }
$1 == "ReadX" {
    reads++; readPages += int(($3 + $4 - 1) / 4096) - int($3 / 4096) + 1
    if (($2 in ahead) && ahead[$2] == $3) sequential++
    ahead[$2] = $3 + $4
}
$1 == "Close" { delete ahead[$2] }
$1 == "ReadX" || $1 == "WriteX" {
    n = file[$2]; first = int($3 / 4096); last = int(($3 + $4 - 1) / 4096)
    for (p = first; p <= last; p++) { k = n ":" p; refs[k]++; if ($1 == "WriteX") writes++; total++ }
}
END {
    for (k in refs) print refs[k]
    printf "%d %d %d %d %d\n", total, writes, reads, readPages, sequential > totals
}' "$f" | sort -rn > "$tmp"
awk -v totals="$(cat "$tmp.totals")" '
{ c[++n] = $1; sum += $1 }
END {
    split(totals, t, " "); total = t[1]; writes = t[2]; reads = t[3]; readPages = t[4]; sequential = t[5]
    for (i = 1; i <= n; i++) { cum += c[i]; if (cum >= 0.99 * sum) { hot = i; break } }
    # the hot set'"'"'s own distribution: its share of references on the hottest sixth, third and two thirds
    h = 0; for (i = 1; i <= hot; i++) h += c[i]
    split("0.1667 0.3333 0.6667", q, " ")
    for (j = 1; j <= 3; j++) { s = 0; for (i = 1; i <= int(q[j] * hot); i++) s += c[i]; emp[j] = s / h }
    best = 0; bestErr = 1e9
    for (z = 0; z <= 2.0001; z += 0.01) {
        norm = 0; for (i = 1; i <= hot; i++) norm += i ^ -z
        err = 0
        for (j = 1; j <= 3; j++) { s = 0; for (i = 1; i <= int(q[j] * hot); i++) s += i ^ -z; err += (s / norm - emp[j]) ^ 2 }
        if (err < bestErr) { bestErr = err; best = z }
    }
    printf "page references %d, of which writes %d (writeFraction %.3f)\n", total, writes, writes / total
    printf "reads %d: %.2f pages each (readPages), %.1f %% continue the previous read of their file\n", reads, readPages / reads, 100 * sequential / reads
    printf "file set %d pages (%.1f MiB) per client\n", n, n * 4096 / 1048576
    printf "hot set %d pages (%.1f MiB) per client: %.3f of references\n", hot, hot * 4096 / 1048576, cum / sum
    printf "hot set shares on its hottest 1/6, 1/3, 2/3: %.3f %.3f %.3f; Zipf exponent %.2f\n", emp[1], emp[2], emp[3], best
}' "$tmp"
