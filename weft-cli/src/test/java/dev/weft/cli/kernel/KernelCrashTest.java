package dev.weft.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during {@code weft kernel run}, in a bounded loop: every sequence number printed as durable must
 * be present after restart, replay must verify, and each run must resume where the journal ends.
 */
class KernelCrashTest {
  @TempDir
  Path tmp;

  @Test
  void killNineAtRandomMomentsLosesNothingThatWasDurable() throws Exception {
    Path dir = tmp.resolve("journal");
    Random random = new Random(20261122);
    // Three rounds always, up to six while the time budget lasts: a child JVM's start-up can take seconds
    // on a loaded machine, and a budget alone then allowed fewer kills than the test needs.
    long budgetEnd = System.nanoTime() + 15_000_000_000L;
    long maxDurable = 0;
    int kills = 0;
    for (int round = 0; round < 6 && (round < 3 || System.nanoTime() < budgetEnd); round++) {
      Process p = new ProcessBuilder(javaCommand(dir)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      AtomicLong lastDurable = new AtomicLong();
      java.util.concurrent.CountDownLatch firstDurable = new java.util.concurrent.CountDownLatch(1);
      Thread reader = Thread.ofVirtual().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.startsWith("durable ")) {
              lastDurable.accumulateAndGet(Long.parseLong(line.substring(8)), Math::max);
              firstDurable.countDown();
            }
          }
        } catch (java.io.IOException e) {
          // the process was killed
        }
      });
      // Kill at a random moment after the run got going (JVM start-up time varies a lot on a busy machine).
      firstDurable.await(60, java.util.concurrent.TimeUnit.SECONDS);
      Thread.sleep(random.nextInt(700));
      p.destroyForcibly(); // SIGKILL
      p.waitFor();
      reader.join();
      kills++;
      maxDurable = Math.max(maxDurable, lastDurable.get());
      // Restart check: verify (read-only) must cover every seq printed as durable so far.
      KernelCliTest.Run v = KernelCliTest.weft("log", "verify", dir.toString(), "--json");
      if (v.code() == 2 && !java.nio.file.Files.exists(dir)) {
        continue; // killed before the journal was created
      }
      assertEquals(0, v.code(), "verify after kill " + kills + ": " + v.err());
      JsonNode o = new ObjectMapper().readTree(v.out());
      assertTrue(o.get("last_seq").asLong() >= maxDurable,
          "durable seq " + maxDurable + " lost: journal ends at " + o.get("last_seq"));
    }
    assertTrue(maxDurable > 0, "the killed runs reported durable batches");
    // The run resumes and completes; the result verifies from the start and from a snapshot.
    KernelCliTest.Run done = KernelCliTest.weft(args(dir, maxDurable + 500).toArray(String[]::new));
    assertEquals(0, done.code(), done.err());
    assertTrue(done.err().contains("resuming after seq"), done.err());
    KernelCliTest.Run full = KernelCliTest.weft("log", "verify", dir.toString(), "--json");
    KernelCliTest.Run snap = KernelCliTest.weft("log", "verify", dir.toString(), "--json", "--from-snapshot");
    assertEquals(0, full.code(), full.err());
    assertEquals(0, snap.code(), snap.err());
    JsonNode a = new ObjectMapper().readTree(full.out());
    JsonNode b = new ObjectMapper().readTree(snap.out());
    assertEquals(a.get("state_hash"), b.get("state_hash"));
    assertTrue(a.get("last_seq").asLong() >= maxDurable + 500);
  }

  private static List<String> args(Path dir, long events) {
    return List.of("kernel", "run", "--journal", dir.toString(), "--events", Long.toString(events),
        "--accounts", "1000", "--jobs-every", "500", "--batch", "64", "--snapshot-every", "20000");
  }

  private static List<String> javaCommand(Path dir) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.weft.cli.Main");
    cmd.addAll(args(dir, 50_000_000));
    return cmd;
  }
}
