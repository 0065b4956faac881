package dev.weft.kernel.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Appends records with group commit. Callers {@link #append} into an in-memory batch and get the record's
 * sequence number at once; one dedicated writer thread (owned by this object, started in the constructor
 * and stopped by {@link #close}) writes a batch when {@code batchEvents} records or {@code maxDelayMicros}
 * have accumulated, makes it durable according to {@link Durability}, and then reports the durable
 * sequence number to the listener. The listener runs on the writer thread and must not block.
 *
 * <p>It is a dedicated thread rather than pool work because it blocks in fsync most of its life and must
 * never wait behind CPU work. While it writes and forces one batch, appends fill the other of two buffers,
 * so the next batch is assembled during the previous one's fsync.
 *
 * <p>Segments are preallocated: zeros are written ahead of the data in chunks of up to
 * {@link #PREALLOCATE_BYTES} and forced once with their size, so each batch's {@code fdatasync} only has to
 * flush data, not the file's size and block map (as a database's WAL does). A crash leaves the zero-filled
 * remainder, which readers take as the end of the data (format version 2, {@code docs/formats/journal.md});
 * a clean close and a segment switch cut the remainder off. A version 1 segment found on open is closed as
 * it is and the next record starts a new (version 2) segment.
 *
 * <p>Appends block only when {@code maxPendingBytes} are waiting (back-pressure). A write or fsync error
 * stops the writer; later appends and waits throw it.
 */
public final class JournalWriter implements AutoCloseable {
  /** How far ahead of the data a segment is zero-filled at a time. */
  static final int PREALLOCATE_BYTES = 8 << 20;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

  /** Group-commit and segment settings. */
  public record Options(Durability durability, int batchEvents, long maxDelayMicros, long segmentBytes,
      int maxPendingBytes) {
    public static Options defaults() {
      return new Options(Durability.FSYNC_BATCH, 64, 1000, 64L << 20, 8 << 20);
    }

    public Options withDurability(Durability d) {
      return new Options(d, batchEvents, maxDelayMicros, segmentBytes, maxPendingBytes);
    }

    public Options withBatch(int events, long micros) {
      return new Options(durability, events, micros, segmentBytes, maxPendingBytes);
    }

    public Options withSegmentBytes(long bytes) {
      return new Options(durability, batchEvents, maxDelayMicros, bytes, maxPendingBytes);
    }
  }

  private final Path epochDir;
  private final Options options;
  private final LongConsumer onDurable;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition batchReady = lock.newCondition();
  private final Condition spaceFree = lock.newCondition();
  private final Condition durableAdvanced = lock.newCondition();
  private final Thread thread;

  // guarded by lock
  private ByteBuffer pending;
  private ByteBuffer spare;
  private int pendingCount;
  private long pendingFirstNanos;
  private long nextSeq;
  private long durableSeq;
  private boolean closing;
  private long batches;
  private Throwable failure;
  /** Sequence numbers of the records in {@code pending}, as end offsets, for fsync-each acknowledgement. */
  private int[] pendingEnds = new int[1024];

  // confined to the writer thread
  private FileChannel segment;
  /** Bytes of header and records in {@link #segment}; the next record is written there. */
  private long segmentSize;
  /** The segment file's length: {@link #segmentSize} plus the zero-filled remainder. */
  private long allocated;

  /**
   * Opens for appending after {@code lastSeq} into {@code epochDir}: {@code lastSegment} (may be null) is
   * reopened at {@code validBytes}, cutting off anything after it (a torn tail the reader reported).
   */
  public JournalWriter(Path epochDir, Path lastSegment, long validBytes, long lastSeq, Options options,
      LongConsumer onDurable) {
    this.epochDir = epochDir;
    this.options = options;
    this.onDurable = onDurable;
    this.nextSeq = lastSeq + 1;
    this.durableSeq = lastSeq;
    int cap = Math.max(options.maxPendingBytes(), RecordFormat.MAX_RECORD / 8);
    this.pending = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
    this.spare = ByteBuffer.allocateDirect(cap).order(ByteOrder.LITTLE_ENDIAN);
    try {
      if (lastSegment != null && validBytes < RecordFormat.SEGMENT_HEADER) {
        // A crash while the segment was being created: not even its header is intact. Start it afresh.
        java.nio.file.Files.delete(lastSegment);
        Layout.syncDir(epochDir);
      } else if (lastSegment != null) {
        FileChannel ch = FileChannel.open(lastSegment, StandardOpenOption.READ, StandardOpenOption.WRITE);
        boolean keep = false;
        try {
          // Cut a torn tail (and any preallocated remainder, refilled with zeros on demand).
          if (ch.size() > validBytes) {
            ch.truncate(validBytes);
            ch.force(true);
          }
          ByteBuffer magic = ByteBuffer.allocate(8);
          ch.read(magic, 0);
          // Version 1 stays as written; the next record opens a version 2 segment.
          keep = magic.flip().equals(ByteBuffer.wrap(RecordFormat.MAGIC_V2));
        } finally {
          if (!keep) {
            ch.close();
          }
        }
        if (keep) {
          segment = ch;
          segmentSize = validBytes;
          allocated = validBytes;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.thread = Thread.ofPlatform().name("weft-journal-writer").daemon(true).start(this::loop);
  }

  /** Appends a record; returns its sequence number. The record is durable once {@link #durableSeq} reaches it. */
  public long append(int type, long stateHash, byte[] body) {
    int size = RecordFormat.OVERHEAD + body.length;
    if (size > pending.capacity()) {
      throw new IllegalArgumentException("record of " + size + " bytes exceeds the journal's batch buffer");
    }
    lock.lock();
    try {
      while (pending.remaining() < size && failure == null && !closing) {
        spaceFree.awaitUninterruptibly();
      }
      rethrowFailure();
      if (closing) {
        throw new IllegalStateException("journal is closed");
      }
      long seq = nextSeq++;
      RecordFormat.encode(pending, seq, type, stateHash, body);
      if (pendingCount == pendingEnds.length) {
        pendingEnds = java.util.Arrays.copyOf(pendingEnds, pendingEnds.length * 2);
      }
      pendingEnds[pendingCount] = pending.position();
      boolean first = pendingCount++ == 0;
      if (first) {
        pendingFirstNanos = System.nanoTime();
      }
      // Wake the writer for the first record (it then waits at most the batch delay) and for a full batch.
      if (first || pendingCount >= options.batchEvents() || options.durability() == Durability.FSYNC_EACH) {
        batchReady.signal();
      }
      return seq;
    } finally {
      lock.unlock();
    }
  }

  /** The highest sequence number known durable. */
  public long durableSeq() {
    lock.lock();
    try {
      return durableSeq;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Batches written so far. A batch holds everything appended while the previous one was being written, so
   * it can be larger than {@code batchEvents} when appends outpace the disk.
   */
  public long batches() {
    lock.lock();
    try {
      return batches;
    } finally {
      lock.unlock();
    }
  }

  /** The sequence number the next append gets. */
  public long nextSeq() {
    lock.lock();
    try {
      return nextSeq;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until {@code seq} is durable (or the writer failed, which is thrown). */
  public void awaitDurable(long seq) throws InterruptedException {
    lock.lock();
    try {
      batchReady.signal();
      while (durableSeq < seq) {
        rethrowFailure();
        durableAdvanced.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    long delayNanos = TimeUnit.MICROSECONDS.toNanos(options.maxDelayMicros());
    while (true) {
      ByteBuffer batch;
      int count;
      int[] ends;
      long firstSeq;
      lock.lock();
      try {
        while (!closing && (pendingCount == 0 || (pendingCount < options.batchEvents()
            && options.durability() != Durability.FSYNC_EACH
            && System.nanoTime() - pendingFirstNanos < delayNanos))) {
          if (pendingCount == 0) {
            batchReady.awaitUninterruptibly();
          } else {
            try {
              batchReady.awaitNanos(delayNanos - (System.nanoTime() - pendingFirstNanos));
            } catch (InterruptedException e) {
              // Only close() would interrupt; the loop re-checks closing.
            }
          }
        }
        if (pendingCount == 0) {
          return; // closing and everything written
        }
        batch = pending;
        pending = spare;
        spare = batch;
        pending.clear();
        count = pendingCount;
        ends = java.util.Arrays.copyOf(pendingEnds, count);
        firstSeq = nextSeq - count;
        pendingCount = 0;
        batches++;
        spaceFree.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        batch.flip();
        write(batch, firstSeq, count, ends);
      } catch (Throwable t) {
        lock.lock();
        try {
          failure = t;
          spaceFree.signalAll();
          durableAdvanced.signalAll();
        } finally {
          lock.unlock();
        }
        return;
      }
    }
  }

  private void write(ByteBuffer batch, long firstSeq, int count, int[] ends) throws IOException {
    int start = 0;
    int i = 0;
    while (i < count) {
      if (segment == null || segmentSize >= options.segmentBytes()) {
        openSegment(firstSeq + i);
      }
      if (options.durability() == Durability.FSYNC_EACH) {
        writeFully(batch.slice(start, ends[i] - start));
        segment.force(false);
        start = ends[i];
        published(firstSeq + i);
        i++;
        continue;
      }
      // As many records as fit in this segment (at least one), so segments split at record boundaries.
      int j = i + 1;
      while (j < count && segmentSize + (ends[j] - start) <= options.segmentBytes()) {
        j++;
      }
      writeFully(batch.slice(start, ends[j - 1] - start));
      start = ends[j - 1];
      i = j;
    }
    if (options.durability() == Durability.FSYNC_BATCH) {
      segment.force(false);
    }
    if (options.durability() != Durability.FSYNC_EACH) {
      published(firstSeq + count - 1);
    }
  }

  /** Writes at the end of the segment's data, zero-filling further ahead first if the data would pass it. */
  private void writeFully(ByteBuffer buf) throws IOException {
    long end = segmentSize + buf.remaining();
    if (end > allocated) {
      preallocate(end);
    }
    while (buf.hasRemaining()) {
      segmentSize += segment.write(buf, segmentSize);
    }
  }

  /**
   * Extends the segment with zeros to cover {@code end} and up to {@link #PREALLOCATE_BYTES} beyond (not past
   * the segment size unless one record needs it), and forces data and size once for the whole chunk.
   */
  private void preallocate(long end) throws IOException {
    long target = Math.max(end, Math.min(options.segmentBytes(), allocated + PREALLOCATE_BYTES));
    ByteBuffer zeros = ZEROS.duplicate();
    long p = allocated;
    while (p < target) {
      zeros.clear().limit((int) Math.min(zeros.capacity(), target - p));
      p += segment.write(zeros, p);
    }
    segment.force(true);
    allocated = target;
  }

  /** Cuts the zero-filled remainder off and forces the segment: it is complete as it stands. */
  private void finishSegment() throws IOException {
    if (allocated > segmentSize) {
      segment.truncate(segmentSize);
      allocated = segmentSize;
    }
    segment.force(true);
  }

  private void published(long seq) {
    lock.lock();
    try {
      durableSeq = seq;
      durableAdvanced.signalAll();
    } finally {
      lock.unlock();
    }
    onDurable.accept(seq);
  }

  private void openSegment(long firstSeq) throws IOException {
    if (segment != null) {
      finishSegment();
      segment.close();
    }
    Path path = epochDir.resolve(Layout.segmentFileName(firstSeq));
    segment = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    ByteBuffer header = ByteBuffer.allocate(RecordFormat.SEGMENT_HEADER);
    RecordFormat.writeHeader(header, firstSeq);
    header.flip();
    // The header goes in before the zeros, so the one force in preallocate covers both: a segment whose
    // zeros reached the disk always has its header too (the reader still treats an all-zero last segment,
    // which a crash before that force can leave, as a torn tail).
    segmentSize = 0;
    while (header.hasRemaining()) {
      segmentSize += segment.write(header, segmentSize);
    }
    allocated = segmentSize;
    preallocate(segmentSize);
    Layout.syncDir(epochDir);
  }

  private void rethrowFailure() {
    if (failure != null) {
      if (failure instanceof IOException io) {
        throw new UncheckedIOException("journal write failed: " + io.getMessage(), io);
      }
      throw new IllegalStateException("journal writer failed: " + failure, failure);
    }
  }

  /** Writes and syncs everything appended so far, then stops the writer thread. */
  @Override
  public void close() {
    lock.lock();
    try {
      closing = true;
      batchReady.signalAll();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    try {
      if (segment != null) {
        finishSegment();
        segment.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    lock.lock();
    try {
      rethrowFailure();
    } finally {
      lock.unlock();
    }
  }
}
