package dev.weft.bench.analysis;

import dev.weft.analysis.adl.AdlQueries;
import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.analysis.io.Resample;
import dev.weft.analysis.proc.ProcessFill;
import dev.weft.analysis.proc.Synthetic;
import dev.weft.cli.analysis.SampleData;
import dev.weft.cli.bench.BenchArea;
import dev.weft.cli.bench.BenchContext;
import dev.weft.cli.bench.BenchOutput;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.worker.CallLimits;
import dev.weft.runtime.worker.WorkerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The analysis benchmarks of issue 6. Every figure is the median of several timed repetitions after one
 * untimed warm-up run; every fill-mode run is checked against the plain loop's histogram (zero lost
 * updates) and the run aborts if one differs.
 */
public final class AnalysisBench implements BenchArea {
  static final int BINS = 100;
  static final int CHUNK = 1 << 16;
  static final long SEED = 42;

  @Override
  public String name() {
    return "analysis";
  }

  @Override
  public String description() {
    return "histogram fills per mode and thread count, threads vs processes, ADL queries on generated events"
        + " (args: fill = fill modes and threads vs processes, modes = fill modes only, paired = only the paired engine-vs-loop and 1-vs-2-thread rows, adl; "
        + "none = fill adl)";
  }

  @Override
  public void run(BenchContext ctx, BenchOutput out) throws Exception {
    boolean quick = ctx.quick();
    int reps = quick ? 3 : 9;
    long fills = quick ? 2_000_000 : 20_000_000;
    long adlEvents = quick ? 500_000 : 10_000_000;
    // Extra words choose parts: fill, modes (fill without processes), paired (only the two paired rows), adl;
    // none means everything.
    List<String> parts = ctx.args().isEmpty() ? List.of("fill", "adl") : ctx.args();
    for (String p : parts) {
      if (!List.of("fill", "modes", "paired", "adl").contains(p)) {
        throw new dev.weft.runtime.UsageException(
            "bench analysis: unknown part '" + p + "' (known: fill, modes, paired, adl)");
      }
    }
    if (parts.contains("fill") || parts.contains("modes")) {
      fillBenchmarks(ctx, out, fills, reps, parts.contains("fill"));
    } else if (parts.contains("paired")) {
      pairedOnly(ctx, out, fills);
    }
    if (parts.contains("adl")) {
      adlBenchmarks(ctx, out, adlEvents, quick ? 2 : 3);
    }
  }

  /**
   * Median wall time in nanoseconds of {@code reps} runs, after warm-up runs (at least two, and at least
   * half a second) so the JIT has compiled the code being measured. What else was measured is in
   * {@link #last}.
   */
  static long median(int reps, LongSupplier timedRun) {
    // Warm-up and timed runs are measured the same way (the same clock and /proc reads around each), so
    // the harness's own code is as warm as the code under test when timing starts: reading the thread clocks
    // only in timed runs would have the JIT compile that reading during them, on the process CPU clock.
    StringBuilder curve = new StringBuilder();
    long warm = System.nanoTime();
    long warmJit = 0;
    int warmRuns = 0;
    for (; warmRuns < 2 || System.nanoTime() - warm < 500_000_000L; warmRuns++) {
      long[] r = measured(timedRun);
      warmJit += r[2];
      curve.append(curve.isEmpty() ? "" : " ").append(r[1] / 1000);
    }
    long warmWall = System.nanoTime() - warm;
    curve.append(" |");
    long[] t = new long[reps];
    long[] cpu = new long[reps];
    long[] jit = new long[reps];
    long gcs = FillData.collections();
    for (int i = 0; i < reps; i++) {
      long[] r = measured(timedRun);
      t[i] = r[0];
      cpu[i] = r[1];
      jit[i] = r[2];
      curve.append(' ').append(cpu[i] / 1000);
    }
    gcs = FillData.collections() - gcs;
    Arrays.sort(t);
    Arrays.sort(cpu);
    Arrays.sort(jit);
    last = new Timing(cpu[reps / 2], jit[reps / 2], curve.toString(), warmRuns, warmWall, warmJit, gcs);
    return t[reps / 2];
  }

  /** One run: {@code [its own timing, process CPU, JIT compiler threads' CPU]} in nanoseconds. */
  private static long[] measured(LongSupplier run) {
    long[] j0 = JvmThreadClock.read();
    long c0 = processCpuNanos();
    long t = run.getAsLong();
    long c = processCpuNanos() - c0;
    return new long[] {t, c, JvmThreadClock.read()[JvmThreadClock.JIT] - j0[JvmThreadClock.JIT]};
  }

  /**
   * What {@link #median} measured besides the median wall time.
   *
   * @param cpuMedian median process CPU time per timed run (every thread, JIT and GC included): on a
   *     shared machine the wall time includes waiting for a core, CPU time does not
   * @param jitMedian the JIT compiler threads' median CPU per timed run: a first-in-JVM figure that is slow
   *     because the JIT was still compiling shows it here, one whose own code ran slower does not
   * @param cpuCurve every run's process CPU in microseconds (warm-up runs, then "|", then the timed runs)
   * @param warmupRuns untimed runs before the timed ones
   * @param warmupWallNanos wall time of the warm-up
   * @param warmupJitNanos CPU of the JIT compiler threads during the warm-up
   * @param gcsTimed garbage collections (any kind) during the timed runs
   */
  record Timing(long cpuMedian, long jitMedian, String cpuCurve, int warmupRuns, long warmupWallNanos,
      long warmupJitNanos, long gcsTimed) {}

  /** The last {@link #median} call's measurements (the bench runs its rows one after another, on one thread). */
  static Timing last = new Timing(0, 0, "", 0, 0, 0, 0);

  /** {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}, or null where the native call is unavailable. */
  private static final java.lang.invoke.MethodHandle CLOCK_GETTIME = clockGettime();
  private static final int CLOCK_PROCESS_CPUTIME_ID = 2;

  private static java.lang.invoke.MethodHandle clockGettime() {
    try {
      java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
      return linker.downcallHandle(linker.defaultLookup().find("clock_gettime").orElseThrow(),
          java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
              java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS));
    } catch (RuntimeException | Error e) {
      return null;
    }
  }

  /**
   * CPU time of this whole process in nanoseconds: every thread, including the GC and JIT compiler threads
   * that {@code ThreadMXBean} does not list, so an engine that allocates more pays for its GC here. Read
   * with {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)} (nanosecond resolution; the JDK's process CPU time
   * counts 10 ms ticks, too coarse for passes of a few hundred ms); where that is unavailable, the sum of
   * the Java threads' clocks.
   */
  public static long processCpuNanos() {
    if (CLOCK_GETTIME != null) {
      try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
        java.lang.foreign.MemorySegment ts = arena.allocate(16, 8);
        int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, ts);
        if (rc == 0) {
          return ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0) * 1_000_000_000L
              + ts.get(java.lang.foreign.ValueLayout.JAVA_LONG, 8);
        }
      } catch (Throwable t) {
        // fall through to the thread clocks
      }
    }
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t > 0) {
        sum += t;
      }
    }
    return sum;
  }

  static long time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return System.nanoTime() - t0;
  }

  /** The baseline: a bare loop over the array into one histogram. */
  static Histogram plainFill(double[] values, RegularAxis axis) {
    Histogram h = Histogram.of("fill", "", axis);
    plainFill(h, axis, values);
    return h;
  }

  static void plainFill(Histogram h, RegularAxis axis, double[] values) {
    for (double v : values) {
      h.add(axis.index(v));
    }
  }

  static List<FillMode> modes() {
    List<FillMode> m = new ArrayList<>(FillMode.all());
    return m;
  }

  private void fillBenchmarks(BenchContext ctx, BenchOutput out, long n, int reps, boolean processes) throws Exception {
    RegularAxis axis = new RegularAxis(BINS, 0, 1, "x", "");
    // All data first, settled, so that no collection moves it during any timed run (FillData says why).
    FillData data = FillData.create(Math.toIntExact(n), CHUNK);
    List<Batch> batches = data.batches();
    ctx.log().printf("analysis: %,d fills into a %d-bin histogram, median of %d runs; data settled by %d full GCs "
        + "(%,d MB old, %,d MB young generation); the machine may be shared%n", n, BINS, reps, data.settleGcs(),
        data.oldGenBytes() >> 20, data.youngGenBytes() >> 20);

    // The plain loop reads the engine's own batch arrays in the engine's order: what a user who hand-writes
    // the loop over the same loaded data runs, and the same memory as the engine (two copies of the data can
    // differ by tens of percent on this VM, docs/bench/analysis.md "Round 5").
    Histogram[] plainResult = new Histogram[1];
    long plain = median(reps, () -> time(() -> plainResult[0] = plainBatches(batches, axis)));
    Timing plainTiming = last;
    double plainRate = n / (plain / 1e9);
    out.row("weft", "fill", 1).param("mode", "plain").param("events", n)
        .param("data", "the engine's batch arrays").param("settle_gcs", data.settleGcs())
        .param("young_gen_mb_after_settle", data.youngGenBytes() >> 20)
        .param("per_cpu_second", n / (last.cpuMedian() / 1e9)).param("jit_cpu_ns_per_fill", last.jitMedian() / (double) n)
        .param("cpu_us_per_run", last.cpuCurve()).param("gcs_timed", last.gcsTimed()).emit(plainRate, "fills/s");

    double perThreadOne = 0;
    double perThreadTwo = 0;
    Timing engineTiming = null;

    for (FillMode mode : modes()) {
      for (int threads : new int[] {1, 2}) {
        try (TaskPool pool = TaskPool.create(threads)) {
          Histogram[] got = new Histogram[1];
          long t = median(reps, () -> time(() -> {
            DataFrame df = DataFrame.fromBatches(batches, pool, mode);
            Result<Histogram> h = df.histo1D("fill", "", axis, df.doubleColumn("E.x"));
            got[0] = h.get();
          }));
          if (!got[0].sameAs(plainResult[0])) {
            throw new IllegalStateException("lost or extra updates in fill mode " + mode.name() + " at " + threads + " threads");
          }
          double rate = n / (t / 1e9);
          BenchOutput.Row row = out.row("weft", "fill", threads).param("mode", mode.name()).param("events", n)
              .param("per_cpu_second", n / (last.cpuMedian() / 1e9));
          if (mode.kind() == FillMode.Kind.PER_THREAD && threads == 1) {
            perThreadOne = rate;
            engineTiming = last;
            row.param("vs_plain", rate / plainRate).param("jit_cpu_ns_per_fill", last.jitMedian() / (double) n)
                .param("cpu_us_per_run", last.cpuCurve()).param("gcs_timed", last.gcsTimed());
          }
          if (mode.kind() == FillMode.Kind.PER_THREAD && threads == 2) {
            perThreadTwo = rate;
            row.param("speedup_vs_1_thread", rate / perThreadOne);
          }
          row.emit(rate, "fills/s");
        }
      }
    }
    // The first-in-JVM comparison: the plain row was the JVM's first measurement, the engine's the second,
    // each after its own warm-up; what the warm-ups cost and what the JIT did is reported beside it.
    out.row("weft", "fill-overhead-first", 1).param("mode", "per-thread").param("events", n)
        .param("what", "engine with one worker vs the plain loop over the same batch arrays, first measurement of "
            + "each in the JVM, wall time; positive = slower")
        .param("cpu_overhead_pct", pct(engineTiming.cpuMedian() / (double) plainTiming.cpuMedian()))
        .param("warmup_runs_plain", plainTiming.warmupRuns())
        .param("warmup_runs_engine", engineTiming.warmupRuns())
        .param("warmup_ms_engine", engineTiming.warmupWallNanos() / 1e6)
        .param("jit_cpu_ms_warmup_plain", plainTiming.warmupJitNanos() / 1e6)
        .param("jit_cpu_ms_warmup_engine", engineTiming.warmupJitNanos() / 1e6)
        .param("jit_cpu_ns_per_fill_plain", plainTiming.jitMedian() / (double) n)
        .param("jit_cpu_ns_per_fill_engine", engineTiming.jitMedian() / (double) n)
        .param("gcs_timed", plainTiming.gcsTimed() + engineTiming.gcsTimed())
        .emit((plainRate / perThreadOne - 1) * 100, "% overhead");
    overheadPaired(ctx, out, data, axis, plainResult[0], ctx.quick());
    scalingPaired(ctx, out, batches, axis, plainResult[0], ctx.quick());
    if (processes) {
      processBenchmarks(ctx, out, n, reps, axis, plainResult[0], perThreadTwo);
    }
  }

  /** Only the two paired rows, on the same settled data as the full run. */
  private static void pairedOnly(BenchContext ctx, BenchOutput out, long n) {
    RegularAxis axis = new RegularAxis(BINS, 0, 1, "x", "");
    FillData data = FillData.create(Math.toIntExact(n), CHUNK);
    Histogram once = plainBatches(data.batches(), axis);
    overheadPaired(ctx, out, data, axis, once, ctx.quick());
    scalingPaired(ctx, out, data.batches(), axis, once, ctx.quick());
  }

  /** Laps over the 20M values per pass of the paired overhead row (20M fills, ~25 ms of CPU), and pairs. */
  static final int OVERHEAD_LAPS = 1;
  static final int OVERHEAD_PAIRS = 201;

  /**
   * The "engine with one worker against a plain loop (overhead ≤ 5 %)", measured so that the
   * measurement is finer than the target on a shared 2-core machine:
   *
   * <ul>
   *   <li>Both sides read the same arrays: the plain loop walks the engine's batch arrays in the engine's
   *       order (the settled {@link FillData}), so the row compares the engine with a loop, not two copies
   *       of the data (which differ by up to ±40 % on this VM). The engine's own costs — booking, dispatch
   *       to the pool, chunk hand-out, the column lambda, the merge and the join — are all inside its pass.
   *   <li>A pass is one analysis of the {@value #OVERHEAD_LAPS}× 20M values (20M fills, about 25 ms), so
   *       the engine's fixed costs per pass count as they do in a 20M-event analysis. Many short pairs
   *       rather than a few long ones: this VM's cores switch between a fast and a slow state (0.96 against
   *       1.3–1.45 ns per fill of a bare loop, for stretches of 0.1–0.5 s, on either vCPU, CPU time equal
   *       to wall time), so the longer a pair, the likelier one side runs in the other state. With 100M-fill
   *       passes single pairs spread −35…+50 % and the median of 31 moved ±4 % between runs; with 20M-fill
   *       passes the quartiles are about half as far apart and there are {@value #OVERHEAD_PAIRS} pairs in the
   *       same time (docs/bench/analysis.md "Round 6").
   *   <li>Clock: the process CPU clock ({@link #processCpuNanos}: every thread, including the JIT compiler
   *       and GC threads that {@code ThreadMXBean} does not list), read before and after each pass, the same
   *       for both sides. It excludes nothing the pass causes and, unlike wall time, not the time other
   *       processes hold the cores.
   *   <li>Both sides are warmed up equally (alternately, until both ran three times and a second passed),
   *       then run alternately, in ABBA order (plain first in even pairs, engine first in odd ones) so a
   *       drift of load or clock speed cancels; the row is the median of the pairs' ratios, with its
   *       distribution-free 95 % confidence interval ({@link #medianInterval}), the quartiles and extremes,
   *       and the garbage collections during the timed pairs ({@code gcs_timed}).
   *   <li>A third contender in each pair (between the two, so the order stays symmetric) is the bare loop
   *       over the values as one big array ({@code vs_plain_big_array_pct}): the other copy of the data,
   *       kept to show how much the memory a loop reads moves the figure.
   * </ul>
   */
  private static void overheadPaired(BenchContext ctx, BenchOutput out, FillData data, RegularAxis axis,
      Histogram plainOnce, boolean quick) {
    int laps = quick ? 1 : OVERHEAD_LAPS;
    int pairs = quick ? 5 : OVERHEAD_PAIRS;
    double[] values = data.values();
    long passFills = (long) values.length * laps;
    List<Batch> lapBatches = new ArrayList<>();
    for (int l = 0; l < laps; l++) {
      lapBatches.addAll(data.batches());
    }
    ctx.log().printf("analysis: engine vs plain loop, %d alternating pairs of %,d-fill passes, CPU time of all threads%n",
        pairs, passFills);
    Histogram expected = plainOnce.emptyCopy();
    for (int l = 0; l < laps; l++) {
      expected.merge(plainOnce);
    }
    try (TaskPool pool = TaskPool.create(1)) {
      // Every result is checked after its timed pass, outside the clock readings.
      Histogram[] got = new Histogram[3];
      // The loops run as tasks on the engine's one worker thread, so all three sides run on the same thread
      // and whichever vCPU the scheduler keeps it on (the two vCPUs are not equally fast at any moment).
      Runnable plain = () -> got[0] = onPool(pool, () -> plainBatches(lapBatches, axis));
      Runnable engine = () -> got[1] = engineFill(lapBatches, pool, axis);
      Runnable bigArray = () -> got[2] = onPool(pool, () -> plainLaps(values, axis, laps));
      long warm = System.nanoTime();
      for (int i = 0; i < 3 || System.nanoTime() - warm < 1_000_000_000L; i++) {
        plain.run();
        engine.run();
        bigArray.run();
      }
      double[] ratios = new double[pairs];
      double[] bigRatios = new double[pairs];
      double[] plainNs = new double[pairs];
      double[] engineNs = new double[pairs];
      double[] bigNs = new double[pairs];
      long gcs = FillData.collections();
      for (int i = 0; i < pairs; i++) {
        if (i % 2 == 0) {
          plainNs[i] = cpuNanos(plain) / (double) passFills;
          bigNs[i] = cpuNanos(bigArray) / (double) passFills;
          engineNs[i] = cpuNanos(engine) / (double) passFills;
        } else {
          engineNs[i] = cpuNanos(engine) / (double) passFills;
          bigNs[i] = cpuNanos(bigArray) / (double) passFills;
          plainNs[i] = cpuNanos(plain) / (double) passFills;
        }
        ratios[i] = engineNs[i] / plainNs[i];
        bigRatios[i] = engineNs[i] / bigNs[i];
        for (Histogram h : got) {
          if (!h.sameAs(expected)) {
            throw new IllegalStateException("the engine and the plain loops filled different histograms");
          }
        }
      }
      gcs = FillData.collections() - gcs;
      Arrays.sort(ratios);
      double[] ci = medianInterval(ratios);
      Arrays.sort(bigRatios);
      Arrays.sort(plainNs);
      Arrays.sort(engineNs);
      Arrays.sort(bigNs);
      out.row("weft", "fill-overhead", 1).param("mode", "per-thread").param("events", passFills)
          .param("what", "engine with one worker vs the plain loop over the same batch arrays, CPU time of all "
              + "threads per fill, median of " + pairs + " alternating (ABBA) pairs of " + passFills
              + "-fill passes; positive = more CPU")
          .param("pass_fills", passFills).param("pairs", pairs).param("chunk_values", CHUNK)
          .param("cpu_ns_per_fill_plain", plainNs[pairs / 2])
          .param("cpu_ns_per_fill_engine", engineNs[pairs / 2])
          .param("ci95_low_pct", pct(ci[0])).param("ci95_high_pct", pct(ci[1]))
          .param("min_pct", pct(ratios[0])).param("q1_pct", pct(ratios[pairs / 4]))
          .param("q3_pct", pct(ratios[pairs - 1 - pairs / 4])).param("max_pct", pct(ratios[pairs - 1]))
          .param("cpu_ns_per_fill_plain_big_array", bigNs[pairs / 2])
          .param("vs_plain_big_array_pct", pct(bigRatios[pairs / 2]))
          .param("gcs_timed", gcs)
          .emit(pct(ratios[pairs / 2]), "% CPU overhead");
    }
  }

  /**
   * Laps over the 20M values per pass of the paired scaling row (20M fills, ~25 ms at one thread), and pairs:
   * short pairs, many of them, for the reason given at {@link #overheadPaired}.
   */
  static final int SCALING_LAPS = 1;
  static final int SCALING_PAIRS = 101;

  /**
   * The "per-thread mode ≥ 1.7× from 1 to 2 threads", measured so that one slow phase of the JVM or
   * of the machine cannot inflate or deflate it (the unpaired rows above measure 1 and 2 threads ~1 s apart,
   * and the 1-thread row was also the engine's first measurement in the JVM):
   *
   * <ul>
   *   <li>The engine with a one-thread and with a two-thread pool (both pools open throughout) is warmed up
   *       equally, alternately, until both ran three times and a second passed; then pairs of passes run in
   *       ABBA order (1 thread first in even pairs, 2 threads first in odd ones).
   *   <li>Value: the median over the pairs of wall(1 thread) / wall(2 threads) — the issue asks fills per
   *       second, which is what a user waits for — with quartiles and extremes, the median fills/s of each
   *       side, and the process CPU per fill of each side (2 threads doing the same work with more CPU per
   *       fill is a real loss: contention, false sharing or memory bandwidth).
   *   <li>Control in every pair: the same batches filled by a bare loop on one pool thread and split in two
   *       halves between two pool threads, no engine ({@code bare_loop_speedup}): what this machine gives
   *       two threads streaming this data, so an engine loss can be told from a machine limit.
   * </ul>
   */
  private static void scalingPaired(BenchContext ctx, BenchOutput out, List<Batch> batches, RegularAxis axis,
      Histogram plainOnce, boolean quick) {
    int laps = quick ? 1 : SCALING_LAPS;
    int pairs = quick ? 5 : SCALING_PAIRS;
    List<Batch> lapBatches = new ArrayList<>();
    for (int l = 0; l < laps; l++) {
      lapBatches.addAll(batches);
    }
    long passFills = 0;
    for (Batch b : lapBatches) {
      passFills += b.rows();
    }
    Histogram expected = plainOnce.emptyCopy();
    for (int l = 0; l < laps; l++) {
      expected.merge(plainOnce);
    }
    ctx.log().printf("analysis: per-thread 1 vs 2 threads, %d alternating pairs of %,d-fill passes%n", pairs, passFills);
    try (TaskPool one = TaskPool.create(1); TaskPool two = TaskPool.create(2)) {
      Histogram[] got = new Histogram[4];
      Runnable engine1 = () -> got[0] = engineFill(lapBatches, one, axis);
      Runnable engine2 = () -> got[1] = engineFill(lapBatches, two, axis);
      Runnable bare1 = () -> got[2] = bareTasks(lapBatches, one, 1, axis);
      Runnable bare2 = () -> got[3] = bareTasks(lapBatches, two, 2, axis);
      long warm = System.nanoTime();
      for (int i = 0; i < 3 || System.nanoTime() - warm < 1_000_000_000L; i++) {
        engine1.run();
        engine2.run();
        bare1.run();
        bare2.run();
      }
      long[][] wall = new long[4][pairs];
      long[][] cpu = new long[4][pairs];
      Runnable[] sides = {engine1, engine2, bare1, bare2};
      int[] abba = {0, 2, 3, 1};
      int[] baab = {1, 3, 2, 0};
      for (int i = 0; i < pairs; i++) {
        for (int k : i % 2 == 0 ? abba : baab) {
          long c0 = processCpuNanos();
          long w0 = System.nanoTime();
          sides[k].run();
          wall[k][i] = System.nanoTime() - w0;
          cpu[k][i] = processCpuNanos() - c0;
        }
        for (Histogram h : got) {
          if (!h.sameAs(expected)) {
            throw new IllegalStateException("a scaling pass filled a different histogram");
          }
        }
      }
      double[] speedup = new double[pairs];
      double[] bareSpeedup = new double[pairs];
      for (int i = 0; i < pairs; i++) {
        speedup[i] = wall[0][i] / (double) wall[1][i];
        bareSpeedup[i] = wall[2][i] / (double) wall[3][i];
      }
      Arrays.sort(speedup);
      double[] ci = medianInterval(speedup);
      Arrays.sort(bareSpeedup);
      long fills = passFills;
      out.row("weft", "fill-scaling", 2).param("mode", "per-thread").param("events", passFills)
          .param("what", "per-thread speedup from 1 to 2 threads, wall time, median of " + pairs
              + " alternating (ABBA) pairs of " + passFills + "-fill passes in one JVM after an equal warm-up")
          .param("pass_fills", passFills).param("pairs", pairs)
          .param("fills_per_s_1_thread", fills / (medianOf(wall[0]) / 1e9))
          .param("fills_per_s_2_threads", fills / (medianOf(wall[1]) / 1e9))
          .param("cpu_ns_per_fill_1_thread", medianOf(cpu[0]) / (double) fills)
          .param("cpu_ns_per_fill_2_threads", medianOf(cpu[1]) / (double) fills)
          .param("ci95_low", ci[0]).param("ci95_high", ci[1])
          .param("min", speedup[0]).param("q1", speedup[pairs / 4])
          .param("q3", speedup[pairs - 1 - pairs / 4]).param("max", speedup[pairs - 1])
          .param("bare_loop_speedup", bareSpeedup[pairs / 2])
          .param("bare_loop_cpu_ns_per_fill_1_thread", medianOf(cpu[2]) / (double) fills)
          .param("bare_loop_cpu_ns_per_fill_2_threads", medianOf(cpu[3]) / (double) fills)
          .emit(speedup[pairs / 2], "x speedup 1 to 2 threads");
    }
  }

  private static Histogram engineFill(List<Batch> batches, TaskPool pool, RegularAxis axis) {
    DataFrame df = DataFrame.fromBatches(batches, pool, FillMode.perThread());
    return df.histo1D("fill", "", axis, df.doubleColumn("E.x")).get();
  }

  /** The bare loop over the batches split in {@code shares} contiguous parts, one pool task each, merged. */
  static Histogram bareTasks(List<Batch> batches, TaskPool pool, int shares, RegularAxis axis) {
    List<dev.weft.runtime.pool.Task<Histogram>> parts = new ArrayList<>();
    try (dev.weft.runtime.pool.Scope scope = pool.openScope()) {
      for (int p = 0; p < shares; p++) {
        List<Batch> share = batches.subList(batches.size() * p / shares, batches.size() * (p + 1) / shares);
        parts.add(scope.fork(() -> plainBatches(share, axis)));
      }
      scope.join();
    }
    Histogram all = Histogram.of("fill", "", axis);
    parts.forEach(t -> all.merge(t.join()));
    return all;
  }

  /** {@code work} run as one task on {@code pool}, waited for. */
  private static Histogram onPool(TaskPool pool, java.util.function.Supplier<Histogram> work) {
    dev.weft.runtime.pool.Task<Histogram> task;
    try (dev.weft.runtime.pool.Scope scope = pool.openScope()) {
      task = scope.fork(work::get);
      scope.join();
    }
    return task.join();
  }

  private static long medianOf(long[] v) {
    long[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  /**
   * The distribution-free 95 % confidence interval of the median of {@code sorted}: the order statistics at
   * ranks n/2 ∓ 0.98·√n (the binomial(n, ½) count of values below the true median, normal approximation),
   * so it assumes nothing about the shape of the pairs' spread, only that the pairs are independent.
   */
  public static double[] medianInterval(double[] sorted) {
    int n = sorted.length;
    double half = 0.98 * Math.sqrt(n);
    int lo = Math.max(0, (int) Math.floor(n / 2.0 - half) - 1);
    int hi = Math.min(n - 1, (int) Math.ceil(n / 2.0 + half));
    return new double[] {sorted[lo], sorted[hi]};
  }

  private static double pct(double ratio) {
    return (ratio - 1) * 100;
  }

  /** CPU time of all live threads spent while {@code r} ran. */
  private static long cpuNanos(Runnable r) {
    long c0 = processCpuNanos();
    r.run();
    return processCpuNanos() - c0;
  }

  /** The plain loop over each batch's array in turn, into one histogram. */
  static Histogram plainBatches(List<Batch> batches, RegularAxis axis) {
    Histogram h = Histogram.of("fill", "", axis);
    for (Batch b : batches) {
      plainFill(h, axis, b.doubles("E.x"));
    }
    return h;
  }

  /** The plain loop run {@code laps} times over the array into one histogram. */
  static Histogram plainLaps(double[] values, RegularAxis axis, int laps) {
    Histogram h = Histogram.of("fill", "", axis);
    for (int l = 0; l < laps; l++) {
      plainFill(h, axis, values);
    }
    return h;
  }

  /**
   * The processes' job done by pool threads instead: each of {@code shares} tasks makes its share of the
   * synthetic values (as a child process does, so the work is the same) and fills its own histogram;
   * the histograms are merged at the end.
   */
  static Histogram threadsSameWork(TaskPool pool, int shares, long n, RegularAxis axis) {
    List<dev.weft.runtime.pool.Task<Histogram>> parts = new ArrayList<>();
    try (dev.weft.runtime.pool.Scope scope = pool.openScope()) {
      for (int p = 0; p < shares; p++) {
        long from = n * p / shares;
        long to = n * (p + 1) / shares;
        parts.add(scope.fork(() -> {
          Histogram h = Histogram.of("fill", "synthetic fill", axis);
          double[] buf = new double[1 << 20];
          for (long done = from; done < to; done += buf.length) {
            int k = (int) Math.min(buf.length, to - done);
            double[] part = k == buf.length ? buf : new double[k];
            Synthetic.values(SEED, done, 0, 1, part);
            for (double v : part) {
              h.add(axis.index(v));
            }
          }
          return h;
        }));
      }
      scope.join();
    }
    Histogram all = Histogram.of("fill", "synthetic fill", axis);
    parts.forEach(t -> all.merge(t.join()));
    return all;
  }

  private void processBenchmarks(BenchContext ctx, BenchOutput out, long n, int reps, RegularAxis axis,
      Histogram expected, double unused) throws Exception {
    CallLimits limits = CallLimits.defaults().withTimeout(Duration.ofMinutes(10));
    // Same work on threads: generate each share's values and fill, as the children do.
    double threadsTwoRate = 0;
    for (int threads : new int[] {1, 2}) {
      try (TaskPool pool = TaskPool.create(threads)) {
        Histogram[] got = new Histogram[1];
        long t = median(reps, () -> time(() -> got[0] = threadsSameWork(pool, threads, n, axis)));
        if (!got[0].sameAs(expected)) {
          throw new IllegalStateException("threads (generate+fill) filled a different histogram than the plain loop");
        }
        threadsTwoRate = n / (t / 1e9);
        out.row("weft", "generate-fill", threads).param("mode", "per-thread").param("events", n)
            .param("work", "generate+fill (the processes' job, on threads)").emit(threadsTwoRate, "fills/s");
      }
    }
    for (int processes : new int[] {1, 2}) {
      try (WorkerPool workers = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(processes))) {
        long spawn = ProcessFill.warmUp(workers, processes, limits);
        ProcessFill.Outcome[] last = new ProcessFill.Outcome[1];
        long t = median(reps, () -> {
          try {
            last[0] = ProcessFill.synthetic(workers, processes, SEED, n, BINS, 0, 1, limits);
            return last[0].timing().wallNanos();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted");
          }
        });
        if (!last[0].histograms().get("fill").sameAs(expected)) {
          throw new IllegalStateException("processes filled a different histogram than the plain loop");
        }
        ProcessFill.Timing tm = last[0].timing();
        BenchOutput.Row row = out.row("weft", "generate-fill", processes).param("mode", "processes").param("events", n)
            .param("processes", processes)
            .param("spawn_ms", spawn / 1e6)
            .param("child_compute_ms", tm.childComputeNanos() / 1e6)
            .param("transfer_ms", tm.transferNanos() / 1e6)
            .param("decode_merge_ms", tm.decodeNanos() / 1e6)
            .param("bytes_returned", tm.bytesReturned())
            .param("work", "generate+fill")
            .param("note", "value excludes spawn (warm workers); children generate their share, no input is shipped");
        if (processes == 2) {
          row.param("threads_vs_processes", threadsTwoRate / (n / (t / 1e9)))
              .param("threads_vs_processes_with_spawn", threadsTwoRate / (n / ((t + spawn) / 1e9)));
        }
        row.emit(n / (t / 1e9), "fills/s");
      }
    }
  }

  private void adlBenchmarks(BenchContext ctx, BenchOutput out, long events, int reps) {
    Batch sample = Resample.readAll(SampleData.defaultSample(), AdlQueries.columns());
    long t0 = System.nanoTime();
    List<Batch> batches = Resample.batches(sample, AdlQueries.columns(), events, CHUNK, SEED);
    ctx.log().printf("analysis: %,d ADL events resampled in memory in %.1f s; median of %d runs per query%n", events,
        (System.nanoTime() - t0) / 1e9, reps);
    for (String q : AdlQueries.QUERIES) {
      for (int threads : new int[] {1, 2}) {
        try (TaskPool pool = TaskPool.create(threads)) {
          long t = median(reps, () -> time(() -> {
            DataFrame df = DataFrame.fromBatches(batches, pool, FillMode.perThread());
            Map<String, Result<Histogram>> booked = AdlQueries.book(df, AdlQueries.parse(q));
            df.run();
            booked.values().forEach(Result::get);
          }));
          double perCore = events / (t / 1e9) / threads;
          out.row("weft", "adl-q" + q, threads).param("mode", "per-thread").param("events", events)
              .param("in_memory", true).param("per_cpu_second", events / (last.cpuMedian() / 1e9))
              .emit(perCore, "events/s/core");
        }
      }
    }
  }
}
