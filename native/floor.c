/*
 * floor.c: the syscall floor for durafile's benchmarks.
 *
 * Makes exactly the system calls of durafile's write protocol for one atomic write, and of a direct
 * in-place write for comparison, times each write with clock_gettime(CLOCK_MONOTONIC) over N
 * iterations after a warm-up, and prints one JSON document with the median, p99, p99.9 and mean per
 * (mode, size) in microseconds per write, the unit the JMH benchmarks report. benchmarks/run.sh runs
 * it on the same directory, in the same session, as the JMH suite; benchmarks/report.py compares them.
 *
 * Modes (one write each):
 *   direct         open(target, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC), write loop, close
 *                  (what Files.write does, without its fstat)
 *   direct_fsync   the same plus fsync before close (FileChannel.force(true))
 *   none           durafile's calls at NONE, checks included (10 calls):
 *                  open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC), statx(dir, target, AT_SYMLINK_NOFOLLOW),
 *                  openat(dir, temp, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0644),
 *                  statx(temp fd, "", AT_EMPTY_PATH) (its owner, group and mode), flistxattr(temp fd)
 *                  (an ACL inherited from a default ACL), write loop, close(temp),
 *                  statx(dir, temp, AT_SYMLINK_NOFOLLOW) (the name still refers to the file written),
 *                  renameat(dir, temp, dir, target), close(dir)
 *   atomic         none plus fdatasync(temp) before close(temp)
 *   durable        atomic plus fsync(dir) after renameat
 *   bare_none, bare_atomic, bare_durable
 *                  the same without the three statx calls and the flistxattr: the protocol of a writer
 *                  that trusts its directory (7, 8 and 9 calls), for what the checks cost in C
 *
 * Threaded mode (-t THREADS): THREADS threads, each replacing its own file (floor-target-<i>.dat) in
 * DIR for -T SECONDS with the one mode -m names, after a second of warm-up; prints the writes per
 * second of all threads together, as JSON. For GroupCommitThroughputBenchmark: 16 threads at durable
 * against 16 at direct_fsync.
 *
 * Usage: floor -d DIR [-n ITERATIONS] [-w WARMUP] [-s SIZE[,SIZE...]] [-m MODE[,MODE...]]
 *        floor -d DIR -t THREADS [-T SECONDS] [-s SIZE] -m MODE
 *   defaults: -n 200 -w 20 -s 1024,65536,1048576 -m direct,direct_fsync,none,atomic,durable; -T 5
 * Build:  gcc -O2 -Wall -Wextra -pthread -o floor floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

enum mode { DIRECT, DIRECT_FSYNC, NONE, ATOMIC, DURABLE, BARE_NONE, BARE_ATOMIC, BARE_DURABLE, MODE_COUNT };

static const char *const MODE_NAMES[MODE_COUNT] = {"direct", "direct_fsync", "none", "atomic", "durable",
                                                   "bare_none", "bare_atomic", "bare_durable"};

static const char *const TARGET = "floor-target.dat";

static void die(const char *what, const char *name) {
    fprintf(stderr, "floor: %s %s: %s\n", what, name, strerror(errno));
    exit(1);
}

static void write_all(int fd, const char *buf, size_t len, const char *name) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("write", name);
        }
        buf += n;
        len -= (size_t) n;
    }
}

static void direct_write(int dirfd, enum mode m, const char *buf, size_t len, const char *target) {
    int fd = openat(dirfd, target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        die("open", target);
    }
    write_all(fd, buf, len, target);
    if (m == DIRECT_FSYNC && fsync(fd) != 0) {
        die("fsync", target);
    }
    if (close(fd) != 0) {
        die("close", target);
    }
}

/* A temp name as long as durafile's: <target>.tmp.<36 characters, as a UUID's text>. */
static void temp_name(char *out, size_t cap, const char *target, unsigned long counter) {
    snprintf(out, cap, "%s.tmp.%016lx-%08lx-%08lx", target, counter * 0x9e3779b97f4a7c15UL,
             counter >> 32, counter & 0xffffffffUL);
}

/* What durafile asks statx for: type, mode, link count, owner, group, inode. */
#define STATX_ASKED (STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_GID | STATX_INO)

static void stat_at(int dirfd, const char *name, int flags, struct statx *out) {
    if (statx(dirfd, name, flags, STATX_ASKED, out) != 0 && errno != ENOENT) {
        die("statx", name);
    }
}

static void atomic_write(const char *dir, enum mode m, const char *buf, size_t len, unsigned long counter,
                         const char *target) {
    int checked = m == NONE || m == ATOMIC || m == DURABLE;
    int syncs_file = m == ATOMIC || m == DURABLE || m == BARE_ATOMIC || m == BARE_DURABLE;
    int syncs_dir = m == DURABLE || m == BARE_DURABLE;
    char temp[320];
    struct statx st;
    temp_name(temp, sizeof temp, target, counter);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        die("open directory", dir);
    }
    if (checked) {
        stat_at(dirfd, target, AT_SYMLINK_NOFOLLOW, &st);
    }
    int fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        die("create", temp);
    }
    if (checked) {
        stat_at(fd, "", AT_EMPTY_PATH, &st);
        if (flistxattr(fd, NULL, 0) < 0 && errno != ENOTSUP) {
            die("flistxattr", temp);
        }
    }
    write_all(fd, buf, len, temp);
    if (syncs_file && fdatasync(fd) != 0) {
        die("fdatasync", temp);
    }
    if (close(fd) != 0) {
        die("close", temp);
    }
    if (checked) {
        stat_at(dirfd, temp, AT_SYMLINK_NOFOLLOW, &st);
    }
    if (renameat(dirfd, temp, dirfd, target) != 0) {
        die("rename", temp);
    }
    if (syncs_dir && fsync(dirfd) != 0) {
        die("fsync directory", dir);
    }
    if (close(dirfd) != 0) {
        die("close directory", dir);
    }
}

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *) a;
    double y = *(const double *) b;
    return (x > y) - (x < y);
}

/* The value at quantile q of sorted samples: nearest rank, as JMH's percentiles. */
static double quantile(const double *sorted, int n, double q) {
    int rank = (int) (q * n + 0.999999);
    if (rank < 1) {
        rank = 1;
    }
    return sorted[(rank > n ? n : rank) - 1];
}

static void write_once(const char *dir, int dirfd, enum mode m, const char *buf, size_t len, unsigned long counter,
                       const char *target) {
    if (m == DIRECT || m == DIRECT_FSYNC) {
        direct_write(dirfd, m, buf, len, target);
    } else {
        atomic_write(dir, m, buf, len, counter, target);
    }
}

static double run_once(const char *dir, int dirfd, enum mode m, const char *buf, size_t len, unsigned long *counter) {
    double start = now_us();
    write_once(dir, dirfd, m, buf, len, (*counter)++, TARGET);
    return now_us() - start;
}

/* One thread of the threaded mode. */
struct writer {
    pthread_t thread;
    int index;
    unsigned long writes;
};

static const char *t_dir;
static int t_dirfd;
static enum mode t_mode;
static const char *t_buf;
static size_t t_len;
static atomic_int t_counting;
static atomic_int t_stop;

static void *writer_main(void *arg) {
    struct writer *w = arg;
    char target[64];
    snprintf(target, sizeof target, "floor-target-%d.dat", w->index);
    unsigned long counter = ((unsigned long) getpid() << 40) | ((unsigned long) w->index << 32);
    while (!atomic_load(&t_stop)) {
        write_once(t_dir, t_dirfd, t_mode, t_buf, t_len, counter++, target);
        if (atomic_load(&t_counting)) {
            w->writes++;
        }
    }
    if (unlinkat(t_dirfd, target, 0) != 0 && errno != ENOENT) {
        die("unlink", target);
    }
    return NULL;
}

static void sleep_seconds(double s) {
    struct timespec t = {(time_t) s, (long) ((s - (double) (time_t) s) * 1e9)};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

/* Runs THREADS writers for `seconds` after a second of warm-up; prints their writes per second. */
static void run_threads(int threads, double seconds) {
    struct writer *w = calloc((size_t) threads, sizeof *w);
    if (w == NULL) {
        die("calloc", "writers");
    }
    for (int i = 0; i < threads; i++) {
        w[i].index = i;
        errno = pthread_create(&w[i].thread, NULL, writer_main, &w[i]);
        if (errno != 0) {
            die("pthread_create", "writer");
        }
    }
    sleep_seconds(1);
    atomic_store(&t_counting, 1);
    double start = now_us();
    sleep_seconds(seconds);
    atomic_store(&t_counting, 0);
    double elapsed = (now_us() - start) / 1e6;
    atomic_store(&t_stop, 1);
    unsigned long total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(w[i].thread, NULL);
        total += w[i].writes;
    }
    printf("{\"mode\": \"%s\", \"size\": %zu, \"threads\": %d, \"seconds\": %.3f, \"writes\": %lu, "
           "\"writes_per_s\": %.1f}\n", MODE_NAMES[t_mode], t_len, threads, elapsed, total, (double) total / elapsed);
    free(w);
}

static int parse_list(char *arg, long *out, int cap, int modes) {
    int n = 0;
    for (char *tok = strtok(arg, ","); tok != NULL && n < cap; tok = strtok(NULL, ",")) {
        if (!modes) {
            out[n++] = strtol(tok, NULL, 10);
            continue;
        }
        int found = -1;
        for (int i = 0; i < MODE_COUNT; i++) {
            if (strcmp(tok, MODE_NAMES[i]) == 0) {
                found = i;
            }
        }
        if (found < 0) {
            fprintf(stderr, "floor: unknown mode %s\n", tok);
            exit(2);
        }
        out[n++] = found;
    }
    return n;
}

static char *content(size_t len) {
    char *buf = malloc(len);
    if (buf == NULL) {
        die("malloc", "buffer");
    }
    for (size_t i = 0; i < len; i++) {
        buf[i] = (char) ('a' + i % 26);
    }
    return buf;
}

static void usage(void) {
    fprintf(stderr, "usage: floor -d DIR [-n ITERATIONS] [-w WARMUP] [-s SIZES] [-m MODES]\n"
                    "       floor -d DIR -t THREADS [-T SECONDS] [-s SIZE] -m MODE\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *dir = NULL;
    int iterations = 200;
    int warmup = 20;
    long sizes[16] = {1024, 65536, 1048576};
    int size_count = 3;
    long modes[MODE_COUNT] = {DIRECT, DIRECT_FSYNC, NONE, ATOMIC, DURABLE};
    int mode_count = 5;
    int threads = 0;
    double seconds = 5;
    int opt;
    while ((opt = getopt(argc, argv, "d:n:w:s:m:t:T:")) != -1) {
        switch (opt) {
            case 'd': dir = optarg; break;
            case 'n': iterations = atoi(optarg); break;
            case 'w': warmup = atoi(optarg); break;
            case 's': size_count = parse_list(optarg, sizes, 16, 0); break;
            case 'm': mode_count = parse_list(optarg, modes, MODE_COUNT, 1); break;
            case 't': threads = atoi(optarg); break;
            case 'T': seconds = atof(optarg); break;
            default: usage();
        }
    }
    if (dir == NULL || iterations < 1 || warmup < 0 || threads < 0 || seconds <= 0) {
        usage();
    }
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        die("open directory", dir);
    }
    if (threads > 0) {
        if (mode_count != 1 || size_count < 1) {
            usage();
        }
        t_dir = dir;
        t_dirfd = dirfd;
        t_mode = (enum mode) modes[0];
        t_len = (size_t) sizes[0];
        t_buf = content(t_len);
        run_threads(threads, seconds);
        close(dirfd);
        return 0;
    }
    double *samples = malloc(sizeof(double) * (size_t) iterations);
    if (samples == NULL) {
        die("malloc", "samples");
    }
    unsigned long counter = (unsigned long) getpid() << 32;
    printf("{\"unit\": \"us/op\", \"iterations\": %d, \"warmup\": %d, \"results\": [", iterations, warmup);
    const char *sep = "\n";
    for (int si = 0; si < size_count; si++) {
        size_t len = (size_t) sizes[si];
        char *buf = content(len);
        for (int mi = 0; mi < mode_count; mi++) {
            enum mode m = (enum mode) modes[mi];
            for (int i = 0; i < warmup; i++) {
                run_once(dir, dirfd, m, buf, len, &counter);
            }
            double sum = 0;
            for (int i = 0; i < iterations; i++) {
                samples[i] = run_once(dir, dirfd, m, buf, len, &counter);
                sum += samples[i];
            }
            qsort(samples, (size_t) iterations, sizeof(double), compare_doubles);
            printf("%s  {\"mode\": \"%s\", \"size\": %zu, \"p50\": %.3f, \"p99\": %.3f, \"p999\": %.3f, "
                   "\"mean\": %.3f, \"min\": %.3f, \"max\": %.3f}",
                   sep, MODE_NAMES[m], len, quantile(samples, iterations, 0.5), quantile(samples, iterations, 0.99),
                   quantile(samples, iterations, 0.999), sum / iterations, samples[0], samples[iterations - 1]);
            sep = ",\n";
            fflush(stdout);
        }
        free(buf);
    }
    printf("\n]}\n");
    free(samples);
    if (unlinkat(dirfd, TARGET, 0) != 0 && errno != ENOENT) {
        die("unlink", TARGET);
    }
    close(dirfd);
    return 0;
}
