package dev.weft.cli.kernel;

import static dev.weft.cli.kernel.KernelQaCliTest.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.kernel.KernelQaCliTest.Run;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA B14 (--events overshoot), U8 (validation messages), U9 (log show ranges), U10 (help summaries). */
class KernelRunLimitsCliTest {
  @TempDir
  Path tmp;

  private static long lastSeq(Path dir) {
    Run v = weft("--json", "log", "verify", dir.toString());
    assertEquals(0, v.code(), v.err());
    String out = v.out();
    int at = out.indexOf("\"last_seq\":") + "\"last_seq\":".length();
    return Long.parseLong(out.substring(at).split("[,}]")[0].strip());
  }

  @Test
  void eventsIsTheLastSeqEvenWithJobsInFlight() {
    Path dir = tmp.resolve("j2");
    Run run = weft("kernel", "run", "--journal", dir.toString(), "--events", "20010", "--jobs-every", "500",
        "--snapshot-every", "5000");
    assertEquals(0, run.code(), run.err());
    assertEquals(20010, lastSeq(dir));
    // Which numbers the outcomes take varies from run to run (an outcome that lands on a multiple of 500 takes
    // the place of that job, so there are up to 40 jobs); together the counts always make up N, and the
    // journal holds exactly one outcome per job, as many as the summary says.
    Matcher m = Pattern.compile("appended (\\d+) workload events and (\\d+) effect outcomes .*; last seq 20010;")
        .matcher(run.err());
    assertTrue(m.find(), run.err());
    long outcomes = Long.parseLong(m.group(2));
    assertEquals(20010, Long.parseLong(m.group(1)) + outcomes);
    Run show = weft("log", "show", dir.toString(), "--json", "-n", "100000");
    assertEquals(0, show.code(), show.err());
    long jobsInJournal = show.out().lines().filter(l -> l.contains("\"type\":\"job\"")).count();
    long outcomesInJournal = show.out().lines().filter(l -> l.contains("\"type\":\"outcome\"")).count();
    assertEquals(outcomes, outcomesInJournal, "outcome events in the journal");
    assertEquals(jobsInJournal, outcomesInJournal, "every job's outcome is journaled");
    // Why 20: the run generates each event for the seq it expects; when an outcome takes that seq, the event
    // lands one later and the loop goes on after it, so the job due at the next multiple of 500 can be
    // skipped. Each skip needs an outcome of its own, so jobs + skips = 40 and skips <= outcomes = jobs.
    assertTrue(outcomes >= 20 && outcomes <= 40, run.err());
  }

  @Test
  void aJobWhoseOutcomeCannotFitEndsTheRunShortAndSaysSo() {
    Path dir = tmp.resolve("j3");
    // Every event a job: each takes two numbers (itself and its outcome), so an odd target cannot be met.
    for (int i = 0; i < 2; i++) { // a rerun with the same target is stable
      Run run = weft("kernel", "run", "--journal", dir.toString(), "--events", "11", "--jobs-every", "1");
      assertEquals(0, run.code(), run.err());
      assertTrue(run.err().contains("stopped short of --events 11: after seq 10"), run.err());
      assertEquals(10, lastSeq(dir));
    }
  }

  @Test
  void eachBadOptionIsNamedWithItsValue() {
    String j = tmp.resolve("j").toString();
    Run r = weft("kernel", "run", "--journal", j, "--events", "10", "--batch-delay-us", "-1");
    assertEquals(2, r.code());
    assertEquals("weft: --batch-delay-us must be at least 0, got -1", r.err().strip());
    r = weft("kernel", "run", "--journal", j, "--events", "-3", "--batch", "0");
    assertEquals(2, r.code());
    assertEquals("weft: --events must be at least 0, got -3", r.err().strip());
    r = weft("kernel", "run", "--journal", j, "--events", "10", "--snapshot-every", "0");
    assertEquals("weft: --snapshot-every must be at least 1, got 0", r.err().strip());
  }

  @Test
  void logShowRejectsNegativeRanges() {
    Path dir = tmp.resolve("js");
    assertEquals(0, weft("kernel", "run", "--journal", dir.toString(), "--events", "10").code());
    Run r = weft("log", "show", dir.toString(), "--from", "-5");
    assertEquals(2, r.code(), r.err());
    assertEquals("weft: --from must be at least 1, got -5", r.err().strip());
    r = weft("log", "show", dir.toString(), "-n", "-1");
    assertEquals(2, r.code(), r.err());
    assertEquals("weft: --count must be at least 0, got -1", r.err().strip());
  }

  @Test
  void helpListsEverySubcommandWithAWholeSentence() {
    for (String parent : new String[] {"kernel", "log"}) {
      Run help = weft(parent, "--help");
      assertEquals(0, help.code());
      // One entry per subcommand; picocli indents the lines it wraps an entry onto further.
      String commands = help.out().substring(help.out().indexOf("Commands:") + "Commands:".length()).strip();
      for (String entry : commands.split("\n(?=  \\S)")) {
        assertTrue(entry.strip().endsWith("."), parent + ": " + entry);
      }
    }
    String run = weft("kernel", "run", "--help").out();
    for (String label : new String[] {"--accounts=N", "--seed=SEED", "--workload=NAME"}) {
      assertTrue(run.contains(label), run);
    }
    assertFalse(run.contains("=<"), run);
  }
}
