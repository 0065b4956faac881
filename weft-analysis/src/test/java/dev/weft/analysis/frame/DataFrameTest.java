package dev.weft.analysis.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.runtime.pool.TaskPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DataFrameTest {
  /** Chunks of events with a double column x and a jagged collection P with float property v. */
  static List<Batch> data(int chunks, int rows, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Batch> out = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      double[] x = new double[rows];
      int[] off = new int[rows + 1];
      List<Float> v = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        x[i] = r.nextGaussian() * 3 + 5;
        int n = r.nextInt(4);
        for (int k = 0; k < n; k++) {
          v.add((float) r.nextDouble(0, 10));
        }
        off[i + 1] = v.size();
      }
      float[] vv = new float[v.size()];
      for (int i = 0; i < vv.length; i++) {
        vv[i] = v.get(i);
      }
      out.add(new Batch(rows, Map.of("P.v", vv), Map.of("E.x", x), Map.of(), Map.of("P", off)));
    }
    return out;
  }

  record Outcome(Histogram hx, Histogram hv, Histogram h2, long count, double sum) {}

  static Outcome run(List<Batch> data, int threads, FillMode mode) {
    try (TaskPool pool = TaskPool.create(threads)) {
      DataFrame df = DataFrame.fromBatches(data, pool, mode);
      Col x = df.doubleColumn("E.x");
      Collection p = df.collection("P");
      Items v = df.floatItems("P.v");
      DataFrame busy = df.filter(e -> e.count(p) >= 2);
      Col lead = busy.define("lead", e -> {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = e.begin(p); j < e.end(p); j++) {
          m = Math.max(m, e.get(v, j));
        }
        return m;
      });
      RegularAxis ax = new RegularAxis(50, 0, 10, "x", "");
      Result<Histogram> hx = df.histo1D("hx", "", ax, x);
      Result<Histogram> hv = df.histo1D("hv", "", ax, v);
      Result<Histogram> h2 = busy.histo2D("h2", "", ax, ax, x, lead);
      Result<Long> count = busy.count();
      Result<Double> sum = busy.sum(lead);
      return new Outcome(hx.get(), hv.get(), h2.get(), count.get(), sum.get());
    }
  }

  @Test
  void identicalAtOneTwoAndEightThreadsInEveryMode() {
    List<Batch> data = data(24, 5_000, 11);
    Outcome ref = run(data, 1, FillMode.perThread());
    assertEquals(24 * 5_000, (long) ref.hx().total());
    for (FillMode m : FillMode.all()) {
      for (int threads : new int[] {1, 2, 8}) {
        Outcome o = run(data, threads, m);
        String what = m.name() + " at " + threads;
        assertTrue(ref.hx().sameAs(o.hx()), what);
        assertTrue(ref.hv().sameAs(o.hv()), what);
        assertTrue(ref.h2().sameAs(o.h2()), what);
        assertEquals(ref.count(), o.count(), what);
        assertEquals(ref.sum(), o.sum(), 0.0, what + ": sums are added in chunk order");
      }
    }
  }

  @Test
  void matchesAPlainLoop() {
    List<Batch> data = data(3, 2_000, 5);
    Outcome o = run(data, 2, FillMode.perThread());
    RegularAxis ax = new RegularAxis(50, 0, 10, "x", "");
    Histogram hv = Histogram.of("hv", "", ax);
    long busy = 0;
    for (Batch b : data) {
      int[] off = b.offsets("P");
      float[] v = b.floats("P.v");
      for (int i = 0; i < b.rows(); i++) {
        for (int j = off[i]; j < off[i + 1]; j++) {
          hv.fill(v[j]);
        }
        if (off[i + 1] - off[i] >= 2) {
          busy++;
        }
      }
    }
    assertTrue(hv.sameAs(o.hv()));
    assertEquals(busy, o.count());
  }

  /**
   * Each task loads every chunk it pulls into one reused evaluation: with chunks of varying sizes (so a
   * selection or defined column left over from the previous chunk would be the wrong length or the wrong
   * rows), one worker must still match a plain per-event loop for a filter, a define on it, and a histogram.
   */
  @Test
  void reusedChunkEvaluationForgetsThePreviousChunk() {
    List<Batch> data = new ArrayList<>();
    int[] sizes = {5, 1, 4_000, 0, 17, 3, 1_000, 2};
    for (int k = 0; k < sizes.length; k++) {
      data.addAll(data(1, sizes[k], 100 + k));
    }
    long busy = 0;
    double leadSum = 0;
    RegularAxis ax = new RegularAxis(50, 0, 10, "x", "");
    Histogram lead = Histogram.of("lead", "", ax);
    for (Batch b : data) {
      int[] off = b.offsets("P");
      float[] v = b.floats("P.v");
      double chunkSum = 0;
      for (int i = 0; i < b.rows(); i++) {
        if (off[i + 1] - off[i] >= 2) {
          busy++;
          double m = Double.NEGATIVE_INFINITY;
          for (int j = off[i]; j < off[i + 1]; j++) {
            m = Math.max(m, v[j]);
          }
          chunkSum += m;
          lead.fill(m);
        }
      }
      leadSum += chunkSum;
    }
    for (int threads : new int[] {1, 2}) {
      try (TaskPool pool = TaskPool.create(threads)) {
        DataFrame df = DataFrame.fromBatches(data, pool, FillMode.perThread());
        Collection p = df.collection("P");
        Items v = df.floatItems("P.v");
        DataFrame two = df.filter(e -> e.count(p) >= 2);
        Col m = two.define("lead", e -> {
          double max = Double.NEGATIVE_INFINITY;
          for (int j = e.begin(p); j < e.end(p); j++) {
            max = Math.max(max, e.get(v, j));
          }
          return max;
        });
        Result<Long> count = two.count();
        Result<Double> sum = two.sum(m);
        Result<Histogram> h = two.histo1D("lead", "", ax, m);
        assertEquals(busy, count.get(), threads + " threads");
        assertEquals(leadSum, sum.get(), 0.0, threads + " threads");
        assertTrue(lead.sameAs(h.get()), threads + " threads");
      }
    }
  }

  /**
   * Thousands of tiny chunks pulled by the pass's tasks in whatever interleaving: each chunk is numbered as
   * it is read, so the sum is the per-chunk sums added in chunk order, bit for bit, at any thread count.
   */
  @Test
  void manyTinyChunksKeepPerChunkResultsAtAnyThreadCount() {
    List<Batch> data = data(3_000, 7, 3);
    double expected = 0;
    for (Batch b : data) {
      double chunkSum = 0;
      for (double v : b.doubles("E.x")) {
        chunkSum += v;
      }
      expected += chunkSum;
    }
    Outcome ref = run(data, 1, FillMode.perThread());
    for (int threads : new int[] {1, 2, 8}) {
      try (TaskPool pool = TaskPool.create(threads)) {
        DataFrame df = DataFrame.fromBatches(data, pool, FillMode.perThread());
        Result<Double> sum = df.sum(df.doubleColumn("E.x"));
        Result<Long> count = df.count();
        assertEquals(expected, sum.get(), 0.0, threads + " threads");
        assertEquals(3_000L * 7, count.get());
      }
      Outcome o = run(data, threads, FillMode.atomic());
      assertTrue(ref.h2().sameAs(o.h2()));
      assertEquals(ref.sum(), o.sum(), 0.0);
    }
  }

  /** Per-item 2-D (two properties of the same items) against a plain loop, at any thread count and mode. */
  @Test
  void perItemTwoDimensionalHistogramMatchesAPlainLoop() {
    List<Batch> data = new ArrayList<>();
    for (Batch b : data(12, 3_000, 21)) {
      float[] v = b.floats("P.v");
      float[] w = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        w[i] = (v[i] * 7.3f) % 10f;
      }
      data.add(new Batch(b.rows(), Map.of("P.v", v, "P.w", w), Map.of("E.x", b.doubles("E.x")), Map.of(),
          Map.of("P", b.offsets("P"))));
    }
    RegularAxis ax = new RegularAxis(20, 0, 10, "v", "");
    RegularAxis ay = new RegularAxis(15, 0, 10, "w", "");
    Histogram expected = Histogram.of2D("vw", "", ax, ay, false);
    for (Batch b : data) {
      int[] off = b.offsets("P");
      for (int i = 0; i < b.rows(); i++) {
        if (b.doubles("E.x")[i] > 5) {
          for (int j = off[i]; j < off[i + 1]; j++) {
            expected.fill(b.floats("P.v")[j], b.floats("P.w")[j]);
          }
        }
      }
    }
    assertTrue(expected.total() > 1000);
    for (FillMode m : FillMode.all()) {
      for (int threads : new int[] {1, 2, 8}) {
        try (TaskPool pool = TaskPool.create(threads)) {
          DataFrame df = DataFrame.fromBatches(data, pool, m);
          Col x = df.doubleColumn("E.x");
          Result<Histogram> h = df.filter(e -> e.get(x) > 5)
              .histo2D("vw", "", ax, ay, df.floatItems("P.v"), df.floatItems("P.w"));
          assertTrue(expected.sameAs(h.get()), m.name() + " at " + threads);
        }
      }
    }
  }

  @Test
  void perItemTwoDimensionalNeedsOneCollection() {
    List<Batch> none = List.of();
    try (TaskPool pool = TaskPool.create(1)) {
      DataFrame df = DataFrame.fromBatches(none, pool, FillMode.perThread());
      RegularAxis a = new RegularAxis(2, 0, 1, "a", "");
      assertThrows(IllegalArgumentException.class,
          () -> df.histo2D("bad", "", a, a, df.floatItems("P.v"), df.floatItems("Q.v")));
    }
  }

  @Test
  void bookingAfterTheRunIsRefused() {
    try (TaskPool pool = TaskPool.create(1)) {
      DataFrame df = DataFrame.fromBatches(data(1, 10, 1), pool, FillMode.perThread());
      df.count().get();
      assertThrows(IllegalStateException.class, df::count);
    }
  }

  @Test
  void usingTheDataFrameFromInsideItsOwnPassFailsInsteadOfHanging() {
    for (int threads : new int[] {1, 2}) {
      try (TaskPool pool = TaskPool.create(threads)) {
        DataFrame df = DataFrame.fromBatches(data(4, 50, 1), pool, FillMode.perThread());
        Col x = df.doubleColumn("E.x");
        Result<Long> n = df.filter(e -> e.get(df.doubleColumn("E.x")) > 0).count(); // a lookup inside the pass
        RuntimeException e = assertThrows(RuntimeException.class,
            () -> assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), n::get));
        Throwable root = e;
        while (!(root instanceof IllegalStateException) && root.getCause() != null) {
          root = root.getCause();
        }
        assertTrue(root.getMessage().contains("from inside its own pass"), String.valueOf(e));
        // Another dataframe on the same pool still runs, and booking from outside a pass is unaffected.
        DataFrame other = DataFrame.fromBatches(data(4, 50, 1), pool, FillMode.perThread());
        Col ox = other.doubleColumn("E.x");
        assertEquals(200L, other.filter(ev -> ev.get(ox) == ev.get(ox)).count().get());
        assertEquals(x, df.doubleColumn("E.x"));
      }
    }
  }

  @Test
  void aFailingLambdaFailsTheRunWithoutHangingThePool() {
    try (TaskPool pool = TaskPool.create(2)) {
      DataFrame df = DataFrame.fromBatches(data(10, 100, 1), pool, FillMode.perThread());
      Result<Long> n = df.filter(e -> {
        throw new IllegalStateException("boom");
      }).count();
      assertThrows(IllegalStateException.class, n::get);
      assertEquals(3L, pool.submit(() -> 3L).join());
    }
  }

  /**
   * Chunks cancelled before they ran must still give their read-ahead permits back. The limit is the
   * pool's named limit, shared by every run on that pool, so leaked permits would make a later run on the
   * same pool wait in acquire() forever.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
  void failedRunsNeverLeakTheReadAheadLimit(int threads) {
    try (TaskPool pool = TaskPool.create(threads)) {
      assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
        for (int round = 0; round < 20; round++) {
          DataFrame df = DataFrame.fromBatches(data(200, 10, 1), pool, FillMode.perThread());
          Result<Long> n = df.filter(e -> {
            throw new IllegalStateException("boom");
          }).count();
          assertThrows(IllegalStateException.class, n::get);
        }
        DataFrame ok = DataFrame.fromBatches(data(200, 10, 1), pool, FillMode.perThread());
        assertEquals(2000L, ok.count().get(), "a run after the failures still completes");
      });
      assertEquals(0, pool.limits().metrics().stream().mapToLong(m -> m.inUse()).sum(), "every permit came back");
    }
  }
}
