package dev.weft.store.tar;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.limit.ByteBudget;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.store.fs.DirectIo;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStreamWriter;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * Splits one tar into a split stream, storing external file contents in a repository.
 *
 * <p>Threads: the caller's thread reads the tar (and whatever decompression sits under the stream) and
 * parses headers; each external file, or each 8 MiB piece of a large one, is forked to the shared pool to
 * be hashed and written, holding a lease on the byte budget until written, so memory stays bounded. The
 * stream is assembled (and zstd-compressed) in tar order by whichever thread of the layer completes the
 * head of the queue of pending results ({@link StreamAssembler}), so the output is identical at any thread
 * count and the reader only reads. The caller must not be a pool thread: it blocks on the budget.
 *
 * <p>In a helper-limited scope ({@link #split(InputStream, Scope)}, the import's), the caller's thread
 * counts as one of the threads: work waits in the scope's queue for a pool thread that holds a permit of
 * the limit, or the caller does it itself (see {@code Scope}). With no permit to be had (one thread)
 * everything runs on the caller in tar order, and before the caller waits for budget it first hands on
 * what it holds (the open batch, the open page of inline bytes) and does the work still queued, since that
 * work holds the bytes it waits for.
 */
public final class TarSplitter {
  /** composefs's INLINE_CONTENT_MAX_V0: regular files up to this size stay inline. */
  public static final int INLINE_MAX = 64;
  /** Files above this are hashed and written in pieces of this size (a multiple of the 4 KiB block). */
  static final int PIECE = 8 << 20;
  /** A batch of small files is forked once it holds this many bytes … */
  static final int BATCH_BYTES = 1 << 20;
  /** … or this many files. */
  static final int BATCH_FILES = 256;
  private static final int BLOCK = 512;

  private final Repository repo;
  private final TaskPool pool;
  private final ByteBudget budget;
  private final String what;
  private final boolean writeObjects;

  /**
   * @param budget bytes of file content in flight at once (read but not yet written)
   * @param what names the tar in errors, e.g. "layer sha256:ab…"
   */
  public TarSplitter(Repository repo, TaskPool pool, ByteBudget budget, String what) {
    this(repo, pool, budget, what, true);
  }

  /**
   * @param writeObjects false to only hash file contents (the benchmark's CPU-only path); the split stream
   *     then names objects that are not in the repository and must not be published
   */
  public TarSplitter(Repository repo, TaskPool pool, ByteBudget budget, String what, boolean writeObjects) {
    this.repo = repo;
    this.pool = pool;
    this.budget = budget;
    this.what = what;
    this.writeObjects = writeObjects;
  }

  /**
   * One file of a batch: its digest is the batch's result at {@code index}. It keeps the result, not the
   * batch, so a file waiting for assembly does not keep the batch's buffer (returned to the budget) alive.
   */
  private record Small(BatchResult result, int index, long size) implements StreamAssembler.Part {
    @Override
    public boolean ready() {
      return result.ids != null;
    }

    @Override
    public void writeTo(SplitStreamWriter writer) {
      writer.writeExternal(result.ids[index], size);
    }
  }

  /** The digests of a batch's files, set by its task before it assembles what is ready. */
  private static final class BatchResult {
    volatile ObjectId[] ids;
  }

  /**
   * Small files hashed and written by one pool task, in order: one fork per ~1 MiB instead of one per file
   * (a root filesystem has tens of thousands of files of a few KiB, and per-task overhead showed in the
   * profile). The files are packed one after the other into one buffer, which is reused for a later batch
   * once the task stopped (new memory costs a page fault per 4 KiB in this VM; see docs/notes/store.md).
   * The batch holds one lease for the whole buffer. Until it is forked, the batch is open and its lease
   * and buffer are the reader's to return.
   */
  private static final class Batch {
    final byte[] buf;
    final ByteBudget.Lease lease;
    /** Whether {@link #buf} goes back to the split's free list when the task stopped. */
    final boolean reusable;
    int[] ends = new int[16];
    int files;
    int used;
    Task<ObjectId[]> task;
    final BatchResult result = new BatchResult();

    Batch(byte[] buf, ByteBudget.Lease lease, boolean reusable) {
      this.buf = buf;
      this.lease = lease;
      this.reusable = reusable;
    }

    int start(int i) {
      return i == 0 ? 0 : ends[i - 1];
    }

    int room() {
      return buf.length - used;
    }
  }

  /** A file above {@link #PIECE}: its pieces are hashed (and written) by separate tasks. */
  private final class Large implements StreamAssembler.Part {
    final Path tmp;
    /** The temporary file, written directly (bypassing the page cache) where the file system allows. */
    final DirectIo.Output out;
    final long size;
    /** Each piece's fs-verity leaf hashes, set by its task before it counts itself in {@link #piecesDone}. */
    final byte[][] leaves;
    final AtomicInteger piecesDone = new AtomicInteger();
    final List<ByteBudget.Lease> leases = new ArrayList<>();
    /** Every piece was read and handed on: before that, all pieces done is not the file done. */
    volatile boolean allForked;
    boolean committed;

    Large(Path tmp, DirectIo.Output out, long size) {
      this.tmp = tmp;
      this.out = out;
      this.size = size;
      this.leaves = new byte[Math.toIntExact((size + PIECE - 1) / PIECE)][];
    }

    @Override
    public boolean ready() {
      return allForked && piecesDone.get() == leaves.length;
    }

    /** Runs on the queue's owner: the object is committed when the stream reaches it, in tar order. */
    @Override
    public void writeTo(SplitStreamWriter writer) throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (byte[] l : leaves) {
        all.writeBytes(l);
      }
      ObjectId id = FsVerity.digestFromLeaves(all.toByteArray(), size);
      if (out != null) {
        try {
          out.close();
          repo.commitTemp(tmp, id, size);
        } catch (IOException e) {
          // The repository's failure, not the layer's: unchecked, so the importer does not call it bad data.
          throw new java.io.UncheckedIOException("cannot write object " + id + " (" + tmp + "): " + e.getMessage(), e);
        }
        committed = true;
      }
      writer.writeExternal(id, size);
    }

    @Override
    public void discard() {
      leases.forEach(ByteBudget.Lease::close);
      try {
        if (out != null) {
          out.close();
        }
      } catch (IOException ignored) {
        // closing a temp file we are about to delete
      }
      if (!committed && tmp != null) {
        Repository.deleteQuietly(tmp);
      }
    }
  }

  /** Splits {@code tar} (already decompressed) with its work on the pool; the result is not yet published. */
  public SplitResult split(InputStream tar) throws IOException {
    try (Scope scope = pool.openScope()) {
      return split(tar, scope);
    }
  }

  /**
   * Splits {@code tar} forking its work into {@code scope}, which this thread owns (it may hold other work
   * of the same layer, such as the digests of its {@code HashingReader}s). On success every child of the
   * scope has stopped and it stays open; on failure its children are cancelled and waited for, and it
   * stays open too (the caller may still read a digest to its end; new children are cancelled at once).
   */
  public SplitResult split(InputStream tar, Scope scope) throws IOException {
    State s = new State();
    boolean ok = false;
    try {
      s.scope = scope;
      s.asm = new StreamAssembler(new SplitStreamWriter(dev.weft.store.splitstream.ContentType.OCI_LAYER), scope,
          budget, s::lease);
      s.run(tar);
      scope.join();
      byte[] stream = s.asm.finish();
      ok = true;
      return new SplitResult(stream, s.offset, s.entries, s.externalFiles, s.externalBytes);
    } finally {
      if (!ok) {
        scope.cancel();
        try {
          scope.join(); // waits for every child to stop, also on an interrupted thread
        } catch (RuntimeException alreadyFailing) {
          // the failure being thrown is the one to report
        }
      }
      // Runs once every child stopped (joined or closed), so no task still touches these buffers and files.
      if (s.batch != null && s.batch.task == null) {
        s.batch.lease.close(); // never forked: nobody else returns it
      }
      if (s.asm != null) {
        s.asm.discard(); // unwritten inline pages and large files' temp files
      }
    }
  }

  /** Idle batch buffers one split keeps for reuse (see {@code State.freeBuffers}). */
  private static final int MAX_FREE_BATCHES = 4;
  /** Idle full-piece buffers one split keeps for reuse. */
  private static final int MAX_FREE_PIECES = 2;

  private final class State {
    StreamAssembler asm;
    final byte[] block = new byte[BLOCK];
    /** Reused for inline entries and extension records up to 1 MiB (see {@link #readPadded}). */
    byte[] scratch = new byte[4 << 10];
    /** Objects this split already stored or found present, so duplicate contents cost no stat. */
    final java.util.Set<ObjectId> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The open batch, null when none is open. */
    Batch batch;
    /**
     * Batch buffers whose task stopped, for the next batches ({@link #batchSize} bytes each). Idle buffers
     * hold no lease, and the budget is shared by every layer's split, so each free list is capped: otherwise
     * every split could keep its own peak's worth of idle arrays while the others lease the same bytes again.
     */
    final java.util.concurrent.ConcurrentLinkedQueue<byte[]> freeBuffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Full-piece buffers of large files whose task stopped ({@link #PIECE} bytes each). */
    final java.util.concurrent.ConcurrentLinkedQueue<byte[]> freePieces = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final int batchSize = (int) Math.min(BATCH_BYTES, budget.capacity());
    Scope scope;
    long offset;
    long entries;
    long externalFiles;
    long externalBytes;

    void run(InputStream in) throws IOException {
      ByteArrayOutputStream group = new ByteArrayOutputStream();
      boolean extended = false;
      // The common group, one PAX header and its entry, is decoded without a stream (PaxEntryDecoder).
      int extensions = 0;
      byte[] paxRecords = null;
      long paxSize = 0;
      while (true) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("tar split cancelled");
        }
        long headerAt = offset;
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0 && group.size() == 0) {
          break; // clean end at a header boundary without end-of-archive blocks
        }
        if (n < BLOCK) {
          throw bad("truncated at byte " + (offset + n) + " (inside a header)");
        }
        offset += BLOCK;
        if (isZero(block)) {
          if (group.size() > 0) {
            throw bad("end-of-archive block at byte " + headerAt + " follows an extension header");
          }
          emitInline(block, BLOCK);
          copyRestInline(in);
          break;
        }
        // The checksum is checked where the header is decoded: TarArchiveEntry verifies it anyway.
        byte type = block[156];
        group.write(block, 0, BLOCK);
        emitInline(block, BLOCK);
        if (type == 'x' || type == 'g' || type == 'L' || type == 'K' || type == 'X') {
          long size = decode(block, headerAt).getSize();
          if (size > (16 << 20)) {
            throw bad("extension header at byte " + headerAt + " claims " + size + " bytes");
          }
          byte[] content = readPadded(in, size);
          int padded = padded(size);
          group.write(content, 0, padded);
          emitInline(content, padded);
          extended = true;
          extensions++;
          if (type == 'x') {
            paxRecords = content;
            paxSize = size;
          }
          continue;
        }
        TarArchiveEntry e = !extended ? decode(block, headerAt)
            : extensions == 1 && paxRecords != null && PaxEntryDecoder.available()
                ? decodePax(paxRecords, paxSize, block, headerAt)
                : decodeGroup(group.toByteArray(), block, headerAt);
        group.reset();
        extended = false;
        extensions = 0;
        paxRecords = null;
        entries++;
        if (type == 'S' || e.isSparse() || e.isPaxGNU1XSparse() || e.getExtraPaxHeaders().keySet().stream()
            .anyMatch(k -> k.startsWith("GNU.sparse."))) {
          throw bad("sparse entry '" + e.getName() + "' is not supported");
        }
        long size = e.isDirectory() || e.isSymbolicLink() || e.isLink() ? 0 : e.getSize();
        if (size < 0) {
          throw bad("negative size in header at byte " + headerAt);
        }
        // Like composefs-rs (EntryType::Regular only): a '7' (contiguous) file stays inline, whatever its size.
        boolean regular = type == '0' || type == 0;
        if (regular && size > INLINE_MAX) {
          external(in, size, e.getName());
        } else if (size > 0) {
          byte[] content = readPadded(in, size);
          emitInline(content, padded(size));
        }
      }
      forkBatch();
    }

    private void checkChecksum(byte[] header, long at) {
      boolean ok;
      try {
        ok = TarUtils.verifyCheckSum(header);
      } catch (IllegalArgumentException e) {
        // commons-compress rejects a non-octal checksum field this way; it is corrupt input all the same
        throw bad("corrupt header at byte " + at + ": checksum field is not an octal number");
      }
      if (!ok) {
        throw bad("bad header checksum at byte " + at);
      }
    }

    /**
     * Decodes a header, checksum included (the entry computes it as {@link #checkChecksum} does, so the
     * header is summed once); a bad checksum is reported before any other problem of the header.
     */
    private TarArchiveEntry decode(byte[] header, long at) {
      TarArchiveEntry e;
      try {
        e = new TarArchiveEntry(header);
      } catch (IllegalArgumentException | java.io.UncheckedIOException ex) {
        // commons-compress reports malformed fields either way
        checkChecksum(header, at);
        throw bad("corrupt header at byte " + at + ": " + ex.getMessage());
      }
      if (!e.isCheckSumOK()) {
        checkChecksum(header, at);
      }
      return e;
    }

    /** One PAX header's records applied to the entry after it (as {@link #decodeGroup}, without a stream). */
    private TarArchiveEntry decodePax(byte[] records, long size, byte[] header, long at) {
      TarArchiveEntry e;
      try {
        e = PaxEntryDecoder.decode(records, size, header);
      } catch (IOException | IllegalArgumentException | java.io.UncheckedIOException ex) {
        checkChecksum(header, at);
        throw bad("corrupt extended header before byte " + at + ": " + ex.getMessage());
      }
      if (!e.isCheckSumOK()) {
        checkChecksum(header, at);
      }
      return e;
    }

    /** Lets commons-compress apply PAX and GNU long-name headers to the entry that follows them. */
    private TarArchiveEntry decodeGroup(byte[] groupBytes, byte[] header, long at) {
      checkChecksum(header, at);
      try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(groupBytes))) {
        TarArchiveEntry e = t.getNextEntry();
        if (e == null) {
          throw bad("extension headers before byte " + at + " have no entry");
        }
        return e;
      } catch (IOException | IllegalArgumentException e) {
        throw bad("corrupt extended header before byte " + at + ": " + e.getMessage());
      }
    }

    /**
     * Reads an entry's content and padding; the first {@link #padded} bytes of the result are it. Small
     * entries (extension records, files up to 64 bytes) go into {@link #scratch}, valid until the next call
     * (the records of an `x` header are decoded at the very next header, before any other read); a large
     * inline size (a device entry claiming gigabytes) is read incrementally, so a hostile header cannot make
     * us allocate what the input does not contain.
     */
    private byte[] readPadded(InputStream in, long size) throws IOException {
      long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
      if (padded > Integer.MAX_VALUE - 8) {
        throw bad("inline entry of " + size + " bytes at byte " + offset + " is too large");
      }
      if (padded <= (1 << 20) && padded > scratch.length) {
        scratch = new byte[(int) padded];
      }
      byte[] b = padded <= (1 << 20) ? scratch : null;
      int got = b != null ? in.readNBytes(b, 0, (int) padded) : (b = in.readNBytes((int) padded)).length;
      if (got < padded) {
        throw bad("truncated at byte " + (offset + got) + " (inside an entry of " + size + " bytes)");
      }
      offset += padded;
      return b;
    }

    private void copyRestInline(InputStream in) throws IOException {
      byte[] buf = new byte[64 << 10];
      for (int n; (n = in.read(buf)) > 0; ) {
        offset += n;
        emitInline(buf, n);
      }
    }

    private int padded(long size) {
      return (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
    }

    private void external(InputStream in, long size, String name) throws IOException {
      externalFiles++;
      externalBytes += size;
      if (size <= PIECE) {
        if (batch != null && (batch.room() < size || batch.files >= BATCH_FILES)) {
          forkBatch(); // the file does not fit in the open batch
        }
        if (batch == null) {
          // The reader waits on the budget only here, holding no unforked batch: the budget is shared by
          // every layer's reader, and readers all waiting for bytes none of them has handed off would deadlock.
          if (size <= batchSize) {
            ByteBudget.Lease lease = lease(batchSize);
            byte[] buf = freeBuffers.poll();
            batch = new Batch(buf != null ? buf : new byte[batchSize], lease, true);
          } else {
            batch = new Batch(new byte[(int) size], lease(size), false); // one file between batch and piece size
          }
        }
        readExact(in, batch.buf, batch.used, (int) size, name);
        asm.add(new Small(batch.result, batch.files, size));
        if (batch.files == batch.ends.length) {
          batch.ends = java.util.Arrays.copyOf(batch.ends, batch.files * 2);
        }
        batch.used += (int) size;
        batch.ends[batch.files++] = batch.used;
        if (batch.room() <= INLINE_MAX || batch.files >= BATCH_FILES) {
          forkBatch();
        }
      } else {
        forkBatch();
        Path tmp = writeObjects ? repo.newTempFile() : null;
        DirectIo.Output opened = null;
        try {
          opened = tmp == null ? null : DirectIo.open(tmp, size);
        } catch (IOException e) {
          Repository.deleteQuietly(tmp);
          throw new java.io.UncheckedIOException("cannot write a large object: " + e.getMessage(), e); // see writeTo
        }
        DirectIo.Output out = opened;
        Large lg = new Large(tmp, out, size);
        asm.add(lg);
        for (long pos = 0; pos < size; pos += PIECE) {
          int len = (int) Math.min(PIECE, size - pos);
          ByteBudget.Lease lease = lease(len);
          lg.leases.add(lease);
          // Full pieces reuse the buffers of earlier pieces (see Batch); the last, shorter one gets its own.
          byte[] reused = len == PIECE ? freePieces.poll() : null;
          byte[] data = reused != null ? reused : new byte[len];
          readExact(in, data, 0, len, name);
          long at = pos;
          int index = (int) (pos / PIECE);
          Task<Void> piece = scope.fork(() -> {
            if (out != null) {
              try {
                out.write(data, 0, len, at);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write a large object: " + e.getMessage(), e);
              }
            }
            lg.leaves[index] = FsVerity.leafHashes(data, 0, data.length);
            lg.piecesDone.incrementAndGet();
            asm.tryDrain();
            return null;
          });
          releaseWhenStopped(piece, lease, len == PIECE ? data : null, freePieces, MAX_FREE_PIECES);
          checkFailed();
        }
        lg.allForked = true;
        asm.kick(); // its pieces may all have finished before: then nobody else would assemble it
      }
      long pad = (BLOCK - size % BLOCK) % BLOCK;
      if (pad > 0) {
        int got = in.readNBytes(block, 0, (int) pad);
        if (got < pad) {
          throw bad("truncated at byte " + (offset + got) + " (padding of '" + name + "')");
        }
        offset += pad;
        emitInline(block, got);
      }
      checkFailed();
    }

    /** Forks the open batch (if any) to the pool; the next file opens a new one. */
    private void forkBatch() {
      if (batch == null) {
        return;
      }
      Batch b = batch;
      batch = null;
      b.task = scope.fork(() -> {
        ObjectId[] ids = new ObjectId[b.files];
        for (int i = 0; i < ids.length; i++) {
          int off = b.start(i);
          int len = b.ends[i] - off;
          ids[i] = FsVerity.digest(b.buf, off, len);
          if (writeObjects && seen.add(ids[i])) {
            repo.storeObject(ids[i], b.buf, off, len);
          }
        }
        b.result.ids = ids;
        asm.tryDrain(); // this batch may be the head of the stream's queue
        return ids;
      });
      releaseWhenStopped(b.task, b.lease, b.reusable ? b.buf : null, freeBuffers, MAX_FREE_BATCHES);
    }

    /**
     * Returns the bytes once the task has stopped, including when it was cancelled before it ran, so a
     * failure elsewhere in the scope can never leave this thread waiting on a budget nobody releases; and
     * puts {@code buf} (when not null) on {@code free} for reuse, once nothing touches it, while {@code free}
     * holds fewer than {@code cap} (a race may add one or two more; the rest go to the GC).
     */
    private void releaseWhenStopped(Task<?> t, ByteBudget.Lease lease, byte[] buf,
        java.util.Queue<byte[]> free, int cap) {
      t.completion().whenComplete((v, ex) -> {
        if (buf != null && free.size() < cap) {
          free.add(buf); // before the lease: a reader woken by the bytes finds the buffer
        }
        lease.close();
      });
    }

    ByteBudget.Lease lease(long bytes) {
      checkFailed();
      ByteBudget.Lease now = budget.tryAcquire(bytes);
      if (now == null) {
        // Hold nothing only this thread could hand on while waiting: the budget is shared by every layer's
        // reader, and readers all waiting for bytes none of them has handed off would deadlock.
        forkBatch();
        asm.seal();
      }
      // Work no helper took yet holds bytes and may have nobody else to run it: do it before waiting.
      while (now == null && scope.runOneWaiting()) { // one at a time: back to reading as soon as they fit
        now = budget.tryAcquire(bytes);
      }
      if (now != null) {
        return now;
      }
      try {
        return budget.acquire(bytes);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("tar split cancelled");
      }
    }

    private void readExact(InputStream in, byte[] into, int at, int len, String name) throws IOException {
      // Straight into the task's buffer: readNBytes(int) would read into chunks and copy again.
      int got = in.readNBytes(into, at, len);
      if (got < len) {
        throw bad("truncated at byte " + (offset + got) + " (inside '" + name + "')");
      }
      offset += len;
    }

    private void emitInline(byte[] b, int len) {
      asm.inline(b, 0, len);
    }

    /** A failed child cancels the scope: report that failure, not a cancelled sibling's CancellationException. */
    private void checkFailed() {
      if (scope.isCancelled()) {
        scope.join();
      }
    }

    private BadDataException bad(String problem) {
      return new BadDataException(what + ": tar " + problem);
    }
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
