package dev.weft.cli.analysis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weft analyze}: the free-threaded analysis commands. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = {"Fill histograms from HEP events on all cores.",
        "The ADL benchmark queries, large generated inputs, and plots."},
    subcommands = {GenerateCommand.class, AdlCommand.class, PlotCommand.class})
public final class AnalyzeCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
