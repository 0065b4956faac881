package dev.weft.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.Deadline;
import dev.weft.kernel.effect.DeadlineExceededException;
import dev.weft.kernel.effect.EffectExecutor;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.effect.Outcome;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.ledger.HashRounds;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.snapshot.SnapshotStore;
import dev.weft.runtime.pool.TaskPool;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pool effect deadlines, the bail retry policy and the idle snapshot timer. */
class EffectPolicyTest {
  @TempDir
  Path dir;
  TaskPool pool;
  final Ledger ledger = new Ledger();
  final Computations computations = Computations.discover();
  final List<String> notes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    pool = TaskPool.create(2);
  }

  @AfterEach
  void stop() {
    pool.close();
  }

  private static byte[] rounds(int n) {
    return ByteBuffer.allocate(36).putInt(n).array();
  }

  @Test
  void aComputationPollingItsDeadlineStopsAtItWithoutAnInterrupt() {
    long t0 = System.nanoTime();
    assertThrows(DeadlineExceededException.class,
        () -> new HashRounds().apply(rounds(Integer.MAX_VALUE), Deadline.after(Duration.ofMillis(100))));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 100 && ms < 10_000, "stopped after " + ms + " ms");
  }

  @Test
  void aTimedOutPoolEffectIsJournaledAsTimedOutAndGivesItsThreadBack() throws Exception {
    PoolEffects effects = new PoolEffects(pool, computations);
    EffectRequest endless = new EffectRequest(HashRounds.NAME, rounds(Integer.MAX_VALUE), Duration.ofMillis(200),
        1 << 20, 0, EffectRequest.Placement.POOL, EffectRequest.ResultMode.INLINE);
    long t0 = System.nanoTime();
    Outcome o = effects.run(endless).get(30, TimeUnit.SECONDS);
    assertInstanceOf(Outcome.TimedOut.class, o);
    long deadline = System.nanoTime() + 30_000_000_000L; // a stuck thread never returns; a slow one does
    while (pool.active() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(0, pool.active(), "the timed-out computation returned its pool thread");
    // The pool is usable again at full width: two quick effects complete.
    EffectRequest quick = new EffectRequest(HashRounds.NAME, rounds(10), Duration.ofSeconds(30), 1 << 20, 0,
        EffectRequest.Placement.POOL, EffectRequest.ResultMode.INLINE);
    assertInstanceOf(Outcome.Value.class, effects.run(quick).get(30, TimeUnit.SECONDS));
    assertTrue((System.nanoTime() - t0) / 1_000_000 >= 200);
  }

  @Test
  void bailBackOffDoublesUpToItsCap() {
    Kernel.BailPolicy p = new Kernel.BailPolicy(5, 50, 150);
    assertEquals(50, p.delayMillis(1));
    assertEquals(100, p.delayMillis(2));
    assertEquals(150, p.delayMillis(3));
    assertEquals(150, p.delayMillis(5));
    assertThrows(IllegalArgumentException.class, () -> new Kernel.BailPolicy(-1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Kernel.BailPolicy(1, 100, 10));
  }

  /** Bails the first {@code bails} calls, then returns a value; records when each call came. */
  private static final class Flaky implements EffectExecutor {
    final int bails;
    final AtomicInteger calls = new AtomicInteger();
    final List<Long> at = new CopyOnWriteArrayList<>();

    Flaky(int bails) {
      this.bails = bails;
    }

    @Override
    public CompletableFuture<Outcome> run(EffectRequest request) {
      at.add(System.nanoTime());
      return CompletableFuture.completedFuture(calls.incrementAndGet() <= bails
          ? new Outcome.Bail("test bail") : new Outcome.Value(new byte[] {1}));
    }
  }

  private Kernel open(EffectExecutor effects, Kernel.BailPolicy bails, long snapshotMillis) {
    Kernel.Config config = Kernel.Config.defaults().withBails(bails).withSnapshots(1_000_000, snapshotMillis)
        .withJournal(JournalWriter.Options.defaults().withBatch(8, 200));
    return Kernel.open(dir, ledger, config, pool, effects, null, new Kernel.Listener() {
      @Override
      public void note(String line) {
        notes.add(line);
      }
    }, computations);
  }

  @Test
  void aBailIsRetriedAfterItsBackOffThenJournaled() throws Exception {
    Flaky flaky = new Flaky(2);
    Workload w = new Workload(10, 0, 1, 1, 40); // every event is a job
    try (Kernel k = open(flaky, new Kernel.BailPolicy(3, 80, 1000), 60_000)) {
      k.submit(w.event(1));
      assertTrue(k.awaitEffects(20_000), notes.toString());
      assertEquals(2, k.lastSeq(), "the job and its one outcome");
    }
    assertEquals(3, flaky.calls.get());
    long firstGap = (flaky.at.get(1) - flaky.at.get(0)) / 1_000_000;
    long secondGap = (flaky.at.get(2) - flaky.at.get(1)) / 1_000_000;
    // java.util.Timer counts whole milliseconds of the wall clock and the gaps are truncated to whole ms of
    // nanoTime, so a back-off of exactly D ms can read D - 1 (seen: 159 for 160); 2 ms of slack, no more.
    assertTrue(firstGap >= 80 - 2, "first retry after " + firstGap + " ms");
    assertTrue(secondGap >= 160 - 2, "second retry after " + secondGap + " ms");
    assertTrue(notes.stream().anyMatch(n -> n.contains("retry 1 in 80 ms")), notes.toString());
    assertTrue(notes.stream().anyMatch(n -> n.contains("retry 2 in 160 ms")), notes.toString());
  }

  @Test
  void retriesExhaustedLeaveTheEffectPending() throws Exception {
    Flaky flaky = new Flaky(Integer.MAX_VALUE);
    Workload w = new Workload(10, 0, 1, 1, 40);
    try (Kernel k = open(flaky, new Kernel.BailPolicy(1, 10, 10), 60_000)) {
      k.submit(w.event(1));
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (notes.stream().noneMatch(n -> n.contains("left pending until the next start"))
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(1, k.pendingEffects());
      assertEquals(1, k.lastSeq());
    }
    assertEquals(2, flaky.calls.get(), "one run and one retry");
  }

  @Test
  void anIdleKernelStillSnapshotsOnTime() throws Exception {
    Workload w = new Workload(10, 0, 1, 0, 40);
    // 2 s: the 20 events are submitted well before a snapshot is due by time, so the submit path cannot
    // take one at seq 20; only the timer can, once the kernel has been idle long enough.
    try (Kernel k = open(new PoolEffects(pool, computations), Kernel.BailPolicy.defaults(), 2_000)) {
      for (long s = 1; s <= 20; s++) {
        k.submit(w.event(s));
      }
      SnapshotStore store = new SnapshotStore(Restore.snapshotDir(dir));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while ((store.list().isEmpty() || SnapshotStore.seqOf(store.list().getFirst()) < 20)
          && System.nanoTime() < deadline) {
        Thread.sleep(20); // no event arrives
      }
      assertEquals(20, SnapshotStore.seqOf(store.list().getFirst()));
    }
  }
}
