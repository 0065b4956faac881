package dev.weft.kernel.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.BadDataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir
  Path dir;
  /** For tests that need several journals: each in its own directory under this one, removed afterwards. */
  @TempDir
  Path root;

  private List<Layout.Segment> write(int records, long segmentBytes, Durability durability) throws Exception {
    Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "test/1");
    AtomicLong durable = new AtomicLong();
    try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0,
        JournalWriter.Options.defaults().withDurability(durability).withBatch(16, 200).withSegmentBytes(segmentBytes),
        durable::set)) {
      for (int i = 1; i <= records; i++) {
        assertEquals(i, w.append(7, i * 31L, body(i)));
      }
      w.awaitDurable(records);
    }
    assertEquals(records, durable.get());
    return Layout.read(dir).segments();
  }

  private static byte[] body(int i) {
    return ByteBuffer.allocate(40).putInt(i).array();
  }

  private List<Long> readAll() {
    List<Long> seqs = new ArrayList<>();
    JournalReader.read(Layout.read(dir), 1, (seq, type, hash, b) -> {
      assertEquals(7, type);
      assertEquals(seq * 31, hash);
      assertEquals((int) seq, b.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN).getInt());
      seqs.add(seq);
    });
    return seqs;
  }

  @Test
  void writesAndReadsBackAcrossSegmentsInEveryMode() throws Exception {
    for (Durability d : Durability.values()) {
      dir = Files.createTempDirectory(root, "j");
      List<Layout.Segment> segs = write(1000, 4096, d);
      assertTrue(segs.size() > 3, "several segments");
      List<Long> seqs = readAll();
      assertEquals(1000, seqs.size());
      assertEquals(1000L, seqs.getLast());
    }
  }

  @Test
  void tornTailIsReportedAndTruncatedOnReopen() throws Exception {
    List<Layout.Segment> segs = write(100, 1 << 20, Durability.FSYNC_BATCH);
    Path last = segs.getLast().path();
    long size = Files.size(last);
    try (var ch = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size - 10); // cut the last record short
    }
    JournalReader.Scan scan = JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { });
    assertEquals(99, scan.lastSeq());
    assertNotNull(scan.tail());
    Layout layout = Layout.read(dir);
    try (JournalWriter w = new JournalWriter(layout.current().dir(), last, scan.tail().validBytes(), 99,
        JournalWriter.Options.defaults(), s -> { })) {
      assertEquals(100, w.append(7, 100 * 31L, body(100)));
    }
    assertEquals(100, readAll().size());
  }

  @Test
  void flippedByteInTheMiddleNamesTheSeqAndSegment() throws Exception {
    List<Layout.Segment> segs = write(100, 1 << 20, Durability.OS_CACHE);
    Path seg = segs.getFirst().path();
    byte[] bytes = Files.readAllBytes(seg);
    int recordSize = RecordFormat.OVERHEAD + 40;
    int offset = RecordFormat.SEGMENT_HEADER + 9 * recordSize + 30; // inside seq 10's body
    bytes[offset] ^= 0x40;
    Files.write(seg, bytes);
    BadDataException e = assertThrows(BadDataException.class, this::readAll);
    assertTrue(e.getMessage().contains("seq 10"), e.getMessage());
    assertTrue(e.getMessage().contains(segs.getFirst().name()), e.getMessage());
  }

  @Test
  void truncatedRecordInAnEarlierSegmentIsCorruption() throws Exception {
    List<Layout.Segment> segs = write(300, 2048, Durability.OS_CACHE);
    Path seg = segs.get(1).path();
    long size = Files.size(seg);
    try (var ch = java.nio.channels.FileChannel.open(seg, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size - 5);
    }
    BadDataException e = assertThrows(BadDataException.class, this::readAll);
    assertTrue(e.getMessage().contains(segs.get(1).name()), e.getMessage());
  }

  @Test
  void missingSegmentIsCorruption() throws Exception {
    List<Layout.Segment> segs = write(300, 2048, Durability.OS_CACHE);
    Files.delete(segs.get(2).path());
    BadDataException e = assertThrows(BadDataException.class, this::readAll);
    assertTrue(e.getMessage().contains("missing segment: seq " + segs.get(2).firstSeq()), e.getMessage());
  }

  @Test
  void flippedByteInTheLastRecordFollowedByNothingIsATornTail() throws Exception {
    List<Layout.Segment> segs = write(50, 1 << 20, Durability.OS_CACHE);
    Path seg = segs.getLast().path();
    byte[] bytes = Files.readAllBytes(seg);
    bytes[bytes.length - 20] ^= 1;
    Files.write(seg, bytes);
    JournalReader.Scan scan = JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { });
    assertEquals(49, scan.lastSeq());
    assertNotNull(scan.tail());
  }

  @Test
  void aLoneRecordBecomesDurableAfterTheBatchDelay() throws Exception {
    Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "test/1");
    try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0,
        JournalWriter.Options.defaults().withBatch(64, 2000), s -> { })) {
      Thread.sleep(50); // let the writer go idle first
      long seq = w.append(7, 31, body(1));
      long t0 = System.nanoTime();
      // Poll rather than awaitDurable (which wakes the writer itself): the append alone must be enough.
      while (w.durableSeq() < seq) {
        // 30 s: the batch delay is 2 ms, but the fsync behind it can take seconds on a disk shared with
        // other builds; a writer that waits for a second append never gets there at all.
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "a lone record never became durable");
        Thread.sleep(1);
      }
    }
  }

  @Test
  void segmentWithATornHeaderIsRecreated() throws Exception {
    List<Layout.Segment> segs = write(40, 1 << 20, Durability.OS_CACHE);
    Path next = segs.getLast().path().resolveSibling(Layout.segmentFileName(41));
    Files.write(next, new byte[] {'W', 'E', 'F'}); // crash while creating the next segment
    JournalReader.Scan scan = JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { });
    assertEquals(40, scan.lastSeq());
    assertNotNull(scan.tail());
    try (JournalWriter w = new JournalWriter(Layout.read(dir).current().dir(), next, scan.tail().validBytes(), 40,
        JournalWriter.Options.defaults(), s -> { })) {
      assertEquals(41, w.append(7, 41 * 31L, body(41)));
    }
    assertEquals(41, readAll().size());
  }

  @Test
  void aLastSegmentOfZerosWithoutItsHeaderIsATornTail() throws Exception {
    List<Layout.Segment> segs = write(40, 1 << 20, Durability.OS_CACHE);
    Path next = segs.getLast().path().resolveSibling(Layout.segmentFileName(41));
    // A power cut after the new segment's size and zeros reached the disk but before its first page did.
    Files.write(next, new byte[64 << 10]);
    JournalReader.Scan scan = JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { });
    assertEquals(40, scan.lastSeq());
    assertNotNull(scan.tail());
    assertEquals(0, scan.tail().validBytes());
    try (JournalWriter w = new JournalWriter(Layout.read(dir).current().dir(), next, scan.tail().validBytes(), 40,
        JournalWriter.Options.defaults(), s -> { })) {
      assertEquals(41, w.append(7, 41 * 31L, body(41)));
    }
    assertEquals(41, readAll().size());
  }

  @Test
  void aZeroHeaderBeforeAnotherSegmentIsCorruption() throws Exception {
    List<Layout.Segment> segs = write(200, 4096, Durability.OS_CACHE);
    assertTrue(segs.size() > 2);
    Path middle = segs.get(1).path();
    Files.write(middle, new byte[(int) Files.size(middle)]);
    BadDataException e = assertThrows(BadDataException.class,
        () -> JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { }));
    assertTrue(e.getMessage().contains(segs.get(1).name()), e.getMessage());
  }

  /**
   * Copies the epoch's segments while the writer is still open: what a crash after the last durable batch
   * leaves, including each segment's zero-filled remainder.
   */
  private Path crashCopy(int records, long segmentBytes) throws Exception {
    Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "test/1");
    Path crashed = Files.createTempDirectory(root, "crashed");
    try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0,
        JournalWriter.Options.defaults().withBatch(16, 200).withSegmentBytes(segmentBytes), s -> { })) {
      for (int i = 1; i <= records; i++) {
        w.append(7, i * 31L, body(i));
      }
      w.awaitDurable(records);
      copyTree(dir, crashed);
    }
    return crashed;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  void aPreallocatedRemainderIsTheEndOfTheDataNotATornTail() throws Exception {
    dir = crashCopy(100, 1 << 20);
    Path last = Layout.read(dir).segments().getLast().path();
    int dataBytes = RecordFormat.SEGMENT_HEADER + 100 * (RecordFormat.OVERHEAD + 40);
    assertTrue(Files.size(last) > dataBytes, "the segment was preallocated beyond its data");
    JournalReader.Scan scan = JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { });
    assertEquals(100, scan.lastSeq());
    assertEquals(null, scan.tail());
    Layout.Segment seg = Layout.read(dir).segments().getLast();
    assertEquals(dataBytes, JournalReader.dataEnd(seg));
    try (JournalWriter w = new JournalWriter(Layout.read(dir).current().dir(), last, JournalReader.dataEnd(seg), 100,
        JournalWriter.Options.defaults(), s -> { })) {
      assertEquals(101, w.append(7, 101 * 31L, body(101)));
    }
    assertEquals(101, readAll().size());
    assertEquals(dataBytes + RecordFormat.OVERHEAD + 40, Files.size(last), "a clean close cuts the remainder off");
  }

  @Test
  void aTornWriteIntoThePreallocatedRemainderIsATornTailOfItsOwnBytes() throws Exception {
    dir = crashCopy(100, 1 << 20);
    Path last = Layout.read(dir).segments().getLast().path();
    int dataBytes = RecordFormat.SEGMENT_HEADER + 100 * (RecordFormat.OVERHEAD + 40);
    try (var ch = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
      // The first 30 bytes of seq 101 (its length field says 69): the rest of its page never reached the disk.
      ByteBuffer partial = ByteBuffer.allocate(30).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      partial.putInt(RecordFormat.OVERHEAD + 40).putLong(101).put((byte) 7).putLong(101 * 31L).put(new byte[9]);
      ch.write(partial.flip(), dataBytes);
    }
    JournalReader.Scan scan = JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { });
    assertEquals(100, scan.lastSeq());
    assertNotNull(scan.tail());
    assertEquals(dataBytes, scan.tail().validBytes());
    assertTrue(scan.tail().droppedBytes() <= 30, scan.tail().describe());
    try (JournalWriter w = new JournalWriter(Layout.read(dir).current().dir(), last, scan.tail().validBytes(), 100,
        JournalWriter.Options.defaults(), s -> { })) {
      assertEquals(101, w.append(7, 101 * 31L, body(101)));
    }
    assertEquals(101, readAll().size());
  }

  @Test
  void zerosFollowedByAnIntactRecordAreCorruptionInTheMiddle() throws Exception {
    dir = crashCopy(100, 1 << 20);
    Layout.Segment seg = Layout.read(dir).segments().getLast();
    int recordSize = RecordFormat.OVERHEAD + 40;
    try (var ch = java.nio.channels.FileChannel.open(seg.path(), java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(recordSize), RecordFormat.SEGMENT_HEADER + 49L * recordSize); // zero seq 50
    }
    BadDataException e = assertThrows(BadDataException.class, this::readAll);
    assertTrue(e.getMessage().contains("seq 50") && e.getMessage().contains(seg.name()), e.getMessage());
  }

  @Test
  void aCrashAcrossSegmentsLeavesEveryRecordReadable() throws Exception {
    dir = crashCopy(500, 4096);
    assertTrue(Layout.read(dir).segments().size() > 3);
    assertEquals(500, readAll().size());
  }

  @Test
  void aVersion1JournalIsReadAndContinuedInANewSegment() throws Exception {
    List<Layout.Segment> segs = write(50, 1 << 20, Durability.FSYNC_BATCH);
    Path seg = segs.getLast().path();
    try (var ch = java.nio.channels.FileChannel.open(seg, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(RecordFormat.MAGIC_V1), 0); // as the round-1 writer left it
    }
    long v1Size = Files.size(seg);
    JournalReader.Scan scan = JournalReader.read(Layout.read(dir), 1, (s, t, h, b) -> { });
    assertEquals(50, scan.lastSeq());
    assertEquals(null, scan.tail());
    try (JournalWriter w = new JournalWriter(Layout.read(dir).current().dir(), seg,
        JournalReader.dataEnd(Layout.read(dir).segments().getLast()), 50, JournalWriter.Options.defaults(), s -> { })) {
      assertEquals(51, w.append(7, 51 * 31L, body(51)));
    }
    assertEquals(v1Size, Files.size(seg), "the version 1 segment is left as it was");
    List<Layout.Segment> after = Layout.read(dir).segments();
    assertEquals(2, after.size());
    assertEquals(51, after.getLast().firstSeq());
    assertEquals(51, readAll().size());
  }

  @Test
  void pipelinedFlushesReportInOrderOneAtATimeAcrossSegments() throws Exception {
    for (int flushes : new int[] {1, 2, 4}) {
      dir = Files.createTempDirectory(root, "p");
      Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "test/1");
      List<Long> reported = java.util.Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.atomic.AtomicInteger inListener = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger overlaps = new java.util.concurrent.atomic.AtomicInteger();
      int records = 3000;
      try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0,
          JournalWriter.Options.defaults().withBatch(16, 200).withBatchLimit(16).withFlushesInFlight(flushes)
              .withSegmentBytes(16 << 10),
          seq -> {
            if (inListener.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            reported.add(seq);
            inListener.decrementAndGet();
          })) {
        for (int i = 1; i <= records; i++) {
          assertEquals(i, w.append(7, i * 31L, body(i)));
        }
        w.awaitDurable(records);
        // Every batch held at most 16 records, so there were at least records / 16 of them.
        assertTrue(w.batches() >= records / 16, w.batches() + " batches");
      }
      assertEquals(0, overlaps.get(), "listener called concurrently");
      for (int i = 1; i < reported.size(); i++) {
        assertTrue(reported.get(i) > reported.get(i - 1), "reports out of order: " + reported);
      }
      assertEquals((long) records, reported.getLast());
      assertTrue(Layout.read(dir).segments().size() > 3, "several segments");
      List<Long> seqs = readAll();
      assertEquals(records, seqs.size());
      assertEquals((long) records, seqs.getLast());
    }
  }

  @Test
  void aBatchLimitSplitsWhatWaitsIntoBatchesOfAtMostTheLimit() throws Exception {
    Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "test/1");
    List<Long> reported = java.util.Collections.synchronizedList(new ArrayList<>());
    // One flush at a time: appends pile up while a batch is flushed, and the limit must cut what piled up
    // into batches of at most 8, each flushed and reported on its own.
    try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0,
        JournalWriter.Options.defaults().withBatch(8, 200).withBatchLimit(8).withFlushesInFlight(1),
        reported::add)) {
      for (int i = 1; i <= 800; i++) {
        w.append(7, i * 31L, body(i));
      }
      w.awaitDurable(800);
      assertTrue(w.batches() >= 100, w.batches() + " batches");
    }
    long previous = 0;
    for (long seq : reported) {
      assertTrue(seq - previous <= 8, "a report covering more than a batch of 8: " + reported);
      previous = seq;
    }
    assertEquals(800L, previous);
    assertEquals(800, readAll().size());
  }

  @Test
  void optionsOutOfRangeAreRefused() {
    JournalWriter.Options d = JournalWriter.Options.defaults();
    assertThrows(IllegalArgumentException.class, () -> d.withFlushesInFlight(0));
    assertThrows(IllegalArgumentException.class, () -> d.withBatch(64, 1000).withBatchLimit(32));
    assertThrows(IllegalArgumentException.class, () -> d.withBatch(0, 1000));
    assertEquals(128, d.withBatchLimit(64).withBatch(128, 1000).maxBatchEvents());
  }

  @Test
  void notAJournal() throws IOException {
    assertThrows(dev.weft.runtime.UsageException.class, () -> Layout.read(dir.resolve("nope")));
  }
}
