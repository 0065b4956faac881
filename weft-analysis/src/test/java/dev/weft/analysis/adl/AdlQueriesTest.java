package dev.weft.analysis.adl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.SmallChunks;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.io.EventFiles;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class AdlQueriesTest {
  /** Events per chunk: 28 chunks of the 1000-event sample, an odd size so chunks do not line up with anything. */
  static final int CHUNK = 37;

  /**
   * Every query over {@code input}, handed out in chunks of {@link #CHUNK} events: read as they come, each
   * sample file is a single chunk, so only small chunks make several threads fill and merge partial results.
   */
  static Map<String, SortedMap<Double, Long>> run(Path input, int threads, FillMode mode) {
    try (TaskPool pool = TaskPool.create(threads)) {
      DataFrame df = DataFrame.over(cols -> new SmallChunks(EventFiles.open(input, cols), cols, CHUNK), pool, mode,
          ProgressListener.NONE);
      Map<String, Result<Histogram>> booked = AdlQueries.book(df, AdlQueries.parse("all"));
      Map<String, SortedMap<Double, Long>> out = new LinkedHashMap<>();
      booked.forEach((id, r) -> out.put(id, r.get().nonEmptyCounts()));
      return out;
    }
  }

  @Test
  void threeInputsGiveIdenticalResultsAtAnyThreadCount() {
    Map<String, SortedMap<Double, Long>> expected = run(AdlData.json(), 1, FillMode.perThread());
    assertEquals(AdlQueries.HISTOGRAMS, java.util.List.copyOf(expected.keySet()));
    for (Path input : new Path[] {AdlData.flat(), AdlData.nested(), AdlData.json()}) {
      for (int threads : new int[] {1, 2, 8}) {
        assertEquals(expected, run(input, threads, FillMode.perThread()), input + " at " + threads + " threads");
      }
    }
  }

  @Test
  void anEventWithNoTripletOfDefinedMassIsSkippedByQuery6() {
    // One event, three jets of undefined mass (NaN, as a null mass reads): no triplet is closest to 172.5.
    java.util.Map<String, float[]> floats = new java.util.HashMap<>();
    java.util.Map<String, int[]> ints = new java.util.HashMap<>();
    java.util.Map<String, int[]> offsets = new java.util.HashMap<>();
    for (var c : AdlQueries.columns()) {
      int n = !c.jagged() ? 1 : c.group().equals("Jet") ? 3 : 0;
      if (c.jagged()) {
        offsets.put(c.group(), new int[] {0, n});
      }
      if (c.type() == dev.weft.analysis.columnar.ColumnType.INT) {
        ints.put(c.name(), new int[n]);
      } else {
        float[] v = new float[n];
        java.util.Arrays.fill(v, c.name().equals("Jet.mass") ? Float.NaN : 30f);
        floats.put(c.name(), v);
      }
    }
    var batch = new dev.weft.analysis.columnar.Batch(1, floats, ints, offsets);
    try (TaskPool pool = TaskPool.create(1)) {
      DataFrame df = DataFrame.fromBatches(java.util.List.of(batch), pool, FillMode.perThread());
      Map<String, Result<Histogram>> booked = AdlQueries.book(df, AdlQueries.parse("6"));
      assertEquals(0, booked.get("q6-1").get().total(), "q6-1");
      assertEquals(0, booked.get("q6-2").get().total(), "q6-2");
    }
  }

  @Test
  void theSampleIsSplitIntoManyChunks() {
    for (Path input : new Path[] {AdlData.flat(), AdlData.nested(), AdlData.json()}) {
      var cols = AdlQueries.columns();
      int chunks = 0;
      long events = 0;
      try (var source = new SmallChunks(EventFiles.open(input, cols), cols, CHUNK)) {
        for (var b = source.next(); b != null; b = source.next()) {
          chunks++;
          events += b.rows();
        }
      }
      assertEquals(1000, events, input.toString());
      assertEquals((1000 + CHUNK - 1) / CHUNK, chunks, input.toString());
    }
  }

  @Test
  void everyFillModeGivesTheSameCounts() {
    Map<String, SortedMap<Double, Long>> expected = run(AdlData.flat(), 1, FillMode.perThread());
    for (FillMode m : new FillMode[] {FillMode.atomic(), FillMode.synchronizedLock(), FillMode.reentrant(), FillMode.fair(),
        FillMode.weftLock()}) {
      assertEquals(expected, run(AdlData.flat(), 2, m), m.name());
    }
  }

  @Test
  void totalsMatchSimpleFacts() {
    Map<String, SortedMap<Double, Long>> r = run(AdlData.nested(), 2, FillMode.perThread());
    long q1 = r.get("q1").values().stream().mapToLong(Long::longValue).sum();
    assertEquals(1000, q1, "every event has one MET value");
    long q2 = r.get("q2").values().stream().mapToLong(Long::longValue).sum();
    long q3 = r.get("q3").values().stream().mapToLong(Long::longValue).sum();
    assertTrue(q3 < q2 && q3 > 0, "central jets are a strict subset of all jets");
    long q4 = r.get("q4").values().stream().mapToLong(Long::longValue).sum();
    assertTrue(q4 < 1000 && q4 > 0);
    assertEquals(r.get("q6-1").values().stream().mapToLong(Long::longValue).sum(),
        r.get("q6-2").values().stream().mapToLong(Long::longValue).sum(), "one triplet per event feeds both Q6 histograms");
  }
}
