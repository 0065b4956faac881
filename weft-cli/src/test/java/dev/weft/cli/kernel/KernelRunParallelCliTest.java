package dev.weft.cli.kernel;

import static dev.weft.cli.kernel.KernelQaCliTest.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.kernel.KernelQaCliTest.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernel run --parallel} (live micro-batch speculation) and the bail retry options. */
class KernelRunParallelCliTest {
  @TempDir
  Path tmp;

  private static String field(String json, String key) {
    int at = json.indexOf("\"" + key + "\":") + key.length() + 3;
    return json.substring(at).split("[,}]")[0].strip().replace("\"", "");
  }

  @Test
  void parallelRunWritesTheSameJournalAsASequentialOne() {
    String[] common = {"--events", "3000", "--accounts", "20", "--durability", "os-cache", "--seed", "9"};
    Run seq = weft(concat(new String[] {"--json", "kernel", "run", "--journal", tmp.resolve("s").toString()}, common));
    assertEquals(0, seq.code(), seq.err());
    for (String threads : new String[] {"1", "2", "8"}) {
      Path dir = tmp.resolve("p" + threads);
      Run par = weft(concat(new String[] {"--json", "--threads", threads, "kernel", "run", "--journal", dir.toString(),
          "--parallel"}, common));
      assertEquals(0, par.code(), par.err());
      String last = par.out().lines().reduce((a, b) -> b).orElseThrow();
      assertEquals("true", field(last, "parallel"), last);
      assertEquals(field(seq.out().lines().reduce((a, b) -> b).orElseThrow(), "state_hash"), field(last, "state_hash"));
      Run verify = weft("--json", "log", "verify", dir.toString());
      assertEquals(0, verify.code(), verify.err());
      assertEquals("3000", field(verify.out(), "last_seq"));
    }
  }

  @Test
  void bailOptionsAreCheckedAndDocumented() {
    String j = tmp.resolve("j").toString();
    Run r = weft("kernel", "run", "--journal", j, "--events", "10", "--bail-retries", "-1");
    assertEquals(2, r.code());
    assertEquals("weft: --bail-retries must be at least 0, got -1", r.err().strip());
    r = weft("kernel", "run", "--journal", j, "--events", "10", "--bail-backoff-ms", "500", "--bail-backoff-max-ms", "100");
    assertEquals(2, r.code());
    assertEquals("weft: --bail-backoff-max-ms must be at least 500, got 100", r.err().strip());
    Run help = weft("kernel", "run", "--help");
    for (String option : new String[] {"--parallel", "--bail-retries", "--bail-backoff-ms", "--bail-backoff-max-ms"}) {
      assertTrue(help.out().contains(option), option + " in\n" + help.out());
    }
  }

  @Test
  void flushesInFlightIsCheckedAndEveryCountWritesTheSameJournal() {
    String j = tmp.resolve("bad").toString();
    Run r = weft("kernel", "run", "--journal", j, "--events", "10", "--flushes-in-flight", "0");
    assertEquals(2, r.code());
    assertEquals("weft: --flushes-in-flight must be at least 1, got 0", r.err().strip());
    r = weft("kernel", "run", "--journal", j, "--events", "10", "--flushes-in-flight", "65");
    assertEquals(2, r.code());
    assertEquals("weft: --flushes-in-flight must be at most 64, got 65", r.err().strip());
    assertTrue(weft("kernel", "run", "--help").out().contains("--flushes-in-flight"));
    String hash = null;
    for (String flushes : new String[] {"1", "2", "8"}) {
      Path dir = tmp.resolve("f" + flushes);
      Run run = weft("--json", "kernel", "run", "--journal", dir.toString(), "--events", "2000", "--accounts", "20",
          "--batch", "16", "--flushes-in-flight", flushes);
      assertEquals(0, run.code(), run.err());
      long previous = 0;
      for (String line : run.out().lines().filter(l -> l.startsWith("{\"durable\"")).toList()) {
        long seq = Long.parseLong(field(line, "durable"));
        assertTrue(seq > previous, "durable reports out of order: " + run.out());
        previous = seq;
      }
      assertEquals(2000, previous);
      Run verify = weft("--json", "log", "verify", dir.toString());
      assertEquals(0, verify.code(), verify.err());
      if (hash == null) {
        hash = field(verify.out(), "state_hash");
      }
      assertEquals(hash, field(verify.out(), "state_hash"));
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
