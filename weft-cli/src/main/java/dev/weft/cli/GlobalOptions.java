package dev.weft.cli;

import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.TaskPool;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every subcommand accepts, before or after its name. */
public final class GlobalOptions {
  @Option(names = "--threads", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "Worker threads of the shared task pool: 0 = all available processors (default), 1..4096.")
  int threads = 0;

  @Option(names = "--repo", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "Repository directory (default: $WEFT_REPO, else ./weft-repo); created on first use.")
  Path repo;

  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "Machine-readable output: JSON on stdout, no progress bars.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "Print only errors and the essential result; no progress.")
  boolean quiet;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Show stack traces for errors.")
  boolean debug;

  @Option(names = "--limit", paramLabel = "NAME=VALUE", scope = ScopeType.INHERIT,
      description = "Override a named concurrency limit or byte budget, e.g. --limit ec.jobs=4 (repeatable).")
  Map<String, Long> limits = new LinkedHashMap<>();

  /** The validated thread count (0 = all processors); a usage error outside 0..4096. */
  public int threads() {
    if (threads < 0 || threads > TaskPool.MAX_THREADS) {
      throw new UsageException("--threads must be 0 (all processors) or between 1 and "
          + TaskPool.MAX_THREADS + ", got " + threads);
    }
    return threads;
  }

  public Path repo() {
    if (repo != null) {
      return repo;
    }
    String env = System.getenv("WEFT_REPO");
    return Path.of(env != null && !env.isBlank() ? env : "weft-repo");
  }

  public boolean json() {
    return json;
  }

  public boolean quiet() {
    return quiet;
  }

  public boolean debug() {
    return debug;
  }

  /** The {@code --limit} overrides; a usage error if a value is below 1. */
  public Map<String, Long> limits() {
    limits.forEach((name, value) -> {
      if (value < 1) {
        throw new UsageException("--limit " + name + "=" + value + ": a limit must be at least 1");
      }
    });
    return limits;
  }
}
