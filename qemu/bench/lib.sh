# Pieces the bench scripts that swap share (sourced, not run): a swap file when the host has none, and
# zswap's settings saved when sourced and put back by bench_zswap_restore. The caller's EXIT trap calls
# bench_zswap_restore and bench_swap_remove, so nothing is left behind when a run fails.
BENCH_ZSWAP=/sys/module/zswap/parameters
BENCH_SWAP=""
BENCH_ZSWAP_SAVED="$(cat $BENCH_ZSWAP/enabled $BENCH_ZSWAP/compressor $BENCH_ZSWAP/max_pool_percent | tr '\n' ' ')"

# zswap's settings as found: compressor and pool cap while it is off, then enabled as found.
bench_zswap_restore() {
    local en comp pool
    read -r en comp pool <<<"$BENCH_ZSWAP_SAVED"
    echo N > $BENCH_ZSWAP/enabled; echo "$comp" > $BENCH_ZSWAP/compressor; echo "$pool" > $BENCH_ZSWAP/max_pool_percent
    echo "$en" > $BENCH_ZSWAP/enabled
}

# A 1 GiB swap file in /var/tmp when the host has no swap; swap already active is used and never touched.
bench_swap_ensure() {
    if [ "$(tail -n +2 /proc/swaps | wc -l)" = 0 ]; then
        BENCH_SWAP=/var/tmp/memvisor-bench-$$.swap
        fallocate -l 1G "$BENCH_SWAP"; chmod 600 "$BENCH_SWAP"; mkswap "$BENCH_SWAP" >/dev/null; swapon "$BENCH_SWAP"
    fi
}

# Switches off and deletes the swap file bench_swap_ensure made, if it made one.
bench_swap_remove() {
    if [ -n "$BENCH_SWAP" ]; then swapoff "$BENCH_SWAP" 2>/dev/null || true; rm -f "$BENCH_SWAP"; fi
}
