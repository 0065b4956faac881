package dev.weft.cli.analysis;

import dev.weft.analysis.io.EventGenerator;
import dev.weft.cli.CliContext;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.progress.ProgressTask;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft analyze generate}: large inputs by seeded resampling of the real sample events. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write a large Parquet event file by resampling the sample's events.",
        "Same schema as the sample; seeded, so the same seed gives the same file. Written in row groups,",
        "so memory stays bounded."})
public final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--events", required = true, paramLabel = "N", description = "Number of events to write (at least 1).")
  long events;

  @Option(names = "--out", required = true, paramLabel = "FILE.parquet", description = "Output file (replaced if it exists).")
  Path out;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--from", paramLabel = "SAMPLE.parquet",
      description = "Sample to resample (either Parquet layout; default: the shared 1000-event ADL sample, flat layout).")
  Path from;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    if (events < 1) {
      throw new UsageException("--events must be at least 1, got " + events);
    }
    if (!out.getFileName().toString().endsWith(".parquet")) {
      throw new UsageException("--out must name a .parquet file, got " + out);
    }
    Path sample = from != null ? from : SampleData.defaultSample();
    if (!java.nio.file.Files.isRegularFile(sample)) {
      throw new UsageException(sample + ": no such file");
    }
    refuseWhatCannotFit(events, out);
    long t0 = System.nanoTime();
    EventGenerator.Generated g;
    try (ProgressTask task = ProgressTask.start(ctx.progress(), "generate " + out.getFileName(), events, "events")) {
      g = EventGenerator.generate(sample, out, events, seed, task);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (ctx.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", g.file().toString());
      m.put("events", g.events());
      m.put("bytes", g.bytes());
      m.put("seed", seed);
      m.put("sample", sample.toString());
      m.put("seconds", seconds);
      ctx.printJson(m);
    } else {
      ctx.out().printf("wrote %,d events (%,d bytes) to %s in %.1f s (seed %d, resampled from %s)%n",
          g.events(), g.bytes(), g.file(), seconds, seed, sample);
    }
    return 0;
  }

  /**
   * Generated files take about 87 bytes per event (10M events of the shared sample: 871 MB); a request
   * that would not fit at even half that is refused before anything is written, instead of running until
   * the disk is full.
   */
  static void refuseWhatCannotFit(long events, Path out) {
    Path dir = out.toAbsolutePath().getParent();
    if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
      return; // the writer names a missing directory itself
    }
    long free;
    try {
      java.nio.file.FileStore store = java.nio.file.Files.getFileStore(dir);
      if (store.getTotalSpace() == 0) {
        return; // a pseudo file system (/proc): the writer reports that it takes no files
      }
      free = store.getUsableSpace();
    } catch (java.io.IOException e) {
      return; // the check is advisory: a mount that cannot say how much is free is not refused
    }
    if (events > free / 40) { // refused only if even 40 bytes per event would not fit
      throw new UsageException(String.format(
          "--events %,d would take about %.1f GiB (87 bytes per event) but %s has %.1f GiB free",
          events, events * 87.0 / (1L << 30), dir, free / (double) (1L << 30)));
    }
  }
}
