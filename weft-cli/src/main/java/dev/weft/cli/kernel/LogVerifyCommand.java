package dev.weft.cli.kernel;

import dev.weft.cli.CliContext;
import dev.weft.kernel.Restore;
import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.stm.Speculative;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft log verify}: replay and check the state hash after every event. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Replay the journal and check the state hash recorded with every event.",
        "Replays from the start of the oldest epoch (or the newest snapshot with",
        "--from-snapshot); referenced effect values are recomputed and checked. Prints",
        "the number of events, the last sequence number and the final state hash. Exit",
        "3 naming the sequence number at the first mismatch or damaged record.",
        "Read-only: a torn tail is reported, not cut."})
public final class LogVerifyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
  Path dir;

  @Option(names = "--from-snapshot", description = "Start from the newest usable snapshot instead of the oldest epoch.")
  boolean fromSnapshot;

  @Option(names = "--parallel", description = "Apply the events speculatively in parallel (Block-STM) on the task pool;"
      + " the per-event hash checks are the same.")
  boolean parallel;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliContext cli = CliContext.of(spec);
    long t0 = System.nanoTime();
    var handler = Handlers.forJournal(dir);
    Restore.Restored r = Restore.run(Layout.read(dir), handler, Computations.discover(), fromSnapshot,
        note -> cli.err().println("weft: " + note),
        parallel ? Speculative.costAware(handler, cli.pool(), cli.pool().parallelism()) : null, cli.progress());
    double secs = (System.nanoTime() - t0) / 1e9;
    String hash = Long.toHexString(r.state().hash());
    if (cli.json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("events", r.replayed());
      o.put("last_seq", r.lastSeq());
      o.put("state_hash", hash);
      o.put("started_after", r.startedAfter());
      o.put("references_checked", r.referencesChecked());
      o.put("torn_tail", r.tail() == null ? null : r.tail().describe());
      cli.printJson(o);
    } else {
      if (r.tail() != null) {
        cli.err().println("weft: " + r.tail().describe() + " (it is truncated when the journal is next opened for writing)");
      }
      cli.out().printf("verified %d events (seq %d..%d) in %.2f s; last seq %d; state hash %s%n", r.replayed(),
          r.startedAfter() + 1, r.lastSeq(), secs, r.lastSeq(), hash);
    }
    return 0;
  }
}
