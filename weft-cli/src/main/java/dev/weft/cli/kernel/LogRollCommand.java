package dev.weft.cli.kernel;

import dev.weft.cli.CliContext;
import dev.weft.kernel.Epochs;
import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.journal.Layout;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft log roll}: start a new epoch. */
@Command(name = "roll", mixinStandardHelpOptions = true,
    description = {"End the current epoch and start a new one (e.g. before running new code).",
        "The state at the boundary is written as the new epoch's base snapshot, and the",
        "epoch records the code that writes it."})
public final class LogRollCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
  Path dir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliContext cli = CliContext.of(spec);
    Layout.Epoch e = Epochs.roll(dir, Handlers.forJournal(dir), Computations.discover(),
        note -> cli.err().println("weft: " + note));
    if (cli.json()) {
      cli.printJson(Map.of("epoch", e.number(), "first_seq", e.firstSeq(), "code", e.code()));
    } else {
      cli.out().printf("started epoch %d at seq %d (%s)%n", e.number(), e.firstSeq(), e.dir());
    }
    return 0;
  }
}
