package dev.weft.cli.analysis;

import dev.weft.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the 1000-event ADL sample shipped in the checkout's {@code data/adl} (used by the commands, the demo
 * and the benchmarks): $WEFT_ADL_DATA, else $WEFT_HOME/data/adl (the launcher sets WEFT_HOME), else
 * data/adl in the current directory or a parent.
 */
public final class SampleData {
  static final String FLAT = "Run2012B_SingleMu-1000.parquet";

  private SampleData() {}

  /** The flat-layout 1000-event sample; a usage error naming where it looked when absent. */
  public static Path defaultSample() {
    String env = System.getenv("WEFT_ADL_DATA");
    if (env != null && !env.isBlank() && Files.isRegularFile(Path.of(env, FLAT))) {
      return Path.of(env, FLAT);
    }
    String home = System.getenv("WEFT_HOME");
    if (home != null && !home.isBlank() && Files.isRegularFile(Path.of(home, "data", "adl", FLAT))) {
      return Path.of(home, "data", "adl", FLAT);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path c = p.resolve("data/adl").resolve(FLAT);
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    throw new UsageException("no ADL sample found (looked for data/adl/" + FLAT
        + " under $WEFT_HOME, here and in parent directories, and $WEFT_ADL_DATA); pass --from FILE");
  }
}
