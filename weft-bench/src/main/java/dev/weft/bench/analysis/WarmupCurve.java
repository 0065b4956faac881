package dev.weft.bench.analysis;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.analysis.proc.Synthetic;
import dev.weft.runtime.pool.TaskPool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A probe for the engine's warm-up, run in a fresh JVM: the CPU time of every pass, pass by pass, of the
 * plain loop and of the engine with one worker (the same 20M values and 64 Ki-value batches as {@code weft
 * bench analysis}), in the order given, so the first seconds of a JVM can be compared with steady state.
 * Not a bench row: each JVM gives one curve, and the curves of many fresh JVMs are what shows warm-up.
 *
 * <p>{@code java -cp weft-bench.jar dev.weft.bench.analysis.WarmupCurve ORDER PASSES [FILLS]} with ORDER
 * {@code plain,engine} or {@code engine,plain} (also {@code chunks}: a bare loop over the engine's batch
 * arrays, which tells the engine's memory from the engine): PASSES passes of each side in turn; {@code alt}: PASSES
 * pairs, both sides from the start in ABBA order (neighbours see the same load, so their ratio is steadier). Prints one line per
 * pass: {@code side pass jvm_uptime_ms cpu_ns_per_fill wall_ns_per_fill jit_cpu_ns_per_fill
 * gc_cpu_ns_per_fill} (the uptime, read at the end of the pass, is the clock of
 * {@code -XX:+PrintCompilation}, so passes can be matched with compilations).
 */
public final class WarmupCurve {
  private WarmupCurve() {}

  public static void main(String[] args) {
    List<String> order = List.of(args[0].split(","));
    int passes = Integer.parseInt(args[1]);
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000_000;
    long start = System.nanoTime();
    RegularAxis axis = new RegularAxis(AnalysisBench.BINS, 0, 1, "x", "");
    double[] values = new double[n];
    Synthetic.values(AnalysisBench.SEED, 0, 0, 1, values);
    List<Batch> batches = new ArrayList<>();
    for (int from = 0; from < values.length; from += AnalysisBench.CHUNK) {
      double[] part = Arrays.copyOfRange(values, from, Math.min(values.length, from + AnalysisBench.CHUNK));
      batches.add(new Batch(part.length, Map.of(), Map.of("E.x", part), Map.of(), Map.of()));
    }
    Histogram expected = AnalysisBench.plainFill(values, axis);
    try (TaskPool pool = TaskPool.create(1)) {
      Runnable plain = () -> check(AnalysisBench.plainFill(values, axis), expected);
      Runnable engine = () -> {
        DataFrame df = DataFrame.fromBatches(batches, pool, FillMode.perThread());
        check(df.histo1D("fill", "", axis, df.doubleColumn("E.x")).get(), expected);
      };
      // The bare loop over the engine's own batch arrays: the engine's memory without the engine.
      Runnable chunks = () -> check(AnalysisBench.plainBatches(batches, axis), expected);
      if (order.equals(List.of("alt"))) {
        // Both sides from the first pass, in ABBA order: the ratio of neighbours is steady under load.
        for (int p = 0; p < passes; p++) {
          if (p % 2 == 0) {
            pass("plain", p, plain, start, n);
            pass("engine", p, engine, start, n);
          } else {
            pass("engine", p, engine, start, n);
            pass("plain", p, plain, start, n);
          }
        }
        return;
      }
      for (String side : order) {
        Runnable r = switch (side) {
          case "plain" -> plain;
          case "engine" -> engine;
          case "chunks" -> chunks;
          default -> throw new IllegalArgumentException("side is plain, engine or chunks: " + side);
        };
        for (int p = 0; p < passes; p++) {
          pass(side, p, r, start, n);
        }
      }
    }
  }

  private static void pass(String side, int p, Runnable r, long start, int n) {
    long[] t0 = JvmThreadClock.read();
    long w0 = System.nanoTime();
    long c0 = AnalysisBench.processCpuNanos();
    r.run();
    long c1 = AnalysisBench.processCpuNanos();
    long w1 = System.nanoTime();
    long[] t1 = JvmThreadClock.read();
    System.out.printf(Locale.ROOT, "%s %d %d %.3f %.3f %.3f %.3f%n", side, p,
        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
        (c1 - c0) / (double) n, (w1 - w0) / (double) n, (t1[0] - t0[0]) / (double) n, (t1[1] - t0[1]) / (double) n);
  }


  private static void check(Histogram got, Histogram expected) {
    if (!got.sameAs(expected)) {
      throw new IllegalStateException("the pass filled a different histogram");
    }
  }
}
