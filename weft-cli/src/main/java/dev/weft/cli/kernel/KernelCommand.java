package dev.weft.cli.kernel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft kernel}: run the deterministic kernel on a workload, or benchmark it. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
    description = {"Run and measure the deterministic event kernel.",
        "A pure event handler over immutable state, a durable journal with group",
        "commit, snapshots, effects, and speculative parallel apply."},
    subcommands = {KernelRunCommand.class, KernelBenchCommand.class})
public final class KernelCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
