package dev.weft.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.journal.Durability;
import dev.weft.kernel.journal.JournalReader;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.machine.Event;
import dev.weft.runtime.pool.TaskPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live micro-batch speculation ({@link Kernel#submitAllWithin}) against one-by-one submission. */
class LiveSpeculationTest {
  @TempDir
  Path tmp;
  TaskPool pool;
  final Ledger ledger = new Ledger();
  final Computations computations = Computations.discover();

  @BeforeEach
  void start() {
    pool = TaskPool.create(8);
  }

  @AfterEach
  void stop() {
    pool.close();
  }

  private Kernel open(Path dir, int workers, long lastSeq) {
    Kernel.Config config = Kernel.Config.defaults().withSnapshots(700, 60_000).withLastSeq(lastSeq)
        .withJournal(JournalWriter.Options.defaults().withDurability(Durability.OS_CACHE).withBatch(64, 500)
            .withSegmentBytes(64 << 10))
        .withSpeculation(workers);
    return Kernel.open(dir, ledger, config, pool, new PoolEffects(pool, computations), null,
        new Kernel.Listener() { }, computations);
  }

  /** Every record as (seq, type, hash, body) for comparison. */
  private static List<Object[]> records(Path dir) {
    List<Object[]> out = new ArrayList<>();
    JournalReader.read(Layout.read(dir), 1, (seq, type, hash, body) -> {
      byte[] b = new byte[body.remaining()];
      body.get(b);
      out.add(new Object[] {seq, type, hash, b});
    });
    return out;
  }

  private static void assertSameJournal(Path expected, Path actual) {
    List<Object[]> a = records(expected);
    List<Object[]> b = records(actual);
    assertEquals(a.size(), b.size(), "record count");
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i)[0], b.get(i)[0]);
      assertEquals(a.get(i)[1], b.get(i)[1], "type at seq " + a.get(i)[0]);
      assertEquals(a.get(i)[2], b.get(i)[2], "state hash at seq " + a.get(i)[0]);
      assertArrayEquals((byte[]) a.get(i)[3], (byte[]) b.get(i)[3], "body at seq " + a.get(i)[0]);
    }
  }

  @Test
  void microBatchesGiveTheSequentialJournalAtOneTwoAndEightThreads() throws Exception {
    int n = 1500;
    for (long accounts : new long[] {2, 10, 1000}) {
      Workload w = new Workload(accounts, 0, accounts * 7, 0, 40);
      Path sequential = Files.createTempDirectory(tmp, "seq");
      long seqHash;
      try (Kernel k = open(sequential, 0, Long.MAX_VALUE)) {
        for (long s = 1; s <= n; s++) {
          k.submit(w.event(s));
        }
        seqHash = k.state().hash();
      }
      for (int workers : new int[] {1, 2, 8}) {
        Path dir = Files.createTempDirectory(tmp, "spec" + workers);
        Random batches = new Random(accounts * 31 + workers);
        try (Kernel k = open(dir, workers, Long.MAX_VALUE)) {
          long s = 1;
          while (s <= n) {
            int size = (int) Math.min(n - s + 1, 1 + batches.nextInt(100));
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
              batch.add(w.event(s + i));
            }
            Kernel.Appended a = k.submitAllWithin(batch, Long.MAX_VALUE);
            assertEquals(new Kernel.Appended(s, size), a);
            s += size;
          }
          assertEquals(seqHash, k.state().hash(), accounts + " accounts, " + workers + " workers");
        }
        assertSameJournal(sequential, dir);
      }
    }
  }

  @Test
  void jobsInMicroBatchesReleaseTheirEffectsAndReplayChecksEveryHash() throws Exception {
    Path dir = tmp.resolve("jobs");
    Workload w = new Workload(50, 0, 5, 7, 40);
    long hash;
    try (Kernel k = open(dir, 2, Long.MAX_VALUE)) {
      for (long s = 1; s <= 600; ) {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          batch.add(w.event(s + i));
        }
        s += k.submitAllWithin(batch, Long.MAX_VALUE).count();
      }
      assertTrue(k.awaitEffects(30_000), "every job's effect produced its outcome");
      hash = k.state().hash();
    }
    Restore.Restored r = Restore.run(Layout.read(dir), ledger, computations, false, x -> { });
    assertEquals(hash, r.state().hash());
    assertEquals(0, r.pending().size());
  }

  @Test
  void aBatchIsCutWhereItsOutcomesWouldPassTheLastSeq() throws Exception {
    Path dir = tmp.resolve("bounded");
    Workload w = new Workload(50, 0, 5, 4, 40); // a job every 4th event
    try (Kernel k = open(dir, 2, 100)) {
      List<Event> batch = new ArrayList<>();
      for (int i = 1; i <= 120; i++) {
        batch.add(w.event(i));
      }
      Kernel.Appended a = k.submitAllWithin(batch, 100);
      assertEquals(1, a.firstSeq());
      // Each admitted job will add one outcome: events + their outcomes never pass seq 100.
      int jobs = (int) batch.subList(0, a.count()).stream().filter(e -> e.type() == Ledger.JOB).count();
      assertTrue(a.count() + jobs <= 100 && a.count() + jobs >= 99, a.count() + " events, " + jobs + " jobs");
      assertTrue(k.awaitEffects(30_000));
      assertTrue(k.lastSeq() <= 100, "last seq " + k.lastSeq());
    }
    Restore.run(Layout.read(dir), ledger, computations, false, x -> { }); // every hash checks
  }
}
