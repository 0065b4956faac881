package dev.weft.cli.bench;

import dev.weft.cli.CliContext;
import dev.weft.runtime.pool.TaskPool;
import java.io.PrintWriter;

/**
 * What a benchmark area gets: {@code quick} (a short run for smoke tests and CI), the thread count the
 * user asked for (the areas also sweep 1 and all threads themselves), the shared CLI context, and
 * {@code args}, extra area-specific words after the area name.
 */
public record BenchContext(CliContext cli, boolean quick, java.util.List<String> args) {
  /** All available processors, the "all threads" point of every sweep. */
  public int allThreads() {
    return TaskPool.resolveThreads(cli.global().threads());
  }

  /** Human-readable notes (what is being run, skipped peers); silent with --json. */
  public PrintWriter log() {
    return cli.err();
  }
}
