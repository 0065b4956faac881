package dev.weft.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates the shared ADL sample (../shared/data/adl from the worktree, or $WEFT_ADL_DATA). */
public final class AdlData {
  private AdlData() {}

  public static Path dir() {
    String env = System.getenv("WEFT_ADL_DATA");
    if (env != null && Files.isDirectory(Path.of(env))) {
      return Path.of(env);
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path c = p.resolve("shared/data/adl");
      if (Files.isDirectory(c)) {
        return c;
      }
      c = p.resolve("../shared/data/adl").normalize();
      if (Files.isDirectory(c)) {
        return c;
      }
      p = p.getParent();
    }
    Assumptions.abort("ADL sample data not found (set WEFT_ADL_DATA)");
    return null;
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
