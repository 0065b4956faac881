/*
 * ISA-L called from C, the reference for weft's "within 5% of ISA-L from C" check. Encodes (or, with
 * lost > 0, reconstructs the first `lost` data shards from the next k survivors) RS(k, m) over shards of
 * shard_bytes, hot (one buffer set) or cold (rotating sets totalling > 96 MiB), for `seconds` per batch,
 * and prints the median of `batches` batches in GB/s of data (k x shard_bytes per operation): per wall
 * second, then per CPU-second of the process.
 *
 * `threads` is a comma-separated list of thread counts (default 1). All of them are timed in one process
 * on the same buffers, their batches interleaved (1, 2, 2, 1, 1, 2 ...) so that load from other processes
 * or a drift of the machine falls on every count alike; one line per count is printed: threads, median
 * wall rate, median CPU rate, lower and upper quartile of the wall rate.
 *
 * With threads > 1 every operation is cut into `threads` contiguous column ranges (multiples of 64
 * bytes), one per thread: the main thread and threads - 1 pthreads meet at a barrier before and after
 * each operation (the plain fork/join shape; weft's ParallelCoder instead lets its threads claim smaller
 * chunks), so the 2-thread row shows what the machine itself gives two cores on this code.
 *
 * usage: isal_ec_bench k m shard_bytes lost hot|cold seconds batches [threads[,threads...]]
 * Compiled at run time by weft's bench area (gcc -O2 ... -lisal); not part of the build.
 */
#include <isa-l.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* What every thread needs to code its range of the current operation. */
struct job {
  int k, outputs, threads;
  long len;
  unsigned char *tables;
  unsigned char ***in, ***out;
  int set;           /* the buffer set of the current operation, written by main before the barrier */
  volatile int stop; /* set by main before the last barrier */
  pthread_barrier_t start, done;
};

/* Codes part `part` of the current operation: a contiguous range, 64-byte aligned. */
static void code_part(struct job *j, int part) {
  long step = (j->len / j->threads + 63) / 64 * 64;
  long from = step * part;
  if (from >= j->len) return;
  long n = j->len - from < step ? j->len - from : step;
  unsigned char *in[256], *out[256];
  for (int i = 0; i < j->k; i++) in[i] = j->in[j->set][i] + from;
  for (int o = 0; o < j->outputs; o++) out[o] = j->out[j->set][o] + from;
  ec_encode_data((int)n, j->k, j->outputs, j->tables, in, out);
}

struct worker_arg { struct job *job; int part; };

static void *worker(void *p) {
  struct worker_arg *a = p;
  for (;;) {
    pthread_barrier_wait(&a->job->start);
    if (a->job->stop) return NULL;
    code_part(a->job, a->part);
    pthread_barrier_wait(&a->job->done);
  }
}

/* One operation on buffer set s, over all threads. */
static void code_all(struct job *j, int s) {
  j->set = s;
  if (j->threads == 1) {
    code_part(j, 0);
    return;
  }
  pthread_barrier_wait(&j->start);
  code_part(j, 0);
  pthread_barrier_wait(&j->done);
}

/* Starts the threads - 1 helpers of a job; they wait at its start barrier between operations. */
static int start_helpers(struct job *j, pthread_t *tid, struct worker_arg *args) {
  if (j->threads == 1) return 0;
  pthread_barrier_init(&j->start, NULL, j->threads);
  pthread_barrier_init(&j->done, NULL, j->threads);
  for (int t = 1; t < j->threads; t++) {
    args[t].job = j;
    args[t].part = t;
    if (pthread_create(&tid[t], NULL, worker, &args[t])) return 1;
  }
  return 0;
}

static void stop_helpers(struct job *j, pthread_t *tid) {
  if (j->threads == 1) return;
  j->stop = 1;
  pthread_barrier_wait(&j->start);
  for (int t = 1; t < j->threads; t++) pthread_join(tid[t], NULL);
}

#define MAX_VARIANTS 8

int main(int argc, char **argv) {
  if (argc != 8 && argc != 9) {
    fprintf(stderr, "usage: %s k m shard_bytes lost hot|cold seconds batches [threads[,threads...]]\n", argv[0]);
    return 2;
  }
  int counts[MAX_VARIANTS], variants = 0;
  if (argc == 9) {
    for (char *tok = strtok(argv[8], ","); tok != NULL; tok = strtok(NULL, ",")) {
      if (variants == MAX_VARIANTS) { fprintf(stderr, "at most %d thread counts\n", MAX_VARIANTS); return 2; }
      counts[variants++] = atoi(tok);
    }
  } else {
    counts[variants++] = 1;
  }
  for (int v = 0; v < variants; v++) {
    if (counts[v] < 1 || counts[v] > 64) { fprintf(stderr, "threads must be 1..64\n"); return 2; }
  }
  int k = atoi(argv[1]), m = atoi(argv[2]), lost = atoi(argv[4]);
  long len = atol(argv[3]);
  int cold = strcmp(argv[5], "cold") == 0;
  double seconds = atof(argv[6]);
  int batches = atoi(argv[7]);
  int n = k + m;
  long set_bytes = (long)n * len;
  int sets = cold ? (int)((96L << 20) / set_bytes + 2) : 1;

  unsigned char *a = malloc((size_t)n * k);
  gf_gen_cauchy1_matrix(a, n, k);
  unsigned char *rows = malloc((size_t)n * k); /* the rows the timed call multiplies */
  int outputs = lost > 0 ? lost : m;
  if (lost > 0) {
    /* Survivors: shards lost..lost+k-1; invert their rows to get the decode rows for shards 0..lost-1. */
    unsigned char *b = malloc((size_t)k * k), *inv = malloc((size_t)k * k);
    for (int i = 0; i < k; i++) memcpy(b + i * k, a + (lost + i) * k, k);
    if (gf_invert_matrix(b, inv, k) != 0) { fprintf(stderr, "singular\n"); return 1; }
    for (int i = 0; i < lost; i++) memcpy(rows + i * k, inv + i * k, k);
  } else {
    memcpy(rows, a + k * k, (size_t)m * k);
  }
  unsigned char *tables = malloc(32 * (size_t)k * outputs);
  ec_init_tables(k, outputs, rows, tables);

  /* Every byte is written before timing (inputs random, outputs zeroed): no first-touch faults in a batch. */
  unsigned char ***in = malloc(sizeof(void *) * sets), ***out = malloc(sizeof(void *) * sets);
  for (int s = 0; s < sets; s++) {
    in[s] = malloc(sizeof(void *) * k);
    out[s] = malloc(sizeof(void *) * outputs);
    for (int i = 0; i < k; i++) {
      if (posix_memalign((void **)&in[s][i], 64, len)) return 1;
      for (long p = 0; p < len; p++) in[s][i][p] = (unsigned char)(rand());
    }
    for (int o = 0; o < outputs; o++) {
      if (posix_memalign((void **)&out[s][o], 64, len)) return 1;
      memset(out[s][o], 0, len);
    }
  }
  struct job jobs[MAX_VARIANTS];
  pthread_t tid[MAX_VARIANTS][64];
  struct worker_arg args[MAX_VARIANTS][64];
  for (int v = 0; v < variants; v++) {
    struct job j = {k, outputs, counts[v], len, tables, in, out, 0, 0};
    jobs[v] = j;
  }
  for (int v = 0; v < variants; v++) {
    if (start_helpers(&jobs[v], tid[v], args[v])) { fprintf(stderr, "pthread_create failed\n"); return 1; }
  }
  double (*rate)[64] = malloc(sizeof(double[64]) * variants), (*cpu_rate)[64] = malloc(sizeof(double[64]) * variants);
  if (batches < 1 || batches > 64) { fprintf(stderr, "batches must be 1..64\n"); return 2; }
  int next[MAX_VARIANTS] = {0};
  for (int w = 0; w < 20; w++) {
    for (int v = 0; v < variants; v++) {
      code_all(&jobs[v], next[v]);
      next[v] = (next[v] + 1) % sets;
    }
  }
  for (int b = 0; b < batches; b++) {
    for (int i = 0; i < variants; i++) {
      int v = b % 2 == 0 ? i : variants - 1 - i;
      long ops = 0;
      double t0 = now(), c0 = cpu_now(), t;
      do {
        code_all(&jobs[v], next[v]);
        next[v] = (next[v] + 1) % sets;
        ops++;
      } while ((t = now()) - t0 < seconds);
      rate[v][b] = (double)ops * k * len / (t - t0) / 1e9;
      cpu_rate[v][b] = (double)ops * k * len / (cpu_now() - c0) / 1e9;
    }
  }
  for (int v = 0; v < variants; v++) stop_helpers(&jobs[v], tid[v]);
  for (int v = 0; v < variants; v++) {
    qsort(rate[v], batches, sizeof(double), cmp);
    qsort(cpu_rate[v], batches, sizeof(double), cmp);
    printf("%d %.4f %.4f %.4f %.4f\n", counts[v], rate[v][batches / 2], cpu_rate[v][batches / 2], rate[v][batches / 4],
        rate[v][(3 * batches) / 4]);
  }
  return 0;
}
