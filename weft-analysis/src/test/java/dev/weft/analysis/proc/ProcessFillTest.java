package dev.weft.analysis.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.adl.AdlQueries;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.worker.CallLimits;
import dev.weft.runtime.worker.WorkerPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.weft.analysis.io.JsonShares;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessFillTest {
  @TempDir
  Path dir;

  @Test
  void childProcessesFillTheSameHistogramsAsThreads() throws Exception {
    try (WorkerPool workers = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(2))) {
      CallLimits limits = CallLimits.defaults();
      ProcessFill.Outcome synth = ProcessFill.synthetic(workers, 2, 9, 100_001, 100, 0, 1, limits);
      Histogram plain = Histogram.of("fill", "", new RegularAxis(100, 0, 1, "x", ""));
      double[] v = new double[100_001];
      Synthetic.values(9, 0, 0, 1, v);
      for (double d : v) {
        plain.fill(d);
      }
      assertTrue(plain.sameAs(synth.histograms().get("fill")));
      assertEquals(100_001, synth.events());
      assertTrue(synth.timing().bytesReturned() > 0);

      ProcessFill.Outcome adl = ProcessFill.adl(workers, 2, AdlData.flat(), "all", limits);
      try (TaskPool pool = TaskPool.create(2)) {
        DataFrame df = DataFrame.fromFile(AdlData.flat(), pool, FillMode.perThread(), ProgressListener.NONE);
        var booked = AdlQueries.book(df, AdlQueries.parse("all"));
        booked.forEach((id, r) -> assertTrue(r.get().sameAs(adl.histograms().get(id)), id));
      }
      assertEquals(1000, adl.events());

      // JSON lines: shares are byte ranges of whole lines; same histograms as the Parquet runs above.
      ProcessFill.Outcome json = ProcessFill.adl(workers, 2, AdlData.json(), "all", limits);
      assertEquals(1000, json.events());
      adl.histograms().forEach((id, h) -> assertTrue(h.sameAs(json.histograms().get(id)), id));

      // A malformed line in the second share is named by its line number in the whole file.
      List<String> lines = Files.readAllLines(AdlData.json());
      lines.set(900, lines.get(900).substring(0, 40));
      Path broken = dir.resolve("broken.jsonl");
      Files.write(broken, lines);
      assertEquals(2, JsonShares.split(broken, 2).size());
      BadDataException bad = assertThrows(BadDataException.class, () -> ProcessFill.adl(workers, 2, broken, "1", limits));
      assertTrue(bad.getMessage().contains("broken.jsonl:901: malformed JSON"), bad.getMessage());

      Path junk = dir.resolve("junk.parquet");
      Files.writeString(junk, "not parquet at all");
      assertThrows(BadDataException.class, () -> ProcessFill.adl(workers, 2, junk, "all", limits));
    }
  }
}
