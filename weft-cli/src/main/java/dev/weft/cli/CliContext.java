package dev.weft.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weft.cli.progress.ProgressRenderer;
import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.repo.Repository;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a subcommand needs from the process: the one task pool (created on first use with
 * {@code --threads}), the repository path, output streams, JSON, and the progress listener. Closed by
 * {@link Main} after the command returns, which shuts the pool down.
 */
public final class CliContext implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  private final WeftCommand root;
  private TaskPool pool;
  /** Volatile so err() can read it without the lock: the Ctrl-C handler must never block on us. */
  private volatile ProgressListener progress;

  CliContext(WeftCommand root) {
    this.root = root;
  }

  /** The context of the command tree {@code spec} belongs to. */
  public static CliContext of(CommandSpec spec) {
    CommandLine c = spec.commandLine();
    while (c.getParent() != null) {
      c = c.getParent();
    }
    return ((WeftCommand) c.getCommand()).context();
  }

  public GlobalOptions global() {
    return root.global();
  }

  /** The shared pool, sized by {@code --threads}. */
  public synchronized TaskPool pool() {
    if (pool == null) {
      pool = TaskPool.create(global().threads(), new Limits(global().limits()));
    }
    return pool;
  }

  public Path repo() {
    return global().repo();
  }

  /**
   * The repository at {@code --repo} (see {@link Repository#open}: {@code create} only for commands that
   * add data), telling stderr when the command has to wait for its lock.
   */
  public Repository repository(boolean create) {
    return Repository.open(repo(), create).onLockWait(message -> {
      PrintWriter err = err();
      err.println("weft: " + message);
      err.flush();
    });
  }

  public boolean json() {
    return global().json();
  }

  public boolean quiet() {
    return global().quiet();
  }

  public PrintWriter out() {
    return root.spec.commandLine().getOut();
  }

  /** Stderr for messages; while progress bars are drawn, a writer that keeps them from overdrawing it. */
  public PrintWriter err() {
    return progress instanceof ProgressRenderer r ? r.writer() : rawErr();
  }

  private PrintWriter rawErr() {
    return root.spec.commandLine().getErr();
  }

  /**
   * Ends progress display (erasing bars) before a final message such as an error; later calls to
   * {@link #progress()} get a listener that ignores everything.
   */
  public synchronized void stopProgress() {
    if (progress instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // the renderer only draws; nothing to recover
      }
    }
    progress = ProgressListener.NONE;
  }

  /** Jackson, for {@code --json} output and every JSON file weft writes. */
  public static ObjectMapper jsonMapper() {
    return JSON;
  }

  /** Prints one JSON object on its own line. */
  public void printJson(Object value) {
    try {
      out().println(JSON.writeValueAsString(value));
      out().flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Progress for long work: bars on a terminal, plain lines otherwise, nothing with --quiet or --json. */
  public synchronized ProgressListener progress() {
    if (progress == null) {
      if (json() || quiet()) {
        progress = ProgressListener.NONE;
      } else if ("1".equals(System.getenv("WEFT_STDERR_TTY"))) {
        // The launcher sets this: stderr reaches us through a filter pipe, so System.console() cannot tell.
        progress = ProgressRenderer.terminal(rawErr(), ProgressRenderer.terminalWidth());
      } else {
        progress = ProgressRenderer.lines(rawErr());
      }
    }
    return progress;
  }

  /** Lets the terminal renderer (or a test) take over progress reporting. */
  public synchronized void setProgress(ProgressListener listener) {
    this.progress = listener;
  }

  @Override
  public synchronized void close() {
    stopProgress();
    // Only a command that started the pool could have asked for a limit; after any other (or after a
    // usage error) the overrides were simply not applicable.
    java.util.List<String> unused = pool != null ? pool.limits().unusedOverrides() : java.util.List.of();
    if (!unused.isEmpty()) {
      // Most likely a misspelt name: say so rather than silently running with the default.
      err().println("weft: warning: --limit " + String.join(", ", unused) + " not used by this command");
      err().flush();
    }
    if (pool != null) {
      pool.close();
      pool = null;
    }
  }
}
