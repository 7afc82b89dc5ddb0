/*
 * batch.c: the floor of a batch of durable replacements, against the same files written one by one.
 *
 * Replaces N files of 1 KiB in one directory, alternately:
 *   sequential  per file: openat(temp, O_CREAT|O_EXCL), write, fdatasync, close, renameat over the
 *               file, fsync(dir): two sync rounds per file, as N durafile writes at DURABLE
 *   batch       the transaction's protocol: every temp created and written and an intent record of
 *               96 bytes per file appended (the staging); one round in which the record, every temp
 *               and the directory are synced at once (32 threads); each temp exchanged with its file
 *               (renameat2 RENAME_EXCHANGE); fsync(dir); the replaced versions unlinked from 4 threads;
 *               the record unlinked
 * and prints, as JSON, the median milliseconds per batch of each and their ratio. benchmarks/run.sh runs
 * it beside BatchBenchmark, on the same directory: what the protocol costs in C on this disk bounds the
 * ratio any library can reach with it.
 *
 * Usage: batch DIR FILES OPERATIONS
 * Build: gcc -O2 -Wall -Wextra -pthread -o batch batch.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { SIZE = 1024, RECORD_ENTRY = 96, SYNC_THREADS = 32, REMOVE_THREADS = 4, MAX_FILES = 10000 };

static int dir;
static int files;
static int temps[MAX_FILES + 1];
static atomic_int next_index;
static char data[SIZE];

static void die(const char *what, int i) {
    fprintf(stderr, "batch: %s (file %d): %s\n", what, i, strerror(errno));
    exit(1);
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void name(char *out, size_t size, int i, const char *suffix) {
    snprintf(out, size, "f%d%s", i, suffix);
}

static int create(int i, const char *n) {
    int fd = openat(dir, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        die("openat", i);
    }
    if (write(fd, data, SIZE) != SIZE) {
        die("write", i);
    }
    return fd;
}

/* Index files is the record, files + 1 the directory, the others the temps. */
static void *sync_step(void *unused) {
    (void) unused;
    int i;
    while ((i = atomic_fetch_add(&next_index, 1)) < files + 2) {
        if (i == files + 1) {
            if (fsync(dir) != 0) {
                die("fsync dir", i);
            }
        } else {
            if (fdatasync(temps[i]) != 0) {
                die("fdatasync", i);
            }
            close(temps[i]);
        }
    }
    return NULL;
}

static void *remove_step(void *unused) {
    (void) unused;
    int i;
    char n[64];
    while ((i = atomic_fetch_add(&next_index, 1)) < files) {
        name(n, sizeof n, i, ".tmp");
        if (unlinkat(dir, n, 0) != 0) {
            die("unlinkat", i);
        }
    }
    return NULL;
}

static void in_threads(void *(*step)(void *), int threads) {
    pthread_t t[SYNC_THREADS];
    atomic_store(&next_index, 0);
    for (int k = 0; k < threads; k++) {
        if (pthread_create(&t[k], NULL, step, NULL) != 0) {
            die("pthread_create", k);
        }
    }
    for (int k = 0; k < threads; k++) {
        pthread_join(t[k], NULL);
    }
}

static double sequential(void) {
    char temp[64];
    char target[64];
    double start = now_ms();
    for (int i = 0; i < files; i++) {
        name(temp, sizeof temp, i, ".tmp");
        name(target, sizeof target, i, "");
        int fd = create(i, temp);
        if (fdatasync(fd) != 0) {
            die("fdatasync", i);
        }
        close(fd);
        if (renameat(dir, temp, dir, target) != 0) {
            die("renameat", i);
        }
        if (fsync(dir) != 0) {
            die("fsync dir", i);
        }
    }
    return now_ms() - start;
}

static double batch(void) {
    char temp[64];
    char target[64];
    char entry[RECORD_ENTRY];
    memset(entry, 'r', sizeof entry);
    double start = now_ms();
    int record = openat(dir, "batch.record", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (record < 0) {
        die("openat record", -1);
    }
    for (int i = 0; i < files; i++) {
        name(temp, sizeof temp, i, ".tmp");
        temps[i] = create(i, temp);
        if (write(record, entry, sizeof entry) != (ssize_t) sizeof entry) {
            die("write record", i);
        }
    }
    temps[files] = record;
    in_threads(sync_step, SYNC_THREADS);
    for (int i = 0; i < files; i++) {
        name(temp, sizeof temp, i, ".tmp");
        name(target, sizeof target, i, "");
        if (syscall(SYS_renameat2, dir, temp, dir, target, RENAME_EXCHANGE) != 0) {
            die("renameat2", i);
        }
    }
    if (fsync(dir) != 0) {
        die("fsync dir", -1);
    }
    in_threads(remove_step, REMOVE_THREADS);
    if (unlinkat(dir, "batch.record", 0) != 0) {
        die("unlinkat record", -1);
    }
    return now_ms() - start;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *) a;
    double y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 4 || (files = atoi(argv[2])) < 1 || files > MAX_FILES || atoi(argv[3]) < 1) {
        fprintf(stderr, "usage: batch DIR FILES(1-%d) OPERATIONS\n", MAX_FILES);
        return 2;
    }
    int operations = atoi(argv[3]);
    memset(data, 'x', sizeof data);
    dir = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        die("open dir", -1);
    }
    char target[64];
    for (int i = 0; i < files; i++) {
        name(target, sizeof target, i, "");
        int fd = openat(dir, target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, data, SIZE) != SIZE || fdatasync(fd) != 0) {
            die("set up", i);
        }
        close(fd);
    }
    double *seq = malloc(operations * sizeof *seq);
    double *bat = malloc(operations * sizeof *bat);
    if (seq == NULL || bat == NULL) {
        die("malloc", -1);
    }
    for (int o = 0; o < operations; o++) {
        seq[o] = sequential();
        bat[o] = batch();
    }
    qsort(seq, operations, sizeof *seq, by_value);
    qsort(bat, operations, sizeof *bat, by_value);
    double s = seq[operations / 2];
    double b = bat[operations / 2];
    printf("{\"files\": %d, \"operations\": %d, \"sequential_ms_p50\": %.3f, \"batch_ms_p50\": %.3f,"
           " \"ratio\": %.2f}\n", files, operations, s, b, s / b);
    for (int i = 0; i < files; i++) {
        name(target, sizeof target, i, "");
        unlinkat(dir, target, 0);
    }
    return 0;
}
