package dev.weft.cli.kernel;

import dev.weft.cli.CliContext;
import dev.weft.kernel.journal.JournalReader;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.OutcomeEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft log show}: print epochs, events and effect outcomes. */
@Command(name = "show", mixinStandardHelpOptions = true,
    description = {"Print the journal's epochs, events and effect outcomes, one per line.",
        "With --json: one JSON object per line."})
public final class LogShowCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "Journal directory.")
  Path dir;

  @Option(names = "--from", defaultValue = "1", paramLabel = "SEQ", description = "First sequence number to show (default 1).")
  long from;

  @Option(names = {"-n", "--count"}, defaultValue = "1000", paramLabel = "N", description = "Show at most N events (default 1000; 0 = all).")
  long limit;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    CliContext cli = CliContext.of(spec);
    Checks.atLeast("--from", from, 1);
    Checks.atLeast("--count", limit, 0);
    Layout layout = Layout.read(dir);
    for (Layout.Epoch e : layout.epochs()) {
      if (cli.json()) {
        cli.printJson(Map.of("epoch", e.number(), "first_seq", e.firstSeq(), "code", e.code(),
            "segments", e.segments().size()));
      } else {
        cli.out().printf("epoch %d: from seq %d, written by %s, %d segments%n", e.number(), e.firstSeq(), e.code(),
            e.segments().size());
      }
    }
    long[] shown = new long[1];
    class Stop extends RuntimeException {
      Stop() {
        super(null, null, false, false);
      }
    }
    JournalReader.Scan scan = null;
    try {
      scan = JournalReader.read(layout, from, (seq, type, hash, body) -> {
        if (limit > 0 && shown[0] >= limit) {
          throw new Stop();
        }
        shown[0]++;
        Map<String, Object> o = describe(seq, type, hash, body);
        if (cli.json()) {
          cli.printJson(o);
        } else {
          StringBuilder line = new StringBuilder();
          o.forEach((k, v) -> line.append(k).append('=').append(v).append(' '));
          cli.out().println(line.toString().strip());
        }
      });
    } catch (Stop stop) {
      cli.out().flush();
    }
    if (scan != null && scan.tail() != null) {
      cli.err().println("weft: " + scan.tail().describe());
    }
    cli.out().flush();
    return 0;
  }

  static Map<String, Object> describe(long seq, int type, long hash, ByteBuffer body) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("seq", seq);
    o.put("state_hash", Long.toHexString(hash));
    ByteBuffer b = body.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (type) {
      case Ledger.TRANSFER -> {
        o.put("type", "transfer");
        o.put("from", b.getLong(0));
        o.put("to", b.getLong(8));
        o.put("amount", b.getLong(16));
        o.put("work_us", b.getInt(24));
      }
      case Ledger.JOB -> {
        o.put("type", "job");
        o.put("job", b.getLong(0));
        o.put("rounds", b.getInt(8));
        o.put("timeout_ms", b.getInt(12));
        o.put("effect", "effect 0: ledger.hash-rounds");
      }
      case Event.OUTCOME -> {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        OutcomeEvent oe = OutcomeEvent.decode(new Event(type, bytes));
        o.put("type", "outcome");
        o.put("of", "effect " + oe.index() + " of event " + oe.originSeq());
        HexFormat hex = HexFormat.of();
        switch (oe.recorded()) {
          case OutcomeEvent.Inline i -> o.put("value", "inline, " + i.value().length + " bytes");
          case OutcomeEvent.Stored s -> o.put("value", "blob sha256:" + hex.formatHex(s.sha256()));
          case OutcomeEvent.Reference r -> o.put("value", "reference sha256:" + hex.formatHex(r.sha256()));
          case OutcomeEvent.Failed f -> o.put("failed", f.exceptionClass() + ": " + f.message());
          case OutcomeEvent.TimedOut t -> o.put("timed_out_ms", t.millis());
          case OutcomeEvent.ResourceExceeded r -> o.put("resource_exceeded", r.what());
        }
      }
      default -> {
        o.put("type", type);
        o.put("bytes", body.remaining());
      }
    }
    return o;
  }
}
