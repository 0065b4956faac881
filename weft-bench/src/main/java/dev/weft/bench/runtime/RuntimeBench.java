package dev.weft.bench.runtime;

import dev.weft.cli.bench.BenchArea;
import dev.weft.cli.bench.BenchContext;
import dev.weft.cli.bench.BenchOutput;
import dev.weft.runtime.worker.CallLimits;
import dev.weft.runtime.worker.WorkerOutcome;
import dev.weft.runtime.worker.WorkerPool;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code weft bench runtime}. Two parts:
 *
 * <ol>
 *   <li><b>submit-join</b>: one outside thread submits a batch of busy tasks (1 µs and 10 µs) and joins
 *       them all, on weft's TaskPool, a plain ForkJoinPool and a fixed ThreadPoolExecutor, at 1 thread and
 *       at all threads. The three run in the same process, in rotating order within every repetition, so
 *       a busy machine hurts them alike. Reported: median wall time per task, its ratio to the best of
 *       the three, and the overhead beyond the ideal {@code taskNanos / threads}.
 *   <li><b>worker</b>: round trips to a warm worker JVM running an echo function (median and p99, for a
 *       small and a 1 MiB payload), and the cold start (a new pool's first call: JVM start included).
 * </ol>
 */
public final class RuntimeBench implements BenchArea {
  private static final List<String> IMPLS = List.of("weft", "forkjoin", "threadpool");

  @Override
  public String name() {
    return "runtime";
  }

  @Override
  public String description() {
    return "task pool submit/join overhead vs ForkJoinPool and ThreadPoolExecutor; worker-process round trips";
  }

  @Override
  public void run(BenchContext ctx, BenchOutput out) throws Exception {
    boolean quick = ctx.quick();
    TreeSet<Integer> threadCounts = new TreeSet<>(List.of(1, ctx.allThreads()));
    for (long taskNanos : new long[] {1_000, 10_000}) {
      for (int threads : threadCounts) {
        submitJoin(ctx, out, threads, taskNanos, quick);
      }
    }
    workerRoundTrips(ctx, out, quick);
  }

  private void submitJoin(BenchContext ctx, BenchOutput out, int threads, long taskNanos, boolean quick) throws Exception {
    // About 15 ms of work per batch at one thread, whatever the task size: short batches, many of them,
    // so the three pools' batches of one repetition see nearly the same machine load.
    int tasks = (int) Math.max(500, 15_000_000L / taskNanos / (quick ? 4 : 1));
    int warmups = quick ? 3 : 10;
    int reps = quick ? 5 : 41;
    note(ctx, "submit-join: %d tasks of %d ns at %d thread(s), %d repetitions", tasks, taskNanos, threads, reps);
    Map<String, Executors3> pools = new LinkedHashMap<>();
    Map<String, double[]> perTask = new LinkedHashMap<>();
    try {
      for (String impl : IMPLS) {
        pools.put(impl, Executors3.create(impl, threads));
        perTask.put(impl, new double[reps]);
      }
      long sink = 0;
      for (int rep = -warmups; rep < reps; rep++) {
        for (int k = 0; k < IMPLS.size(); k++) {
          String impl = IMPLS.get(Math.floorMod(rep + k, IMPLS.size())); // rotate who goes first
          long start = System.nanoTime();
          sink += pools.get(impl).submitAndJoin(tasks, taskNanos);
          double ns = (double) (System.nanoTime() - start) / tasks;
          if (rep >= 0) {
            perTask.get(impl)[rep] = ns;
          }
        }
      }
      if (sink == 42) {
        note(ctx, "(unlikely checksum)"); // consume the results so no work is optimised away
      }
    } finally {
      pools.values().forEach(Executors3::close);
    }
    // The ratio is taken within each repetition (to the best of that repetition) and then its median,
    // which cancels most of the drift of a shared machine's load between repetitions.
    Map<String, double[]> ratios = new LinkedHashMap<>();
    for (String impl : IMPLS) {
      ratios.put(impl, new double[reps]);
    }
    for (int rep = 0; rep < reps; rep++) {
      double best = Double.MAX_VALUE;
      for (String impl : IMPLS) {
        best = Math.min(best, perTask.get(impl)[rep]);
      }
      for (String impl : IMPLS) {
        ratios.get(impl)[rep] = perTask.get(impl)[rep] / best;
      }
    }
    for (String impl : IMPLS) {
      double median = median(perTask.get(impl));
      out.row(impl, "submit-join", threads)
          .param("task_ns", taskNanos)
          .param("tasks", tasks)
          .param("reps", reps)
          .param("ratio_to_best", round3(median(ratios.get(impl))))
          .param("overhead_ns", round3(median - (double) taskNanos / threads))
          .emit(median, "ns/task");
    }
  }

  private void workerRoundTrips(BenchContext ctx, BenchOutput out, boolean quick) throws Exception {
    CallLimits limits = CallLimits.defaults().withHeapBytes(128L << 20);
    WorkerPool.Config config = WorkerPool.Config.defaults().withMaxWorkers(1);
    try (WorkerPool pool = WorkerPool.create(config)) {
      for (int payload : new int[] {64, 1 << 20}) {
        int calls = payload > 1024 ? (quick ? 20 : 300) : (quick ? 200 : 3000);
        int warmups = Math.max(20, calls / 5);
        note(ctx, "worker: %d round trips of %d bytes after %d warm-ups", calls, payload, warmups);
        byte[] input = new byte[payload];
        Arrays.fill(input, (byte) 7);
        double[] micros = new double[calls];
        for (int i = -warmups; i < calls; i++) {
          long start = System.nanoTime();
          expectEcho(pool.call(Echo.NAME, input, limits), payload);
          if (i >= 0) {
            micros[i] = (System.nanoTime() - start) / 1e3;
          }
        }
        Arrays.sort(micros);
        for (String stat : List.of("median", "p99")) {
          out.row("weft-worker", "round-trip", 1)
              .param("payload_bytes", payload)
              .param("stat", stat)
              .param("calls", calls)
              .emit(round3(stat.equals("median") ? median(micros) : percentile(micros, 0.99)), "us");
        }
      }
    }
    int starts = quick ? 2 : 7;
    note(ctx, "worker: %d cold starts (new pool, first call)", starts);
    double[] millis = new double[starts];
    for (int i = 0; i < starts; i++) {
      try (WorkerPool pool = WorkerPool.create(config)) {
        long start = System.nanoTime();
        expectEcho(pool.call(Echo.NAME, new byte[64], limits), 64);
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    out.row("weft-worker", "cold-start", 1).param("stat", "median").param("starts", starts)
        .emit(round3(median(millis)), "ms");
  }

  private static void expectEcho(WorkerOutcome outcome, int bytes) {
    if (!(outcome instanceof WorkerOutcome.Success s) || s.output().length != bytes) {
      throw new IllegalStateException("worker echo failed: " + outcome);
    }
  }

  private static void note(BenchContext ctx, String format, Object... args) {
    if (!ctx.cli().json()) {
      ctx.log().printf("# " + format + "%n", args);
      ctx.log().flush();
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
