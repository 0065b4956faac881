package dev.weft.analysis.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.hist.AdlAxis;
import dev.weft.analysis.hist.Axis;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.analysis.hist.VariableAxis;
import dev.weft.runtime.pool.TaskPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-pass choice of a 1-D fill path ({@code HistoAction.kernelFor}): each kernel (regular or ADL axis,
 * float or double column) and each case that must not take one (variable axis, a filter, a weight, a shared
 * histogram) fills exactly what a plain per-value loop fills, at 1, 2 and 8 threads (per-thread mode) and in every other fill mode. Values
 * include underflow, overflow and NaN, so a kernel that dropped the flow bins would fail.
 */
class FillKernelTest {
  private static final int CHUNKS = 7;
  private static final int ROWS = 601;

  private static List<Batch> data() {
    SplittableRandom r = new SplittableRandom(5);
    List<Batch> out = new ArrayList<>();
    for (int c = 0; c < CHUNKS; c++) {
      double[] d = new double[ROWS];
      float[] f = new float[ROWS];
      double[] w = new double[ROWS];
      for (int i = 0; i < ROWS; i++) {
        d[i] = i % 97 == 0 ? Double.NaN : r.nextDouble(-2, 12);
        f[i] = (float) r.nextDouble(-2, 12);
        w[i] = r.nextDouble(0.5, 2);
      }
      out.add(new Batch(ROWS, Map.of("E.f", f), Map.of("E.d", d, "E.w", w), Map.of(), Map.of()));
    }
    return out;
  }

  private record Case(String name, Axis axis, boolean floats, boolean filtered, boolean weighted) {}

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    List<Axis> axes = List.of(new RegularAxis(40, 0, 10, "x", ""), new AdlAxis(0, 10, 40, "x", ""),
        new VariableAxis(new double[] {0, 1, 2.5, 5, 10}, "x", ""));
    for (Axis a : axes) {
      for (boolean floats : new boolean[] {false, true}) {
        cases.add(new Case(a + (floats ? " float" : " double"), a, floats, false, false));
        cases.add(new Case(a + (floats ? " float" : " double") + " filtered", a, floats, true, false));
      }
      cases.add(new Case(a + " double weighted", a, false, false, true));
    }
    return cases;
  }

  /** The expected histogram, filled value by value without the engine. */
  private static Histogram expected(List<Batch> data, Case k) {
    Histogram h = k.weighted() ? Histogram.weighted("h", "", k.axis()) : Histogram.of("h", "", k.axis());
    for (Batch b : data) {
      double[] d = b.doubles("E.d");
      float[] f = b.floats("E.f");
      double[] w = b.doubles("E.w");
      for (int i = 0; i < b.rows(); i++) {
        double v = k.floats() ? f[i] : d[i];
        if (k.filtered() && !(d[i] > 3)) {
          continue;
        }
        if (k.weighted()) {
          h.add(k.axis().index(v), w[i]);
        } else {
          h.add(k.axis().index(v));
        }
      }
    }
    return h;
  }

  private static Histogram engine(List<Batch> data, Case k, int threads, FillMode mode) {
    try (TaskPool pool = TaskPool.create(threads)) {
      DataFrame df = DataFrame.fromBatches(data, pool, mode);
      Col d = df.doubleColumn("E.d");
      DataFrame node = k.filtered() ? df.filter(e -> e.get(d) > 3) : df;
      Col x = k.floats() ? df.floatColumn("E.f") : d;
      Result<Histogram> h = k.weighted() ? node.histo1D("h", "", k.axis(), x, df.doubleColumn("E.w"))
          : node.histo1D("h", "", k.axis(), x);
      return h.get();
    }
  }

  @Test
  void everyFillPathMatchesAPlainLoopAtAnyThreadCountInEveryMode() {
    List<Batch> data = data();
    for (Case k : cases()) {
      Histogram want = expected(data, k);
      assertTrue(want.total() > 0, k.name());
      for (FillMode m : FillMode.all()) {
        // The kernels are per-thread only: every thread count there; the shared modes (a lock per fill,
        // slow on a busy machine) at 2 threads, enough to show they do not take a kernel.
        for (int threads : m.kind() == FillMode.Kind.PER_THREAD ? new int[] {1, 2, 8} : new int[] {2}) {
          Histogram got = engine(data, k, threads, m);
          String what = k.name() + ", " + m.name() + " at " + threads + " threads";
          if (k.weighted()) {
            // Sums of doubles depend on the order of additions: equal within rounding, and equal counts.
            assertEquals(want.total(), got.total(), 1e-9 * want.total(), what);
          } else {
            assertTrue(want.sameAs(got), what);
          }
        }
      }
    }
  }
}
