package dev.weft.cli;

import dev.weft.cli.bench.BenchCommand;
import dev.weft.runtime.ErrorText;
import dev.weft.runtime.ExitCodes;
import dev.weft.runtime.FileErrors;
import dev.weft.runtime.WeftException;
import java.io.PrintWriter;
import java.util.concurrent.CancellationException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Entry point of the {@code weft} command: wires subcommands, exit codes and Ctrl-C. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), true);
    System.exit(code);
  }

  /**
   * Runs one command line and returns its exit code. Tests call this directly.
   *
   * @param handleSignals install the Ctrl-C handler (only the real process does)
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err, boolean handleSignals) {
    Interrupts interrupts = handleSignals ? Interrupts.install() : Interrupts.forThread(Thread.currentThread(), System.err);
    try {
      return run(args, out, err, interrupts);
    } finally {
      interrupts.uninstall();
    }
  }

  static int run(String[] args, PrintWriter out, PrintWriter err, Interrupts interrupts) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      ((WeftCommand) cli.getCommand()).context().stopProgress(); // so the error line is not drawn over
      return exitCodeFor(ex, commandLine.getErr(), debug(commandLine), interrupts.requested());
    });
    cli.setParameterExceptionHandler(Main::handleUsage);
    interrupts.noticesTo(() -> ((WeftCommand) cli.getCommand()).context().err());
    // Global options are checked before any subcommand runs, so `--threads -1` fails as a usage error
    // even for commands that never start the pool.
    cli.setExecutionStrategy(parseResult -> {
      try {
        GlobalOptions global = ((WeftCommand) cli.getCommand()).global();
        global.threads();
        global.limits();
      } catch (dev.weft.runtime.UsageException e) {
        err.println("weft: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      return new CommandLine.RunLast().execute(parseResult);
    });
    int code;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli only handles Exceptions; an Error must still end in one line and an exit code.
      err.println("weft: out of memory (the input may be hostile or too large; raise the heap with WEFT_JAVA_OPTS=-Xmx…)");
      code = ExitCodes.INTERNAL;
    } finally {
      WeftCommand root = cli.getCommand();
      root.context().close();
    }
    if (interrupts.requested()) {
      if (code != ExitCodes.INTERRUPTED) {
        // Ctrl-C reached a command that finished or failed anyway: the user still asked to stop.
        err.println("weft: cancelled");
      }
      code = interrupts.exitCode();
    }
    err.flush();
    return code;
  }

  /** The command tree; every subcommand is registered here. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new WeftCommand());
    cli.addSubcommand(new dev.weft.cli.demo.DemoCommand());
    cli.addSubcommand(new BenchCommand());
    cli.addSubcommand(new dev.weft.cli.store.OciCommand());
    cli.addSubcommand(new dev.weft.cli.store.CatCommand());
    cli.addSubcommand(new dev.weft.cli.store.FsckCommand());
    cli.addSubcommand(new dev.weft.cli.store.GcCommand());
    cli.addSubcommand(new dev.weft.cli.kernel.KernelCommand());
    cli.addSubcommand(new dev.weft.cli.kernel.LogCommand());
    cli.addSubcommand(new dev.weft.cli.ec.EcCommand());
    cli.addSubcommand(new dev.weft.cli.ec.DatasetCommands.Put());
    cli.addSubcommand(new dev.weft.cli.ec.DatasetCommands.Get());
    cli.addSubcommand(new dev.weft.cli.ec.DatasetCommands.Rm());
    cli.addSubcommand(new dev.weft.cli.analysis.AnalyzeCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    RepoOptionHelp.apply(cli);
    return cli;
  }

  private static int handleUsage(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    String sub = qualifiedName(cmd);
    cmd.getErr().println("weft: " + ex.getMessage() + " (see 'weft " + (sub.isEmpty() ? "" : sub + " ") + "--help')");
    return ExitCodes.USAGE;
  }

  private static String qualifiedName(CommandLine cmd) {
    String name = cmd.getCommandSpec().qualifiedName(" ");
    return name.startsWith("weft ") ? name.substring(5) : name.equals("weft") ? "" : name;
  }

  private static boolean debug(CommandLine cmd) {
    WeftCommand root = rootOf(cmd);
    return root != null && root.global().debug;
  }

  /**
   * Maps a command's failure to its exit code and prints it as one line naming what and where (plus the
   * stack trace with {@code --debug}): after Ctrl-C, whatever the failure, only "cancelled" and 130 (the
   * failure is most likely the interrupt surfacing through a library as a read error); {@link
   * WeftException}s carry their code (2 usage, 3 bad data); a file-system error about a path the user gave
   * ({@link FileErrors#describe}) is 2; the rest is an internal fault, 1.
   */
  static int exitCodeFor(Throwable ex, PrintWriter err, boolean debug, boolean interruptRequested) {
    Throwable cause = unwrap(ex);
    if (interruptRequested) {
      err.println("weft: cancelled");
      if (debug) {
        cause.printStackTrace(err);
      }
      return ExitCodes.INTERRUPTED;
    }
    if (cause instanceof WeftException we) {
      err.println("weft: " + we.getMessage());
      if (debug) {
        we.printStackTrace(err);
      }
      return we.exitCode();
    }
    if (cause instanceof CancellationException || cause instanceof InterruptedException) {
      err.println("weft: cancelled");
      return ExitCodes.INTERRUPTED;
    }
    if (cause instanceof java.nio.channels.ClosedByInterruptException) {
      err.println("weft: cancelled");
      return ExitCodes.INTERRUPTED;
    }
    String pathProblem = cause instanceof java.io.IOException io ? FileErrors.describe(io) : null;
    if (pathProblem != null) {
      // A path the user named is missing, in the way or not accessible: a usage error, not a fault.
      err.println("weft: " + pathProblem);
      return ExitCodes.USAGE;
    }
    if (cause instanceof java.io.IOException io) {
      err.println("weft: I/O error: " + (io instanceof java.nio.file.FileSystemException fse
          ? fse.getMessage() : ErrorText.oneLine(io)));
      if (debug) {
        io.printStackTrace(err);
      }
      return ExitCodes.INTERNAL;
    }
    err.println("weft: internal error: " + cause + (debug ? "" : " (run with --debug for the stack trace)"));
    if (debug) {
      cause.printStackTrace(err);
    }
    return ExitCodes.INTERNAL;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
        || t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.io.UncheckedIOException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static WeftCommand rootOf(CommandLine cmd) {
    CommandLine c = cmd;
    while (c.getParent() != null) {
      c = c.getParent();
    }
    return c.getCommand() instanceof WeftCommand w ? w : null;
  }
}
