package dev.weft.cli.kernel;

import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.machine.Handler;
import dev.weft.runtime.UsageException;
import java.nio.file.Path;

/** The state machines the CLI knows, found by the code name each journal epoch records. */
final class Handlers {
  private Handlers() {}

  static Handler forWorkload(String workload) {
    if (!workload.equals("ledger")) {
      throw new UsageException("unknown workload '" + workload + "'; known: ledger");
    }
    return new Ledger();
  }

  /** The handler that wrote the journal in {@code dir} (its newest epoch's code). */
  static Handler forJournal(Path dir) {
    Layout layout = Layout.read(dir);
    if (layout.epochs().isEmpty()) {
      throw new UsageException(dir + ": not a journal (no epoch directories)");
    }
    String code = layout.current().code();
    Ledger ledger = new Ledger();
    if (!code.equals(ledger.code())) {
      throw new UsageException(dir + ": written by '" + code + "', which this weft does not know (known: "
          + ledger.code() + ")");
    }
    return ledger;
  }
}
