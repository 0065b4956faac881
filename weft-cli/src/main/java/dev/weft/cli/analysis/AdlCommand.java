package dev.weft.cli.analysis;

import dev.weft.analysis.adl.AdlOutputs;
import dev.weft.analysis.adl.AdlQueries;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.HistogramCodec;
import dev.weft.analysis.plot.HistogramPlot;
import dev.weft.analysis.proc.ProcessFill;
import dev.weft.runtime.worker.CallLimits;
import dev.weft.runtime.worker.WorkerPool;
import dev.weft.cli.CliContext;
import dev.weft.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft analyze adl}: the ADL benchmark queries over an event file, all in one pass. */
@Command(name = "adl", mixinStandardHelpOptions = true,
    description = {"Run the ADL benchmark queries and write their histograms.",
        "Queries 1-8 (see data/adl/QUERIES.md) over a Parquet (either layout) or JSON-lines event file,",
        "every chosen query filled in one parallel pass. Writes DIR/qQ.csv",
        "(x,y per non-empty bin; query 6 gives q6-1 and q6-2), DIR/qQ.png and DIR/qQ.hist.json."})
public final class AdlCommand implements Callable<Integer> {
  @Option(names = "--query", paramLabel = "Q", description = "A query 1..8, a comma-separated list, or all (default: ${DEFAULT-VALUE}).")
  String query = "all";

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "Events: .parquet (nested or flat layout) or .jsonl.")
  Path input;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("adl-out");

  @Option(names = "--fill-mode", paramLabel = "MODE",
      description = {"How the histograms are filled: per-thread (default), atomic, locked-synchronized, locked-reentrant,",
          "locked-fair, locked-weft (weft's barging lock), or processes (one child JVM per --threads, each filling a share: Parquet row groups, or JSON lines split into byte ranges of whole lines)."})
  String fillMode = "per-thread";

  @Option(names = "--plot", paramLabel = "FORMAT", description = "Plot format: png (default), svg or none.")
  String plot = "png";

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    boolean processes = fillMode.equals("processes");
    FillMode mode = processes ? FillMode.perThread() : FillMode.byName(fillMode).orElseThrow(() -> new UsageException(
        "unknown --fill-mode '" + fillMode + "'; known: "
            + FillMode.all().stream().map(FillMode::name).collect(Collectors.joining(", ")) + ", processes"));
    if (!List.of("png", "svg", "none").contains(plot)) {
      throw new UsageException("--plot must be png, svg or none, got '" + plot + "'");
    }
    if (!Files.isRegularFile(input)) {
      throw new UsageException(input + ": no such file");
    }
    var queries = AdlQueries.parse(query);
    Map<String, Histogram> results = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    long events;
    int threads = ctx.pool().parallelism();
    if (processes) {
      try (WorkerPool workers = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(threads))) {
        ProcessFill.Outcome o = ProcessFill.adl(workers, threads, input, String.join(",", queries),
            CallLimits.defaults().withTimeout(java.time.Duration.ofHours(1)).withHeapBytes(1L << 30));
        results.putAll(o.histograms());
        events = o.events();
      }
    } else {
      DataFrame df = DataFrame.fromFile(input, ctx.pool(), mode,
          ctx.json() || ctx.quiet() ? dev.weft.runtime.progress.ProgressListener.NONE : ctx.progress());
      Map<String, Result<Histogram>> booked = AdlQueries.book(df, queries);
      events = df.run();
      booked.forEach((id, r) -> results.put(id, r.get()));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Files.createDirectories(out);
    List<Map<String, Object>> written = new ArrayList<>();
    for (Map.Entry<String, Histogram> e : results.entrySet()) {
      Histogram h = e.getValue();
      Path csv = out.resolve(e.getKey() + ".csv");
      AdlOutputs.writeCsv(h, csv);
      HistogramCodec.write(h, out.resolve(e.getKey() + ".hist.json"));
      Path plotFile = null;
      if (!plot.equals("none")) {
        plotFile = out.resolve(e.getKey() + "." + plot);
        HistogramPlot.write(h, plotFile);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("histogram", e.getKey());
      m.put("entries", (long) h.total());
      m.put("csv", csv.toString());
      m.put("plot", plotFile == null ? null : plotFile.toString());
      written.add(m);
    }
    if (ctx.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("input", input.toString());
      m.put("events", events);
      m.put("threads", ctx.pool().parallelism());
      m.put("fill_mode", processes ? "processes" : mode.name());
      m.put("seconds", seconds);
      m.put("histograms", written);
      ctx.printJson(m);
    } else {
      ctx.out().printf("%,d events from %s in %.2f s on %d threads (%s fill)%n", events, input, seconds,
          threads, processes ? "processes" : mode.name());
      for (Map<String, Object> m : written) {
        ctx.out().printf("  %-5s %,10d entries  %s%s%n", m.get("histogram"), (Long) m.get("entries"), m.get("csv"),
            m.get("plot") == null ? "" : "  " + m.get("plot"));
      }
    }
    return 0;
  }
}
