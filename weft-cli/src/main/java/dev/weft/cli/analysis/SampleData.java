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
    // From the working directory up, then from weft's own jar up (so it works from any directory when
    // run out of a checkout that sits next to shared/).
    for (Path start : new Path[] {Path.of("").toAbsolutePath(), codeLocation()}) {
      for (Path p = start; p != null; p = p.getParent()) {
        for (String rel : new String[] {"shared/data/adl", "../shared/data/adl"}) {
          Path c = p.resolve(rel).resolve(FLAT).normalize();
          if (Files.isRegularFile(c)) {
            return c;
          }
        }
      }
    }
    throw new UsageException("no ADL sample found (looked for shared/data/adl/" + FLAT
        + " above the current directory and above weft's jar; set $WEFT_ADL_DATA to the directory holding it)");
  }

  private static Path codeLocation() {
    try {
      return Path.of(SampleData.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return null; // unusual class loader: the working directory search is all we have
    }
  }
}
