package dev.weft.cli.analysis;

import dev.weft.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared ADL sample (used by the commands, the demo and the benchmarks): $WEFT_ADL_DATA, else shared/data/adl in the current directory or a parent. */
public final class SampleData {
  static final String FLAT = "Run2012B_SingleMu-1000.parquet";

  private SampleData() {}

  /** The flat-layout 1000-event sample; a usage error naming where it looked when absent. */
  public static Path defaultSample() {
    String env = System.getenv("WEFT_ADL_DATA");
    if (env != null && !env.isBlank() && Files.isRegularFile(Path.of(env, FLAT))) {
      return Path.of(env, FLAT);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      for (String rel : new String[] {"shared/data/adl", "../shared/data/adl"}) {
        Path c = p.resolve(rel).resolve(FLAT).normalize();
        if (Files.isRegularFile(c)) {
          return c;
        }
      }
    }
    throw new UsageException("no ADL sample found (looked for shared/data/adl/" + FLAT
        + " here and in parent directories, and $WEFT_ADL_DATA); pass --from FILE");
  }
}
