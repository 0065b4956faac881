package dev.weft.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root {@code weft} command. It only holds the global options and the shared context. */
@Command(name = "weft", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
        "weft: a parallel, deterministic storage-and-compute engine.",
        "Erasure coding, composefs split streams, a deterministic kernel and free-threaded analysis,",
        "all on one shared task pool, with results identical at any thread count."},
    footer = {"", "Exit codes: 0 ok, 2 usage, 3 bad or corrupt data, 1 internal fault, 130 after Ctrl-C."})
public final class WeftCommand implements Runnable {
  @Mixin
  GlobalOptions global = new GlobalOptions();

  @Spec
  CommandSpec spec;

  private final CliContext context = new CliContext(this);

  /** Without a subcommand there is nothing to do: show the usage on stderr and fail as a usage error. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new dev.weft.runtime.UsageException("a command is required (see the list above)");
  }

  public GlobalOptions global() {
    return global;
  }

  public CliContext context() {
    return context;
  }
}
