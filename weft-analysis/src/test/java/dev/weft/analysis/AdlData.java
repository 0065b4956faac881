package dev.weft.analysis;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the ADL sample shipped in the checkout ({@code data/adl} above the module), or $WEFT_ADL_DATA. */
public final class AdlData {
  private AdlData() {}

  public static Path dir() {
    String env = System.getenv("WEFT_ADL_DATA");
    if (env != null && Files.isDirectory(Path.of(env))) {
      return Path.of(env);
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path c = p.resolve("data/adl");
      if (Files.isRegularFile(c.resolve("QUERIES.md"))) {
        return c;
      }
      p = p.getParent();
    }
    // The sample ships with the checkout: a missing sample is a broken checkout, never a skipped test.
    throw new IllegalStateException("ADL sample data/adl not found above " + Path.of("").toAbsolutePath());
  }

  public static Path flat() {
    return dir().resolve("Run2012B_SingleMu-1000.parquet");
  }

  public static Path nested() {
    return dir().resolve("Run2012B_SingleMu-restructured-1000.parquet");
  }

  public static Path json() {
    return dir().resolve("Run2012B_SingleMu_restructured_1000.jsonl");
  }
}
