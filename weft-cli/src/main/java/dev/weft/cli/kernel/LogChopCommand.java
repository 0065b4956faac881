package dev.weft.cli.kernel;

import dev.weft.cli.CliContext;
import dev.weft.kernel.Epochs;
import dev.weft.kernel.journal.Layout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft log chop}: delete old epochs. */
@Command(name = "chop", mixinStandardHelpOptions = true,
    description = {"Delete all but the newest N epochs and the snapshots older than what remains.",
        "The journal then starts at the oldest kept epoch's base snapshot; history",
        "before it is gone for good."})
public final class LogChopCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
  Path dir;

  @Option(names = "--keep", required = true, paramLabel = "N", description = "Epochs to keep (at least 1).")
  int keep;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliContext cli = CliContext.of(spec);
    List<Layout.Epoch> deleted = Epochs.chop(dir, keep);
    if (cli.json()) {
      cli.printJson(Map.of("deleted_epochs", deleted.stream().map(Layout.Epoch::number).toList()));
    } else if (deleted.isEmpty()) {
      cli.out().println("nothing to chop: " + Layout.read(dir).epochs().size() + " epochs, keeping " + keep);
    } else {
      for (Layout.Epoch e : deleted) {
        cli.out().printf("deleted epoch %d (from seq %d)%n", e.number(), e.firstSeq());
      }
    }
    return 0;
  }
}
