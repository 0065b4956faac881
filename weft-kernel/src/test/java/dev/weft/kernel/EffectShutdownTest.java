package dev.weft.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.EffectExecutor;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.effect.Outcome;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.runtime.pool.TaskPool;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA B14: effects at shutdown, and admitting events only while their effects' outcomes fit a last seq. */
class EffectShutdownTest {
  @TempDir
  Path dir;
  TaskPool pool;
  final Computations computations = Computations.discover();
  final List<String> notes = new CopyOnWriteArrayList<>();
  /** Effects handed to the "worker" executor; completed (or not) by the test. */
  final List<CompletableFuture<Outcome>> calls = new CopyOnWriteArrayList<>();
  final Workload jobsEvery5 = new Workload(10, 0, 7, 5, 28, EffectRequest.Placement.WORKER);

  @BeforeEach
  void start() {
    pool = TaskPool.create(2);
  }

  @AfterEach
  void stop() {
    pool.close();
  }

  /**
   * Bound for what the kernel does on its own threads (release effects, apply outcomes): generous, since on
   * a loaded machine those threads may wait seconds for a CPU; a kernel that never does it still fails.
   */
  private static final long SETTLE_NANOS = 30_000_000_000L;

  /** Waits until at least {@code n} effects were handed to the executor; fails after {@link #SETTLE_NANOS}. */
  private void awaitCalls(int n) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_NANOS;
    while (calls.size() < n) {
      assertTrue(System.nanoTime() - deadline < 0, "only " + calls.size() + " of " + n + " effects were released");
      Thread.sleep(1);
    }
  }

  private Kernel open() {
    return open(Long.MAX_VALUE);
  }

  private Kernel open(long lastSeq) {
    EffectExecutor held = request -> {
      CompletableFuture<Outcome> f = new CompletableFuture<>();
      calls.add(f);
      return f;
    };
    Kernel.Config config = Kernel.Config.defaults()
        .withJournal(JournalWriter.Options.defaults().withBatch(8, 200)).withLastSeq(lastSeq);
    return Kernel.open(dir, new Ledger(), config, pool, new PoolEffects(pool, computations), held,
        new Kernel.Listener() {
          @Override
          public void note(String line) {
            notes.add(line);
          }
        }, computations);
  }

  @Test
  void effectsFailingAfterCloseAreOneSummaryNotAnErrorEach() throws Exception {
    Kernel k = open();
    for (long s = 1; s <= 50; s++) {
      k.submit(jobsEvery5.event(s));
    }
    k.awaitDurable(50);
    awaitCalls(10);
    k.close();
    // The worker pool closes after the kernel and fails every call still queued.
    calls.forEach(f -> f.complete(new Outcome.Bail("worker call failed: worker pool is closed")));
    long deadline = System.nanoTime() + SETTLE_NANOS;
    while (k.effectsInFlight() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertEquals(0, k.effectsInFlight());
    assertEquals(List.of("10 effects left pending; released again when the journal is next opened"), notes);
    try (Kernel again = open()) {
      assertEquals(10, again.pendingEffects(), "the effects are still pending in the journal");
    }
  }

  @Test
  void effectsLeftPendingAreReleasedOnlyAsFarAsTheirOutcomesFit() throws Exception {
    try (Kernel k = open()) {
      for (long s = 1; s <= 50; s++) {
        k.submit(jobsEvery5.event(s));
      }
      k.awaitDurable(50);
    }
    calls.clear();
    try (Kernel k = open(53)) {
      assertEquals(7, k.heldBackEffects());
      awaitCalls(3);
      Thread.sleep(50); // room for a wrong fourth release to show (it cannot make the test fail spuriously)
      assertEquals(3, calls.size(), "only the oldest three outcomes fit below seq 53");
      calls.forEach(f -> f.complete(new Outcome.Failed("x.Test", "made up", "")));
      assertTrue(k.awaitEffects(30_000), "held-back effects are not waited for");
      assertEquals(53, k.lastSeq());
      assertEquals(-1, k.submitWithin(jobsEvery5.event(54), 53));
    }
    try (Kernel k = open()) {
      assertEquals(0, k.heldBackEffects());
      assertEquals(7, k.pendingEffects(), "the held-back effects are still pending for a later run");
    }
  }

  @Test
  void nothingIsReleasedByTheFinalFlush() throws Exception {
    Kernel k = open();
    for (long s = 1; s <= 5; s++) {
      k.submit(jobsEvery5.event(s));
    }
    k.close(); // flushes seq 5, the job: its effect must not start any more
    Thread.sleep(50);
    assertTrue(calls.isEmpty(), "released after close: " + calls.size());
    assertEquals(List.of("1 effect left pending; released again when the journal is next opened"), notes);
  }

  @Test
  void submitWithinRefusesEventsWhoseOutcomesWouldNotFit() throws Exception {
    try (Kernel k = open()) {
      for (long s = 1; s <= 4; s++) {
        k.submit(jobsEvery5.event(s));
      }
      assertEquals(-1, k.submitWithin(jobsEvery5.event(5), 5), "the job's outcome would be seq 6");
      assertEquals(4, k.lastSeq(), "a refused event changes nothing");
      assertEquals(5, k.submitWithin(jobsEvery5.event(5), 6));
      assertEquals(-1, k.submitWithin(jobsEvery5.event(6), 6), "seq 6 is reserved for the pending outcome");
      k.awaitDurable(5);
      awaitCalls(1);
      calls.getFirst().complete(new Outcome.Value(new byte[32]));
      long deadline = System.nanoTime() + SETTLE_NANOS;
      while (k.pendingEffects() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertEquals(6, k.lastSeq(), "the outcome took the reserved seq");
      assertEquals(0, k.pendingEffects());
    }
  }
}
