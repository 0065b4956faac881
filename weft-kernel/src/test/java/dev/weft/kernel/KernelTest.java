package dev.weft.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.machine.Transition;
import dev.weft.kernel.state.StateMap;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelTest {
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

  private Kernel open(long snapshotEvery) {
    Kernel.Config config = Kernel.Config.defaults().withSnapshots(snapshotEvery, 60_000)
        .withJournal(JournalWriter.Options.defaults().withBatch(32, 500).withSegmentBytes(16 << 10));
    return Kernel.open(dir, ledger, config, pool, new PoolEffects(pool, computations), null,
        new Kernel.Listener() {
          @Override
          public void note(String line) {
            notes.add(line);
          }
        }, computations);
  }

  @Test
  void restartResumesAndEffectsComeBackAsEvents() throws Exception {
    Workload w = new Workload(10, 0, 42, 25, 28);
    StateMap afterFirst;
    try (Kernel k = open(200)) {
      for (long s = 1; s <= 500; s++) {
        k.submit(w.event(s));
      }
      waitForEffects(k, notes);
      k.awaitDurable(500);
      afterFirst = k.state();
    }
    try (Kernel k = open(200)) {
      assertEquals(afterFirst.hash(), k.state().hash(), "restart restores the same state");
      assertTrue(k.restored().startedAfter() > 0, "restart used a snapshot");
      // 20 jobs, each produced an outcome in the OUTCOMES space.
      int[] outcomes = new int[1];
      k.state().forEach((space, key, value) -> outcomes[0] += space == Ledger.OUTCOMES ? 1 : 0);
      assertEquals(20, outcomes[0]);
    }
    Restore.Restored full = Restore.run(Layout.read(dir), ledger, computations, false, notes::add);
    assertEquals(afterFirst.hash(), full.state().hash());
    assertTrue(full.referencesChecked() > 0, "references were recomputed and checked");
    Restore.Restored parallel = Restore.run(Layout.read(dir), ledger, computations, false, notes::add,
        new dev.weft.kernel.stm.Speculative(ledger, pool, 2));
    assertEquals(full.state().hash(), parallel.state().hash());
    assertEquals(full.pending(), parallel.pending());
    assertEquals(full.referencesChecked(), parallel.referencesChecked());
  }

  private static void waitForEffects(Kernel k, List<String> notes) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L; // 20 hashing effects on 2 threads of a loaded machine
    while (k.effectsInFlight() > 0 || hasPending(k)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("effects did not finish: " + notes);
      }
      Thread.sleep(5);
    }
  }

  private static boolean hasPending(Kernel k) {
    int[] jobs = new int[2];
    k.state().forEach((space, key, value) -> {
      if (space == Ledger.JOBS) {
        jobs[0]++;
      } else if (space == Ledger.OUTCOMES) {
        jobs[1]++;
      }
    });
    return jobs[0] != jobs[1];
  }

  @Test
  void timeoutsAndFailuresAreJournaledFacts() throws Exception {
    try (Kernel k = open(1000)) {
      k.submit(Ledger.job(1, -1, 5000, EffectRequest.Placement.POOL, EffectRequest.ResultMode.INLINE, new byte[8]));
      k.submit(Ledger.job(2, Integer.MAX_VALUE, 50, EffectRequest.Placement.POOL, EffectRequest.ResultMode.INLINE, new byte[8]));
      waitForEffects(k, notes);
      assertEquals(-1, k.state().get(Ledger.OUTCOMES, 256, 0), "deterministic failure");
      assertEquals(-2, k.state().get(Ledger.OUTCOMES, 2 * 256, 0), "timed out");
    }
    Restore.Restored r = Restore.run(Layout.read(dir), ledger, computations, false, notes::add);
    assertEquals(4, r.lastSeq());
  }

  @Test
  void rollAndChopKeepTheJournalVerifiable() throws Exception {
    Workload w = new Workload(100, 0, 7, 0, 28);
    long hash;
    try (Kernel k = open(100_000)) {
      for (long s = 1; s <= 300; s++) {
        k.submit(w.event(s));
      }
    }
    Epochs.roll(dir, ledger, computations, notes::add);
    try (Kernel k = open(100_000)) {
      for (long s = 301; s <= 600; s++) {
        k.submit(w.event(s));
      }
      hash = k.state().hash();
    }
    assertEquals(2, Layout.read(dir).epochs().size());
    assertEquals(1, Epochs.chop(dir, 1).size());
    Restore.Restored r = Restore.run(Layout.read(dir), ledger, computations, false, notes::add);
    assertEquals(301, r.firstSeq());
    assertEquals(600, r.lastSeq());
    assertEquals(hash, r.state().hash());
    StateMap seq = StateMap.empty();
    for (long s = 1; s <= 600; s++) {
      seq = Transition.applyIgnoringEffects(ledger, seq, w.event(s));
    }
    assertEquals(seq.hash(), hash);
  }

  @Test
  void wrongStateHashIsReportedWithItsSeq() throws Exception {
    Workload w = new Workload(100, 0, 7, 0, 28);
    try (Kernel k = open(100_000)) {
      for (long s = 1; s <= 50; s++) {
        k.submit(w.event(s));
      }
    }
    // Replaying with a different handler (one that ignores transfers after seq 20) must not pass.
    var other = new dev.weft.kernel.machine.Handler() {
      int count;

      @Override
      public String code() {
        return ledger.code();
      }

      @Override
      public void apply(dev.weft.kernel.machine.Txn txn, dev.weft.kernel.machine.Event event) {
        if (++count != 21) {
          ledger.apply(txn, event);
        }
      }
    };
    BadDataException e = assertThrows(BadDataException.class,
        () -> Restore.run(Layout.read(dir), other, computations, false, notes::add));
    assertTrue(e.getMessage().contains("seq 21"), e.getMessage());
  }

  @Test
  void secondKernelOnTheSameDirectoryIsRefused() {
    try (Kernel k = open(1000)) {
      assertThrows(dev.weft.runtime.UsageException.class, () -> open(1000));
    }
    assertTrue(Files.exists(dir.resolve("LOCK")));
    try (Kernel k = open(1000)) {
      assertEquals(0, k.durableSeq(), "reopens once the first kernel closed");
    }
  }
}
