/*
 * ISA-L called from C, the reference for weft's "within 5% of ISA-L from C" check. Encodes (or, with
 * lost > 0, reconstructs the first `lost` data shards from the next k survivors) RS(k, m) over shards of
 * shard_bytes, hot (one buffer set) or cold (rotating sets totalling > 96 MiB), for `seconds` per batch,
 * and prints the median of `batches` batches in GB/s of data (k x shard_bytes per operation): per wall
 * second, then per CPU-second of the process.
 *
 * usage: isal_ec_bench k m shard_bytes lost hot|cold seconds batches
 * Compiled at run time by weft's bench area (gcc -O2 ... -lisal); not part of the build.
 */
#include <isa-l.h>
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

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s k m shard_bytes lost hot|cold seconds batches\n", argv[0]);
    return 2;
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
  double *rate = malloc(sizeof(double) * batches), *cpu_rate = malloc(sizeof(double) * batches);
  for (int w = 0; w < 20; w++) ec_encode_data((int)len, k, outputs, tables, in[w % sets], out[w % sets]);
  int s = 0;
  for (int b = 0; b < batches; b++) {
    long ops = 0;
    double t0 = now(), c0 = cpu_now(), t;
    do {
      ec_encode_data((int)len, k, outputs, tables, in[s], out[s]);
      s = (s + 1) % sets;
      ops++;
    } while ((t = now()) - t0 < seconds);
    rate[b] = (double)ops * k * len / (t - t0) / 1e9;
    cpu_rate[b] = (double)ops * k * len / (cpu_now() - c0) / 1e9;
  }
  qsort(rate, batches, sizeof(double), cmp);
  qsort(cpu_rate, batches, sizeof(double), cmp);
  printf("%.4f %.4f\n", rate[batches / 2], cpu_rate[batches / 2]);
  return 0;
}
