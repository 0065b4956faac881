package dev.weft.cli.kernel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft log}: inspect, verify and manage a kernel journal. */
@Command(name = "log", mixinStandardHelpOptions = true,
    description = "Inspect, verify and manage a kernel journal directory.",
    subcommands = {LogShowCommand.class, LogVerifyCommand.class, LogRollCommand.class, LogChopCommand.class})
public final class LogCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
