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
 *   none           open(dir, O_RDONLY|O_DIRECTORY|O_CLOEXEC),
 *                  openat(dir, temp, O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0644), write loop,
 *                  close(temp), renameat(dir, temp, dir, target), close(dir)
 *   atomic         none plus fdatasync(temp) before close(temp)
 *   durable        atomic plus fsync(dir) after renameat
 *
 * Usage: floor -d DIR [-n ITERATIONS] [-w WARMUP] [-s SIZE[,SIZE...]] [-m MODE[,MODE...]]
 *   defaults: -n 200 -w 20 -s 1024,65536,1048576 -m direct,direct_fsync,none,atomic,durable
 * Build:  gcc -O2 -Wall -Wextra -o floor floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum mode { DIRECT, DIRECT_FSYNC, NONE, ATOMIC, DURABLE, MODE_COUNT };

static const char *const MODE_NAMES[MODE_COUNT] = {"direct", "direct_fsync", "none", "atomic", "durable"};

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

static void direct_write(int dirfd, enum mode m, const char *buf, size_t len) {
    int fd = openat(dirfd, TARGET, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        die("open", TARGET);
    }
    write_all(fd, buf, len, TARGET);
    if (m == DIRECT_FSYNC && fsync(fd) != 0) {
        die("fsync", TARGET);
    }
    if (close(fd) != 0) {
        die("close", TARGET);
    }
}

/* A temp name as long as durafile's: <target>.tmp.<32 hex digits>. */
static void temp_name(char *out, size_t cap, unsigned long counter) {
    snprintf(out, cap, "%s.tmp.%016lx%016lx", TARGET, counter * 0x9e3779b97f4a7c15UL, counter);
}

static void atomic_write(const char *dir, enum mode m, const char *buf, size_t len, unsigned long counter) {
    char temp[256];
    temp_name(temp, sizeof temp, counter);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        die("open directory", dir);
    }
    int fd = openat(dirfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        die("create", temp);
    }
    write_all(fd, buf, len, temp);
    if (m != NONE && fdatasync(fd) != 0) {
        die("fdatasync", temp);
    }
    if (close(fd) != 0) {
        die("close", temp);
    }
    if (renameat(dirfd, temp, dirfd, TARGET) != 0) {
        die("rename", temp);
    }
    if (m == DURABLE && fsync(dirfd) != 0) {
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

static double run_once(const char *dir, int dirfd, enum mode m, const char *buf, size_t len, unsigned long *counter) {
    double start = now_us();
    if (m == DIRECT || m == DIRECT_FSYNC) {
        direct_write(dirfd, m, buf, len);
    } else {
        atomic_write(dir, m, buf, len, (*counter)++);
    }
    return now_us() - start;
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

int main(int argc, char **argv) {
    const char *dir = NULL;
    int iterations = 200;
    int warmup = 20;
    long sizes[16] = {1024, 65536, 1048576};
    int size_count = 3;
    long modes[MODE_COUNT] = {DIRECT, DIRECT_FSYNC, NONE, ATOMIC, DURABLE};
    int mode_count = MODE_COUNT;
    int opt;
    while ((opt = getopt(argc, argv, "d:n:w:s:m:")) != -1) {
        switch (opt) {
            case 'd': dir = optarg; break;
            case 'n': iterations = atoi(optarg); break;
            case 'w': warmup = atoi(optarg); break;
            case 's': size_count = parse_list(optarg, sizes, 16, 0); break;
            case 'm': mode_count = parse_list(optarg, modes, MODE_COUNT, 1); break;
            default:
                fprintf(stderr, "usage: floor -d DIR [-n ITERATIONS] [-w WARMUP] [-s SIZES] [-m MODES]\n");
                return 2;
        }
    }
    if (dir == NULL || iterations < 1 || warmup < 0) {
        fprintf(stderr, "usage: floor -d DIR [-n ITERATIONS] [-w WARMUP] [-s SIZES] [-m MODES]\n");
        return 2;
    }
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        die("open directory", dir);
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
        char *buf = malloc(len);
        if (buf == NULL) {
            die("malloc", "buffer");
        }
        for (size_t i = 0; i < len; i++) {
            buf[i] = (char) ('a' + i % 26);
        }
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
