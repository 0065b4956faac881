package dev.weft.cli.analysis;

import dev.weft.analysis.adl.AdlOutputs;
import dev.weft.analysis.adl.AdlQueries;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.HistogramCodec;
import dev.weft.analysis.io.EventGenerator;
import dev.weft.analysis.plot.HistogramPlot;
import dev.weft.cli.CliContext;
import dev.weft.cli.demo.DemoStep;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The analysis part of {@code weft demo}: resamples the real ADL sample into a larger Parquet file, then
 * runs all eight ADL queries over it in one parallel pass and writes their CSVs, plots and histograms.
 */
public final class AnalysisDemoStep implements DemoStep {
  static final long EVENTS = 100_000;

  @Override
  public String title() {
    return "free-threaded analysis";
  }

  @Override
  public void run(CliContext ctx, Path demoDir) throws Exception {
    Path dir = demoDir.resolve("analysis");
    Path out = dir.resolve("adl");
    Files.createDirectories(out);
    Path sample = SampleData.defaultSample();
    Path events = dir.resolve("events.parquet");
    long t0 = System.nanoTime();
    try (ProgressTask task = ProgressTask.start(ctx.progress(), "generate events", EVENTS, "events")) {
      EventGenerator.generate(sample, events, EVENTS, 1, task);
    }
    ctx.out().printf("generated %,d events by resampling %s -> %s (%.1f s)%n", EVENTS, sample.getFileName(), events,
        (System.nanoTime() - t0) / 1e9);
    DataFrame df = DataFrame.fromFile(events, ctx.pool(), FillMode.perThread(), ProgressListener.NONE);
    Map<String, Result<Histogram>> booked = AdlQueries.book(df, AdlQueries.parse("all"));
    t0 = System.nanoTime();
    df.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    for (Map.Entry<String, Result<Histogram>> e : booked.entrySet()) {
      Histogram h = e.getValue().get();
      AdlOutputs.writeCsv(h, out.resolve(e.getKey() + ".csv"));
      HistogramCodec.write(h, out.resolve(e.getKey() + ".hist.json"));
      HistogramPlot.write(h, out.resolve(e.getKey() + ".png"));
    }
    ctx.out().printf("ran the 8 ADL queries (9 histograms) in one pass on %d threads in %.2f s%n",
        ctx.pool().parallelism(), seconds);
    ctx.out().printf("outputs: %s/q*.csv, q*.png, q*.hist.json (redraw with: weft analyze plot %s)%n", out,
        out.resolve("q1.hist.json"));
    ctx.out().flush();
  }
}
