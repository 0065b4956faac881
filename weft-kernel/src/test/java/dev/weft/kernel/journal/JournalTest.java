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
      dir = Files.createTempDirectory(dir.getParent(), "j");
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
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "a lone record never became durable");
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
  void notAJournal() throws IOException {
    assertThrows(dev.weft.runtime.UsageException.class, () -> Layout.read(dir.resolve("nope")));
  }
}
