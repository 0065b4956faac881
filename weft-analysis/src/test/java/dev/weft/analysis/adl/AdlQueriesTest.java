package dev.weft.analysis.adl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.Histogram;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class AdlQueriesTest {
  static Map<String, SortedMap<Double, Long>> run(Path input, int threads, FillMode mode) {
    try (TaskPool pool = TaskPool.create(threads)) {
      DataFrame df = DataFrame.fromFile(input, pool, mode, ProgressListener.NONE);
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
  void everyFillModeGivesTheSameCounts() {
    Map<String, SortedMap<Double, Long>> expected = run(AdlData.flat(), 2, FillMode.perThread());
    for (FillMode m : new FillMode[] {FillMode.atomic(), FillMode.synchronizedLock(), FillMode.reentrant(), FillMode.fair()}) {
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
