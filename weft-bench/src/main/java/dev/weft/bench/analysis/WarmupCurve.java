package dev.weft.bench.analysis;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.runtime.pool.TaskPool;
import java.util.List;
import java.util.Locale;

/**
 * A probe for the engine's warm-up, run in a fresh JVM: the CPU time of every pass, pass by pass, of the
 * plain loop and of the engine with one worker (the same 20M values and 64 Ki-value batches as {@code weft
 * bench analysis}, settled the same way by {@link FillData}), in the order given, so the first seconds of a
 * JVM can be compared with steady state. Not a bench row: each JVM gives one curve, and the curves of many
 * fresh JVMs are what shows warm-up.
 *
 * <p>{@code java -cp weft-bench.jar dev.weft.bench.analysis.WarmupCurve ORDER PASSES [FILLS]} with ORDER a
 * comma-separated list of sides — {@code plain} (the bench's plain loop: a bare loop over the engine's batch
 * arrays), {@code engine}, {@code array} (a bare loop over the values as one big array, the other copy of
 * the data) — run PASSES passes each in turn; or {@code alt}: PASSES pairs of plain and engine from the
 * start in ABBA order (neighbours see the same load, so their ratio is steadier). Prints one line per pass:
 * {@code side pass jvm_uptime_ms cpu_ns_per_fill wall_ns_per_fill jit_cpu_ns_per_fill gc_cpu_ns_per_fill
 * gcs} (the uptime, read at the end of the pass, is the clock of {@code -XX:+PrintCompilation}, so passes
 * can be matched with compilations; {@code gcs} is the number of collections during the pass).
 */
public final class WarmupCurve {
  private WarmupCurve() {}

  public static void main(String[] args) {
    List<String> order = List.of(args[0].split(","));
    int passes = Integer.parseInt(args[1]);
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000_000;
    RegularAxis axis = new RegularAxis(AnalysisBench.BINS, 0, 1, "x", "");
    FillData data = FillData.create(n, AnalysisBench.CHUNK);
    double[] values = data.values();
    List<Batch> batches = data.batches();
    Histogram expected = AnalysisBench.plainBatches(batches, axis);
    System.out.printf(Locale.ROOT, "# settled by %d full GCs, %d MB old and %d MB young generation, uptime %d ms%n",
        data.settleGcs(), data.oldGenBytes() >> 20, data.youngGenBytes() >> 20, java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
    try (TaskPool pool = TaskPool.create(1)) {
      Runnable plain = () -> check(AnalysisBench.plainBatches(batches, axis), expected);
      Runnable engine = () -> {
        DataFrame df = DataFrame.fromBatches(batches, pool, FillMode.perThread());
        check(df.histo1D("fill", "", axis, df.doubleColumn("E.x")).get(), expected);
      };
      Runnable array = () -> check(AnalysisBench.plainFill(values, axis), expected);
      if (order.equals(List.of("alt"))) {
        // Both sides from the first pass, in ABBA order: the ratio of neighbours is steady under load.
        for (int p = 0; p < passes; p++) {
          if (p % 2 == 0) {
            pass("plain", p, plain, n);
            pass("engine", p, engine, n);
          } else {
            pass("engine", p, engine, n);
            pass("plain", p, plain, n);
          }
        }
        return;
      }
      for (String side : order) {
        Runnable r = switch (side) {
          case "plain" -> plain;
          case "engine" -> engine;
          case "array" -> array;
          default -> throw new IllegalArgumentException("side is plain, engine or array: " + side);
        };
        for (int p = 0; p < passes; p++) {
          pass(side, p, r, n);
        }
      }
    }
  }

  private static void pass(String side, int p, Runnable r, int n) {
    long[] t0 = JvmThreadClock.read();
    long g0 = FillData.collections();
    long w0 = System.nanoTime();
    long c0 = AnalysisBench.processCpuNanos();
    r.run();
    long c1 = AnalysisBench.processCpuNanos();
    long w1 = System.nanoTime();
    long g1 = FillData.collections();
    long[] t1 = JvmThreadClock.read();
    System.out.printf(Locale.ROOT, "%s %d %d %.3f %.3f %.3f %.3f %d%n", side, p,
        java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
        (c1 - c0) / (double) n, (w1 - w0) / (double) n, (t1[0] - t0[0]) / (double) n, (t1[1] - t0[1]) / (double) n,
        g1 - g0);
  }

  private static void check(Histogram got, Histogram expected) {
    if (!got.sameAs(expected)) {
      throw new IllegalStateException("the pass filled a different histogram");
    }
  }
}
