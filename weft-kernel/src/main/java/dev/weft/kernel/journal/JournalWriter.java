package dev.weft.kernel.journal;

import dev.weft.runtime.io.Fsync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * Appends records with group commit. Callers {@link #append} into an in-memory batch and get the record's
 * sequence number at once; one dedicated writer thread (owned by this object, started in the constructor
 * and stopped by {@link #close}) writes a batch when {@code batchEvents} records or {@code maxDelayMicros}
 * have accumulated, makes it durable according to {@link Durability}, and then reports the durable
 * sequence number to the listener. The listener is called in increasing order, one call at a time, from
 * the writer or a flush thread, and must not block.
 *
 * <p>It is a dedicated thread rather than pool work because it blocks in the kernel most of its life and
 * must never wait behind CPU work. While it writes one batch, appends fill the other of two buffers, so
 * the next batch is assembled meanwhile.
 *
 * <p><b>Pipelined flushes</b> ({@link Durability#FSYNC_BATCH}): the writer does not wait for a batch's
 * {@code fdatasync}. It hands each written batch to one of {@code flushesInFlight} flush threads (also owned
 * here) and goes on writing the next batch; a disk that overlaps flushes then completes several per flush
 * latency. A batch is reported durable when the flush <em>started after its write</em> returns. That flush
 * covers every earlier batch too (they were written before it started), so the durable sequence number is
 * the highest such batch end, reported only upward. After any write or flush error nothing more is reported
 * durable (a later flush can succeed on pages the failed one dropped). A segment switch and {@link #close}
 * first wait for the flushes in flight.
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

  /**
   * Group-commit and segment settings. A batch is cut when {@code batchEvents} records or
   * {@code maxDelayMicros} have accumulated; it holds everything waiting then, but at most
   * {@code maxBatchEvents} records when that is positive (0: no limit). {@code flushesInFlight} bounds the
   * batches written but not yet flushed in {@link Durability#FSYNC_BATCH} mode (1: one flush at a time).
   */
  public record Options(Durability durability, int batchEvents, long maxDelayMicros, long segmentBytes,
      int maxPendingBytes, int maxBatchEvents, int flushesInFlight) {
    public Options {
      if (batchEvents < 1 || maxDelayMicros < 0 || segmentBytes < 1 || maxPendingBytes < 1) {
        throw new IllegalArgumentException("journal options out of range: " + batchEvents + " events, "
            + maxDelayMicros + " us, " + segmentBytes + " segment bytes, " + maxPendingBytes + " pending bytes");
      }
      if (maxBatchEvents < 0 || (maxBatchEvents > 0 && maxBatchEvents < batchEvents)) {
        throw new IllegalArgumentException("a batch limit of " + maxBatchEvents + " must be 0 (none) or at least the "
            + "batch size " + batchEvents);
      }
      if (flushesInFlight < 1 || flushesInFlight > 64) {
        throw new IllegalArgumentException("flushes in flight must be 1 to 64, got " + flushesInFlight);
      }
    }

    /** fsync per batch, batches of 64 or 1 ms, 64 MiB segments, 8 MiB pending, no batch limit, 4 flushes. */
    public static Options defaults() {
      return new Options(Durability.FSYNC_BATCH, 64, 1000, 64L << 20, 8 << 20, 0, 4);
    }

    public Options withDurability(Durability d) {
      return new Options(d, batchEvents, maxDelayMicros, segmentBytes, maxPendingBytes, maxBatchEvents,
          flushesInFlight);
    }

    public Options withBatch(int events, long micros) {
      return new Options(durability, events, micros, segmentBytes, maxPendingBytes,
          maxBatchEvents == 0 ? 0 : Math.max(maxBatchEvents, events), flushesInFlight);
    }

    public Options withSegmentBytes(long bytes) {
      return new Options(durability, batchEvents, maxDelayMicros, bytes, maxPendingBytes, maxBatchEvents,
          flushesInFlight);
    }

    /** At most {@code events} records per batch (0: no limit); each batch then gets its own flush. */
    public Options withBatchLimit(int events) {
      return new Options(durability, batchEvents, maxDelayMicros, segmentBytes, maxPendingBytes, events,
          flushesInFlight);
    }

    public Options withFlushesInFlight(int flushes) {
      return new Options(durability, batchEvents, maxDelayMicros, segmentBytes, maxPendingBytes, maxBatchEvents,
          flushes);
    }
  }

  /**
   * A written batch waiting for its {@code fdatasync}: reported durable up to {@code seq} once it returns.
   * Flush thread i forces {@code channels[i]}, its own descriptor of the segment.
   */
  private record Flush(FileChannel[] channels, long seq) {}

  private final Path epochDir;
  private final Options options;
  private final LongConsumer onDurable;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition batchReady = lock.newCondition();
  private final Condition spaceFree = lock.newCondition();
  private final Condition durableAdvanced = lock.newCondition();
  private final Condition flushWanted = lock.newCondition();
  private final Condition flushDone = lock.newCondition();
  /** Held while the durable sequence number advances and the listener runs: reports stay in order. */
  private final ReentrantLock publishLock = new ReentrantLock();
  private final Thread thread;
  private final List<Thread> flushers;

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
  /** End offsets of the records in {@code pending}: batches and segments split at record boundaries. */
  private int[] pendingEnds = new int[1024];
  /** Written batches waiting for a flush thread. */
  private final ArrayDeque<Flush> flushQueue = new ArrayDeque<>();
  /** Batches queued or being flushed. */
  private int flushesPending;
  private boolean flushersStop;

  // confined to the writer thread
  private FileChannel segment;
  /**
   * One read-only descriptor of {@link #segment} per flush thread, opened with the segment. Linux reports a
   * writeback error once per open file description: with one shared descriptor, a concurrent flush could
   * take the error and let another flush of the same pages return success; each thread's own descriptor
   * sees every error that happens after the segment was opened.
   */
  private FileChannel[] flushChannels = new FileChannel[0];
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
        Fsync.directory(epochDir);
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
          try {
            flushChannels = openFlushChannels(lastSegment);
          } catch (IOException e) {
            ch.close();
            throw e;
          }
          segment = ch;
          segmentSize = validBytes;
          allocated = validBytes;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Thread> started = new ArrayList<>();
    if (options.durability() == Durability.FSYNC_BATCH) {
      for (int i = 0; i < options.flushesInFlight(); i++) {
        int lane = i;
        started.add(Thread.ofPlatform().name("weft-journal-flush-" + i).daemon(true).start(() -> flushLoop(lane)));
      }
    }
    this.flushers = List.copyOf(started);
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
        pendingEnds = Arrays.copyOf(pendingEnds, pendingEnds.length * 2);
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
   * Batches written so far (each with its own flush in fsync-batch mode). A batch holds everything appended
   * while the previous one was being written, so it can be larger than {@code batchEvents} when appends
   * outpace the disk, but never larger than the batch limit when one is set.
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
    try {
      writeBatches();
    } finally {
      // The flush threads finish what is queued (reporting it only if nothing failed) and stop.
      lock.lock();
      try {
        flushersStop = true;
        flushWanted.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void writeBatches() {
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
        count = pendingCount;
        firstSeq = nextSeq - count;
        ends = Arrays.copyOf(pendingEnds, count);
        batch = pending;
        pending = spare;
        spare = batch;
        pending.clear();
        pendingCount = 0;
        batches += ((long) count + batchLimit() - 1) / batchLimit();
        spaceFree.signalAll();
      } finally {
        lock.unlock();
      }
      try {
        batch.flip();
        write(batch, firstSeq, count, ends);
      } catch (Throwable t) {
        fail(t);
        return;
      }
    }
  }

  /** Records the first failure and wakes everyone who waits on the writer. */
  private void fail(Throwable t) {
    lock.lock();
    try {
      if (failure == null) {
        failure = t;
      }
      spaceFree.signalAll();
      durableAdvanced.signalAll();
      flushDone.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A flush thread: forces the segment of each queued batch and reports the batch durable. */
  private void flushLoop(int lane) {
    while (true) {
      Flush flush;
      lock.lock();
      try {
        while (flushQueue.isEmpty() && !flushersStop) {
          flushWanted.awaitUninterruptibly();
        }
        flush = flushQueue.poll();
        if (flush == null) {
          return;
        }
      } finally {
        lock.unlock();
      }
      try {
        flush.channels()[lane].force(false);
        published(flush.seq());
      } catch (Throwable t) {
        fail(t);
      } finally {
        lock.lock();
        try {
          flushesPending--;
          flushDone.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** Queues the flush of everything written so far, waiting while {@code flushesInFlight} are pending. */
  private void startFlush(long seq) throws IOException {
    lock.lock();
    try {
      while (flushesPending >= options.flushesInFlight() && failure == null) {
        flushDone.awaitUninterruptibly();
      }
      failedWhileWaiting();
      flushesPending++;
      flushQueue.add(new Flush(flushChannels, seq));
      flushWanted.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no flush is pending (before the segment is finished and closed). */
  private void awaitFlushes() throws IOException {
    lock.lock();
    try {
      while (flushesPending > 0) {
        flushDone.awaitUninterruptibly();
      }
      failedWhileWaiting();
    } finally {
      lock.unlock();
    }
  }

  private void failedWhileWaiting() throws IOException {
    if (failure != null) {
      throw new IOException("journal flush failed: " + failure.getMessage(), failure);
    }
  }

  /** Records per batch: the limit, or everything taken at once. */
  private int batchLimit() {
    return options.maxBatchEvents() > 0 ? options.maxBatchEvents() : Integer.MAX_VALUE;
  }

  /**
   * Writes what was taken, in batches of at most the batch limit, and starts each batch's flush (or reports
   * it at once in os-cache mode; fsync-each reports record by record).
   */
  private void write(ByteBuffer batch, long firstSeq, int count, int[] ends) throws IOException {
    for (int from = 0; from < count; ) {
      int to = (int) Math.min(count, (long) from + batchLimit());
      writeRecords(batch, firstSeq, from, to, ends);
      if (options.durability() == Durability.FSYNC_BATCH) {
        startFlush(firstSeq + to - 1);
      } else if (options.durability() == Durability.OS_CACHE) {
        published(firstSeq + to - 1);
      }
      from = to;
    }
  }

  /** Writes records {@code from} (inclusive) to {@code to} of the batch, splitting segments at record boundaries. */
  private void writeRecords(ByteBuffer batch, long firstSeq, int from, int to, int[] ends) throws IOException {
    int start = from == 0 ? 0 : ends[from - 1];
    int i = from;
    while (i < to) {
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
      while (j < to && segmentSize + (ends[j] - start) <= options.segmentBytes()) {
        j++;
      }
      writeFully(batch.slice(start, ends[j - 1] - start));
      start = ends[j - 1];
      i = j;
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

  /** Reports {@code seq} durable unless a higher one already was or anything failed; in order, one at a time. */
  private void published(long seq) {
    publishLock.lock();
    try {
      lock.lock();
      try {
        if (failure != null || seq <= durableSeq) {
          return;
        }
        durableSeq = seq;
        durableAdvanced.signalAll();
      } finally {
        lock.unlock();
      }
      onDurable.accept(seq);
    } finally {
      publishLock.unlock();
    }
  }

  /** The flush threads' own descriptors of a segment (none unless in fsync-batch mode). */
  private FileChannel[] openFlushChannels(Path path) throws IOException {
    int n = options.durability() == Durability.FSYNC_BATCH ? options.flushesInFlight() : 0;
    FileChannel[] channels = new FileChannel[n];
    try {
      for (int i = 0; i < n; i++) {
        channels[i] = FileChannel.open(path, StandardOpenOption.READ);
      }
    } catch (IOException e) {
      for (FileChannel c : channels) {
        if (c != null) {
          c.close();
        }
      }
      throw e;
    }
    return channels;
  }

  /** Closes the segment and its flush descriptors (no flush may be pending). */
  private void closeSegment() throws IOException {
    try (FileChannel s = segment) {
      for (FileChannel c : flushChannels) {
        c.close();
      }
    } finally {
      segment = null;
      flushChannels = new FileChannel[0];
    }
  }

  private void openSegment(long firstSeq) throws IOException {
    if (segment != null) {
      awaitFlushes();
      finishSegment();
      closeSegment();
    }
    Path path = epochDir.resolve(Layout.segmentFileName(firstSeq));
    segment = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    flushChannels = openFlushChannels(path);
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
    Fsync.directory(epochDir);
  }

  private void rethrowFailure() {
    if (failure != null) {
      if (failure instanceof IOException io) {
        throw new UncheckedIOException("journal write failed: " + io.getMessage(), io);
      }
      throw new IllegalStateException("journal writer failed: " + failure, failure);
    }
  }

  /** The writer first: it stops the flush threads when it ends. */
  private List<Thread> allThreads() {
    List<Thread> all = new ArrayList<>();
    all.add(thread);
    all.addAll(flushers);
    return all;
  }

  /** Writes and syncs everything appended so far, then stops the writer and flush threads. */
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
    for (Thread t : allThreads()) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    try {
      if (segment != null) {
        try {
          finishSegment();
        } finally {
          closeSegment(); // also after a failed force: no descriptor outlives the writer
        }
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
