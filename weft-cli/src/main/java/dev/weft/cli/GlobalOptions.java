package dev.weft.cli;

import dev.weft.runtime.UsageException;
import dev.weft.runtime.limit.DeclaredLimit;
import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.pool.TaskPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every subcommand accepts, before or after its name. */
public final class GlobalOptions {
  @Option(names = "--threads", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "Worker threads of the shared task pool: 0 = all available processors (default), 1..4096.")
  int threads = 0;

  @Option(names = "--repo", paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "Repository directory of the store and dataset commands (default: $WEFT_REPO, else weft-repo "
          + "in the working directory); 'oci import' and 'put' create it, the others need an existing one.")
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
      description = "Override a named concurrency limit or byte budget, for example --limit ec.jobs=4 (repeatable); "
          + "an unknown NAME is refused with the list of known ones.")
  List<String> limitArgs = new ArrayList<>();

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

  /**
   * The {@code --limit} overrides by name. A usage error for anything but NAME=VALUE with a whole VALUE of
   * at least 1, and for a NAME no module declares ({@link Limits#declared}): checked when the options are
   * parsed, before the command runs, so a misspelt name never silently leaves the default in place.
   */
  public Map<String, Long> limits() {
    Map<String, Long> limits = new LinkedHashMap<>();
    List<String> known = null;
    for (String arg : limitArgs) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--limit " + arg + ": expected NAME=VALUE, e.g. --limit ec.jobs=4");
      }
      String name = arg.substring(0, eq).strip();
      String text = arg.substring(eq + 1).strip();
      long value;
      try {
        value = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new UsageException("--limit " + arg + ": VALUE must be a whole number, got '" + text + "'");
      }
      if (value < 1) {
        throw new UsageException("--limit " + name + "=" + value + ": a limit must be at least 1");
      }
      if (known == null) {
        known = Limits.declared().stream().map(DeclaredLimit::name).toList();
      }
      if (!known.contains(name)) {
        throw new UsageException("--limit " + name + ": unknown limit; known limits: " + String.join(", ", known));
      }
      limits.put(name, value);
    }
    return limits;
  }
}
