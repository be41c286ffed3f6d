/*
 * mvload: the memvisor guest's workload and CPU reporter (static, no dependencies).
 *   mvload touch SIZE RATE FILL  touch a working set of SIZE bytes (K/M/G suffixes) at RATE pages
 *                                per second (0 = once, then hold it); FILL = same|unique|zero|half
 *                                (half: unique bytes in the first 2 KiB, zeros after, so a page
 *                                compresses to about half, ESX's 2 KB compression threshold).
 *                                Prints "mvload: t=<s> touched=<pages> ws=<bytes> pass=<n>" every 5 s.
 *   mvload work FILL STEP SCHED CACHEDEV PERMILLE
 *                                the paced workload: SCHED is WS:RATE[,WS:RATE...], each entry held STEP
 *                                seconds, then the next, repeated; an operation reads a random page of the
 *                                working set (and writes one word of it when FILL is unique), and PERMILLE
 *                                of them also read a random 4 KiB block of CACHEDEV ("none": no cache), read
 *                                whole once at start so it sits in the page cache. RATE operations a second
 *                                in ticks of 100 ms; a tick late by more than a tick is dropped, so a stalled
 *                                guest does fewer. Prints "mvload: t=<s> ops=<total> ws=<bytes> rate=<r>"
 *                                every second: its progress.
 *   mvload cpu DEV SECONDS       every SECONDS write to DEV one "MVCPU" line from /proc/stat, one
 *                                "MVPROC" line per process and an "MVEND" line (format in README).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mman.h>
#include <fcntl.h>

static long long parse_size(const char *s) {
    char *end;
    long long v = strtoll(s, &end, 10);
    switch (*end) {
        case 'k': case 'K': v <<= 10; break;
        case 'm': case 'M': v <<= 20; break;
        case 'g': case 'G': v <<= 30; break;
    }
    return v;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill_page(unsigned char *p, long page, const char *mode, unsigned long long pass) {
    if (strcmp(mode, "zero") == 0) { p[0] = 0; p[4095] = 0; return; }
    int half = strcmp(mode, "half") == 0;
    unsigned long long seed = half || strcmp(mode, "unique") == 0 ? (unsigned long long)getpid() * 2654435761ULL + pass : 0;
    unsigned long long x = (page + 1) * 0x9E3779B97F4A7C15ULL ^ seed;
    int random_bytes = half ? 2048 : 4096;
    for (int i = 0; i < random_bytes; i += 8) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; memcpy(p + i, &x, 8); }
    if (half) memset(p + 2048, 0, 2048);
}

static int touch(long long size, long rate, const char *mode) {
    long pages = size / 4096;
    unsigned char *ws = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ws == MAP_FAILED) { printf("mvload: cannot map %lld bytes\n", size); return 1; }
    double start = now_s(), next_print = start + 5;
    unsigned long long touched = 0, pass = 0;
    long next = 0;
    if (rate <= 0) {
        for (long i = 0; i < pages; i++) fill_page(ws + i * 4096, i, mode, 0);
        printf("mvload: filled ws=%lld pages=%ld\n", size, pages);
        fflush(stdout);
        for (;;) pause();
    }
    for (;;) {
        long batch = rate / 10 > 0 ? rate / 10 : 1;
        for (long i = 0; i < batch; i++) {
            fill_page(ws + next * 4096, next, mode, pass);
            touched++;
            if (++next == pages) { next = 0; pass++; }
        }
        double t = now_s();
        if (t >= next_print) {
            printf("mvload: t=%.0f touched=%llu ws=%lld pass=%llu\n", t - start, touched, size, pass);
            fflush(stdout);
            next_print += 5;
        }
        usleep(100000);
    }
}

static unsigned long long rnd_state;
static unsigned long long rnd(void) {
    rnd_state ^= rnd_state << 13; rnd_state ^= rnd_state >> 7; rnd_state ^= rnd_state << 17;
    return rnd_state;
}

#define MAX_STEPS 256
static int work(const char *mode, double step, const char *sched, const char *cachedev, long permille) {
    long long ws[MAX_STEPS]; long rate[MAX_STEPS]; int n = 0;
    long long maxws = 0;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", sched);
    for (char *e = strtok(buf, ","); e && n < MAX_STEPS; e = strtok(NULL, ",")) {
        char *colon = strchr(e, ':');
        if (!colon) { printf("mvload: bad schedule entry %s (expected WS:RATE)\n", e); return 2; }
        *colon = 0;
        ws[n] = parse_size(e) / 4096 * 4096;
        rate[n] = atol(colon + 1);
        if (ws[n] > maxws) maxws = ws[n];
        n++;
    }
    if (n == 0 || step <= 0) { printf("mvload: empty schedule\n"); return 2; }
    unsigned char *base = maxws > 0 ? mmap(NULL, maxws, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;
    if (base == MAP_FAILED) { printf("mvload: cannot map %lld bytes\n", maxws); return 1; }
    rnd_state = ((unsigned long long)getpid() * 2654435761ULL ^ (unsigned long long)(now_s() * 1e6)) | 1;
    int unique = strcmp(mode, "unique") == 0;
    int cache = -1; long long cache_blocks = 0;
    if (strcmp(cachedev, "none") != 0) {
        cache = open(cachedev, O_RDONLY);
        if (cache < 0) { printf("mvload: cannot open cache %s\n", cachedev); return 1; }
        long long bytes = lseek(cache, 0, SEEK_END);
        cache_blocks = bytes / 4096;
        static char chunk[65536];
        long long done = 0;
        for (long long off = 0; off < bytes; off += sizeof chunk) {
            ssize_t r = pread(cache, chunk, sizeof chunk, off);
            if (r <= 0) break;
            done += r;
        }
        printf("mvload: cache %s read %lld bytes\n", cachedev, done);
    }
    long populated = 0;
    unsigned long long ops = 0, pass = 0;
    double start = now_s(), tick = start, next_print = start + 1, owed = 0;
    volatile unsigned long long sink = 0;
    for (;;) {
        double t = now_s();
        int i = (int)((long long)((t - start) / step) % n);
        long want = (long)(ws[i] / 4096);
        if (want > populated) {
            for (long p = populated; p < want; p++) fill_page(base + p * 4096, p, mode, pass);
            populated = want;
        } else if (want < populated) {
            madvise(base + want * 4096, (populated - want) * 4096, MADV_DONTNEED);
            populated = want;
            pass++;
        }
        owed += rate[i] / 10.0;
        long batch = (long)owed;
        owed -= batch;
        for (long k = 0; k < batch; k++) {
            if (populated > 0) {
                unsigned long long *w = (unsigned long long *)(base + (rnd() % populated) * 4096);
                for (int j = 0; j < 512; j += 32) sink += w[j];
                if (unique) w[rnd() % 512] ^= rnd() | 1;
            }
            if (cache >= 0 && cache_blocks > 0 && (long)(rnd() % 1000) < permille) {
                if (pread(cache, buf, 4096, (long long)(rnd() % cache_blocks) * 4096) > 0) sink += buf[0];
            }
        }
        ops += batch;
        t = now_s();
        if (t >= next_print) {
            printf("mvload: t=%.1f ops=%llu ws=%lld rate=%ld\n", t - start, ops, (long long)populated * 4096, rate[i]);
            fflush(stdout);
            next_print += 1;
            if (next_print < t) next_print = t + 1;
        }
        tick += 0.1;
        if (t > tick + 0.1) tick = t;   /* more than a tick late: the missed ticks are dropped */
        if (tick > t) usleep((useconds_t)((tick - t) * 1e6));
    }
}

static void cpu_report(FILE *out) {
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts);
    long long ms = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
    char line[512];
    FILE *st = fopen("/proc/stat", "r");
    if (st && fgets(line, sizeof line, st) && strncmp(line, "cpu ", 4) == 0) {
        /* the kernel pads "cpu" with two spaces; print single-space separated fields */
        fprintf(out, "MVCPU %lld", ms);
        for (char *tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n")) fprintf(out, " %s", tok);
        fputc('\n', out);
    }
    if (st) fclose(st);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        if (fgets(line, sizeof line, f)) {
            char *open = strchr(line, '('), *close = strrchr(line, ')');
            if (open && close) {
                *close = 0;
                unsigned long utime = 0, stime = 0;
                /* after ") " come state (field 3) ... utime is field 14, stime field 15 */
                sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime);
                for (char *c = open + 1; *c; c++) if (*c == ' ') *c = '_';
                fprintf(out, "MVPROC %lld %s %s %lu %lu\n", ms, e->d_name, open + 1, utime, stime);
            }
        }
        fclose(f);
    }
    if (d) closedir(d);
    fprintf(out, "MVEND %lld %ld\n", ms, sysconf(_SC_CLK_TCK));
    fflush(out);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 5 && strcmp(argv[1], "touch") == 0) return touch(parse_size(argv[2]), atol(argv[3]), argv[4]);
    if (argc == 7 && strcmp(argv[1], "work") == 0) return work(argv[2], atof(argv[3]), argv[4], argv[5], atol(argv[6]));
    if (argc == 4 && strcmp(argv[1], "cpu") == 0) {
        FILE *out = fopen(argv[2], "w");
        if (!out) { printf("mvload: cannot open %s\n", argv[2]); return 1; }
        int every = atoi(argv[3]);
        for (;;) { cpu_report(out); sleep(every > 0 ? every : 1); }
    }
    fprintf(stderr, "usage: mvload touch SIZE RATE same|unique|zero|half | mvload work FILL STEP SCHED CACHEDEV PERMILLE | mvload cpu DEV SECONDS\n");
    return 2;
}
