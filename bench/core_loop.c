/*
 * The irreducible work of `memvisor bench`'s core-loop scenario (BenchScenarios.coreLoop: one VM of
 * 2 GiB, 256 MiB of image in its page cache, a 1800 MiB working set populated by writes, then Zipf 0.8
 * references with 20 % writes at 50 M refs/s, 100 ms steps, 8 simulated seconds), written as plainly as
 * C allows: the limit memvisor's reference loop is measured against (bench/core-loop-limit.sh).
 *
 * Per guest page one state byte (backed, use, written, reference bit); per virtual page one int (the
 * guest page table); the guest's free pages handed out in memvisor's order, then CLOCK over the page
 * cache and anonymous pages; SplitMix64 (the simulator's Rng) seeded as VM 1 of seed 1, the same
 * 4,096-quantile Zipf table (ZipfTable), the same batches of 256 references and the same time budget
 * per step (a reference costs 20 ns, a fault the hypervisor handles 4 us more), so it makes exactly as
 * many references as memvisor does (it prints them; the driver checks). What it leaves out is what
 * memvisor adds: the host's frame accounting, sharing, swap, the guest's balloon, CPU accounting.
 * The random stream is not memvisor's draw for draw (memvisor's guest timer draws from the same
 * generator between steps), so the references differ but follow the same distribution.
 *
 * Build: gcc -O3 -march=native -o core_loop core_loop.c -lm (as bench/core-loop-limit.sh does). Output: "refs N cpu_s S" (process CPU of the work).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PAGES 524288      /* 2 GiB of 4 KiB pages */
#define OS_PAGES 65536    /* 256 MiB of image loaded into the page cache at boot */
#define WS 460800         /* 1800 MiB working set */
#define STEPS 80          /* 8 s of 100 ms steps */
#define STEP_NS 1e8
#define NS_PER_REF 20.0   /* 50 M refs/s */
#define FAULT_NS 4000.0   /* host.faultOverhead */
#define GUEST_SWAP_NS 5e6 /* guest.swapLatency */
#define WORK_REFS 400000000L
#define BUF 256
#define ZBITS 12

enum { BACKED = 1, CACHE = 2, ANON = 4, KIND = 6, WRITTEN = 8, REF = 16 };
#define NOT_PRESENT (-1)
#define IN_SWAP (-2)

static uint8_t *st;
static int32_t *vmap, *rmap;
static int next_free, hand;
static uint64_t rng_state;
static int zq[(1 << ZBITS) + 1];

static uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void zipf_table(int n, double s) {
    double a = 1 - s, top = pow(n + 1.0, a) - 1;
    for (int i = 0; i <= 1 << ZBITS; i++) {
        double x = pow(1 + (double) i / (1 << ZBITS) * top, 1 / a) - 1;
        zq[i] = (int) fmin(n, fmax(0, floor(x)));
    }
}

static int zipf_sample(uint64_t r, int n) {
    int b = (int) (r >> (64 - ZBITS)), lo = zq[b], span = zq[b + 1] - lo;
    int rank = span <= 0 ? lo : lo + (int) ((((r >> 16) & 0xFFFFFFFFULL) * (uint64_t) span) >> 32);
    return rank < n ? rank : n - 1;
}

/* the application's next references: first its working set in order (writes), then Zipf */
static long work_left = WORK_REFS;
static int touched;
static int fill(int32_t *buf) {
    int len = work_left < BUF ? (int) work_left : BUF, i = 0;
    while (touched < WS && i < len) buf[i++] = touched++ << 1 | 1;
    for (; i < len; i++) {
        uint64_t r = rng_next();
        buf[i] = zipf_sample(r, WS) << 1 | ((((int) r) & 0xFFFF) < 13107 ? 1 : 0);
    }
    work_left -= len;
    return len;
}

/* a free guest page: the free list in memvisor's order, else CLOCK (second chance) over cache and anonymous pages */
static int alloc_page(double *stall) {
    if (next_free < PAGES) return next_free++;
    for (;;) {
        int g = hand;
        hand = g + 1 == PAGES ? 0 : g + 1;
        uint8_t s = st[g];
        if (!(s & KIND)) continue;
        if (s & REF) { st[g] = s & ~REF; continue; }
        if (s & ANON) vmap[rmap[g]] = IN_SWAP;
        st[g] = s & BACKED;
        return g;
    }
    (void) stall;
}

static int fault(int vpn, double *stall) {
    if (vmap[vpn] == IN_SWAP) *stall += GUEST_SWAP_NS;
    int g = alloc_page(stall);
    if (!(st[g] & BACKED)) *stall += FAULT_NS;
    st[g] = BACKED | ANON;
    vmap[vpn] = g;
    rmap[g] = vpn;
    return g;
}

int main(void) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    st = calloc(PAGES, 1);
    vmap = malloc(sizeof(int32_t) * WS);
    rmap = malloc(sizeof(int32_t) * PAGES);
    for (int v = 0; v < WS; v++) vmap[v] = NOT_PRESENT;
    for (int g = 0; g < OS_PAGES; g++) st[next_free++] = BACKED | CACHE;
    rng_state = 1 * 0x9E3779B97F4A7C15ULL + 1 * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL;
    for (int i = 0; i < 100; i++) rng_next(); /* memvisor's active-memory sampler draws first */
    zipf_table(WS, 0.8);

    static int32_t buf[BUF];
    int pos = 0, len = 0;
    long refs = 0;
    double carry = 0;
    for (int step = 0; step < STEPS; step++) {
        double avail = STEP_NS + carry;
        while (avail > 0) {
            if (pos == len) {
                len = fill(buf);
                pos = 0;
                if (len == 0) { avail = 0; break; }
            }
            int r = buf[pos++], vpn = r >> 1;
            double c = NS_PER_REF;
            int g = vmap[vpn];
            if (g < 0) g = fault(vpn, &c);
            uint8_t s = st[g];
            st[g] = s | REF | (r & 1 ? WRITTEN : 0);
            avail -= c;
            refs++;
        }
        carry = avail < 0 ? avail : 0;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    printf("refs %ld cpu_s %.4f\n", refs, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    free(st);
    free(vmap);
    free(rmap);
    return 0;
}
