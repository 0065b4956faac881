package dev.weft.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.snapshot.Snapshot;
import dev.weft.kernel.snapshot.SnapshotStore;
import dev.weft.kernel.state.StateMap;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.pool.TaskPool;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regressions for QA's B6 (interrupted epoch creation) and B7 (verify must see missing segments). */
class QaFixesTest {
  @TempDir
  Path dir;
  TaskPool pool;
  final Ledger ledger = new Ledger();
  final Computations computations = Computations.discover();
  final List<String> notes = new CopyOnWriteArrayList<>();
  final Workload w = new Workload(100, 0, 7, 0, 28);

  @BeforeEach
  void start() {
    pool = TaskPool.create(2);
  }

  @AfterEach
  void stop() {
    Thread.interrupted();
    pool.close();
  }

  private Kernel open(long snapshotEvery) {
    Kernel.Config config = Kernel.Config.defaults().withSnapshots(snapshotEvery, 600_000)
        .withJournal(JournalWriter.Options.defaults().withBatch(32, 500));
    return Kernel.open(dir, ledger, config, pool, new PoolEffects(pool, computations), null,
        new Kernel.Listener() {
          @Override
          public void note(String line) {
            notes.add(line);
          }
        }, computations);
  }

  private void run(long from, long to, long snapshotEvery) throws Exception {
    try (Kernel k = open(snapshotEvery)) {
      for (long s = from; s <= to; s++) {
        k.submit(w.event(s));
      }
      k.awaitDurable(to);
    }
  }

  private List<Path> files() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  // ---- B6 ----

  @Test
  void epochCreationOnAnInterruptedThreadCompletesAndKeepsTheInterrupt() throws Exception {
    Thread.currentThread().interrupt();
    Layout.Epoch e = Layout.createEpoch(dir, 1, 1, ledger.code());
    assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    assertTrue(Files.exists(e.dir().resolve("epoch.properties")));
    assertTrue(files().stream().noneMatch(p -> p.toString().endsWith(".tmp")), files().toString());
    assertEquals(1, Layout.read(dir).epochs().size());
    run(1, 100, 100_000);
    assertEquals(100, Restore.run(Layout.read(dir), ledger, computations, false, notes::add).lastSeq());
  }

  @Test
  void interruptWhileAnEpochIsBeingCreatedDoesNotBreakIt() throws Exception {
    run(1, 200, 100_000);
    Thread caller = Thread.currentThread();
    Snapshot base = new Snapshot(200, Restore.run(Layout.read(dir), ledger, computations, false, notes::add).state(),
        new TreeMap<>());
    // The interrupt arrives in the middle of the creation (between the base snapshot and epoch.properties).
    Layout.createEpoch(dir, 2, 201, ledger.code(), tmp -> {
      SnapshotStore.writeFile(tmp.resolve(Restore.BASE_SNAPSHOT), base);
      caller.interrupt();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError("the creating thread must not be the interrupted one", e);
      }
    });
    assertTrue(Thread.interrupted());
    Layout layout = Layout.read(dir);
    assertEquals(2, layout.epochs().size());
    assertTrue(Files.exists(layout.current().dir().resolve(Restore.BASE_SNAPSHOT)));
    run(201, 300, 100_000);
    assertEquals(300, Restore.run(Layout.read(dir), ledger, computations, false, notes::add).lastSeq());
  }

  @Test
  void snapshotWriteOnAnInterruptedThreadCompletes() throws Exception {
    SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"));
    Thread.currentThread().interrupt();
    Path p = store.write(new Snapshot(5, StateMap.empty().put(1, 2, 3), new TreeMap<>()));
    assertTrue(Thread.interrupted());
    assertEquals(5, SnapshotStore.read(p).seq());
    assertTrue(files().stream().noneMatch(f -> f.toString().endsWith(".tmp")), files().toString());
  }

  @Test
  void leftoversOfAnUnfinishedCreationAreRemovedAndTheJobResumes() throws Exception {
    // What the old code left after Ctrl-C: the epoch directory with only the temporary properties file.
    Files.createDirectories(dir.resolve("epoch-000001"));
    Files.writeString(dir.resolve("epoch-000001/epoch.properties.tmp"), "epoch=1\n");
    Files.writeString(dir.resolve("LOCK"), "");
    assertTrue(Layout.read(dir).epochs().isEmpty(), "an unfinished epoch holds nothing");
    run(1, 100, 50);
    assertTrue(notes.stream().anyMatch(n -> n.contains("epoch-000001")), notes.toString());
    // What the new code could leave: a temporary epoch directory and a temporary snapshot.
    Files.createDirectories(dir.resolve("epoch-000002.tmp"));
    Files.writeString(dir.resolve("epoch-000002.tmp/base.snap"), "partial");
    Files.writeString(dir.resolve("snapshots/snap-00000000000000000150.snap.tmp"), "partial");
    notes.clear();
    run(101, 200, 50);
    assertEquals(2, notes.stream().filter(n -> n.startsWith("removed")).count(), notes.toString());
    assertTrue(files().stream().noneMatch(f -> f.toString().endsWith(".tmp")), files().toString());
    assertFalse(Files.exists(dir.resolve("epoch-000002.tmp")));
    assertEquals(200, Restore.run(Layout.read(dir), ledger, computations, false, notes::add).lastSeq());
  }

  @Test
  void chopCutShortAfterRenamingAnEpochOutLeavesAJournalStartingAtTheNextEpoch() throws Exception {
    run(1, 300, 100_000);
    Epochs.roll(dir, ledger, computations, notes::add);
    run(301, 400, 100_000);
    // What chop leaves if it dies between renaming epoch 1 out and deleting it.
    Files.move(dir.resolve("epoch-000001"), dir.resolve("epoch-000001.tmp"));
    assertEquals(301, Layout.read(dir).firstSeq(), "readers ignore the renamed epoch");
    run(401, 450, 100_000);
    assertFalse(Files.exists(dir.resolve("epoch-000001.tmp")));
    Restore.Restored r = Restore.run(Layout.read(dir), ledger, computations, false, notes::add);
    assertEquals(301, r.firstSeq());
    assertEquals(450, r.lastSeq());
    assertEquals(1, Layout.read(dir).epochs().size());
    assertTrue(Epochs.chop(dir, 1).isEmpty());
  }

  @Test
  void damagedEpochWithSegmentsIsStillAnError() throws Exception {
    run(1, 100, 100_000);
    Files.delete(dir.resolve("epoch-000001/epoch.properties"));
    assertThrows(BadDataException.class, () -> Layout.read(dir));
  }

  // ---- B7 ----

  @Test
  void deletedSegmentsBehindASnapshotAreAnErrorForEveryReplay() throws Exception {
    run(1, 2000, 500);
    long snap = SnapshotStore.seqOf(new SnapshotStore(Restore.snapshotDir(dir)).list().getFirst());
    assertTrue(snap >= 500, "snapshot at " + snap);
    try (Stream<Path> segs = Files.list(dir.resolve("epoch-000001"))) {
      for (Path p : segs.filter(p -> p.toString().endsWith(".seg")).toList()) {
        Files.delete(p);
      }
    }
    for (boolean fromSnapshot : new boolean[] {false, true}) {
      BadDataException e = assertThrows(BadDataException.class,
          () -> Restore.run(Layout.read(dir), ledger, computations, fromSnapshot, notes::add));
      assertTrue(e.getMessage().contains("seq " + snap) && e.getMessage().contains("ends at seq 0"), e.getMessage());
    }
    assertThrows(BadDataException.class, () -> open(500));
  }

  @Test
  void segmentCutShortBehindASnapshotIsAnErrorNotATornTail() throws Exception {
    run(1, 2000, 500);
    Path seg;
    try (Stream<Path> segs = Files.list(dir.resolve("epoch-000001"))) {
      seg = segs.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(f.length() / 10 + 5); // cut mid-record, before the snapshot at seq >= 500
    }
    BadDataException e = assertThrows(BadDataException.class,
        () -> Restore.run(Layout.read(dir), ledger, computations, false, notes::add));
    assertTrue(e.getMessage().contains("is ahead of the journal") && e.getMessage().contains(seg.getFileName().toString()),
        e.getMessage());
  }

  @Test
  void cutShortWithNoEvidenceBeyondItIsATornTail() throws Exception {
    run(1, 2000, 100_000); // no snapshot
    Path seg;
    try (Stream<Path> segs = Files.list(dir.resolve("epoch-000001"))) {
      seg = segs.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(f.length() / 3 + 5);
    }
    // Indistinguishable from a write cut short by a crash (documented in docs/formats/journal.md).
    Restore.Restored r = Restore.run(Layout.read(dir), ledger, computations, false, notes::add);
    assertNotNull(r.tail());
    assertTrue(r.lastSeq() < 2000);
  }

  @Test
  void rolledEpochProvesThePreviousOneEnded() throws Exception {
    run(1, 300, 100_000);
    Epochs.roll(dir, ledger, computations, notes::add);
    try (Stream<Path> segs = Files.list(dir.resolve("epoch-000001"))) {
      for (Path p : segs.filter(p -> p.toString().endsWith(".seg")).toList()) {
        Files.delete(p);
      }
    }
    BadDataException e = assertThrows(BadDataException.class,
        () -> Restore.run(Layout.read(dir), ledger, computations, false, notes::add));
    assertTrue(e.getMessage().contains("epoch-000002"), e.getMessage());
  }
}
