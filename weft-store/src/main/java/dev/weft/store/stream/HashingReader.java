package dev.weft.store.stream;

import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An input stream that reads its source in chunks of {@code chunkSize} bytes and feeds each chunk to a
 * {@link MessageDigest} on the shared pool, in read order, instead of on the reading thread.
 *
 * <p>Why: an import reads and decompresses a layer on one thread (the formats are sequential), and that
 * thread also computed two SHA-256 digests over every byte (the blob digest and the diff_id). Those
 * digests are sequential per stream too, but they need not be on the same thread: here the reader only
 * copies a chunk out of the source and hands it on, and a pool task hashes it while the reader goes on.
 *
 * <p>Memory and ordering: at most {@code chunks} buffers exist; a buffer goes back to the reader once it
 * was hashed. Only the reading thread enqueues chunks, and one hashing pass at a time (a lock) takes
 * them in FIFO order, so the digest is the digest of the bytes in stream order whatever runs it. When
 * the reader runs out of buffers (the pool is busy with other work, e.g. at one thread) it hashes the
 * queued chunks itself rather than wait, so the pool's queue can never stall the reader. {@link #digest()}
 * likewise finishes whatever the pool has not, so the result never depends on the pool running the tasks
 * (a cancelled pool simply leaves them to the caller).
 *
 * <p>Threads: one reading thread (not thread-safe for concurrent reads); the hashing runs on the pool or
 * on the reader. Given a (helper-limited) scope instead of a pool, the hashing passes are children of that
 * scope, forked by the reader: they queue with the rest of the layer's work for the scope's helpers, or run
 * on the reader at once when no helper can be had (see {@code Scope}), so the reader and its helpers stay
 * within the import's thread count. Closing closes the source.
 */
public final class HashingReader extends InputStream {
  private final InputStream in;
  private final MessageDigest md;
  private final TaskPool pool;
  private final Scope scope;
  private final int chunkSize;
  private final ArrayBlockingQueue<byte[]> free;
  private final ConcurrentLinkedQueue<Chunk> toHash = new ConcurrentLinkedQueue<>();
  private final ReentrantLock hashing = new ReentrantLock();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final int maxChunks;
  private int allocated;
  private byte[] cur;
  private int pos;
  private int lim;
  private boolean eof;
  private long count;
  /** The source's failure, if a read failed: bytes of that chunk may be lost, so no digest is given after it. */
  private Exception failed;

  private record Chunk(byte[] buf, int len) {}

  /**
   * @param pool where the hashing runs; may be null to hash on the reader (a plain digest stream)
   * @param chunkSize bytes per chunk handed to the hasher
   * @param chunks at most this many chunk buffers exist (at least 2)
   */
  public HashingReader(InputStream in, MessageDigest md, TaskPool pool, int chunkSize, int chunks) {
    this(in, md, pool, null, chunkSize, chunks);
  }

  /**
   * @param scope where the hashing passes are forked (see the class comment); it must stay open until
   *     {@link #digest()} returned, and only the reading thread may fork into it
   */
  public HashingReader(InputStream in, MessageDigest md, Scope scope, int chunkSize, int chunks) {
    this(in, md, null, scope, chunkSize, chunks);
  }

  private HashingReader(InputStream in, MessageDigest md, TaskPool pool, Scope scope, int chunkSize, int chunks) {
    if (chunkSize < 1 || chunks < 2) {
      throw new IllegalArgumentException("chunkSize " + chunkSize + ", chunks " + chunks);
    }
    this.in = in;
    this.md = md;
    this.pool = pool;
    this.scope = scope;
    this.chunkSize = chunkSize;
    this.maxChunks = chunks;
    this.free = new ArrayBlockingQueue<>(chunks);
  }

  @Override
  public int read() throws IOException {
    if (pos == lim && !fill()) {
      return -1;
    }
    return cur[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (pos == lim && !fill()) {
      return -1;
    }
    int n = Math.min(len, lim - pos);
    System.arraycopy(cur, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Every byte must reach the digest, so skipping reads.
    long done = 0;
    while (done < n && (pos < lim || fill())) {
      int k = (int) Math.min(n - done, lim - pos);
      pos += k;
      done += k;
    }
    return done;
  }

  @Override
  public int available() {
    return lim - pos;
  }

  /** Bytes read from the source so far. */
  public long count() {
    return count;
  }

  /**
   * Reads the source to its end, waits for (or does) the hashing of every chunk and returns the digest.
   * Call once, from the reading thread. Throws if a read of the source failed before (or here): the bytes
   * of the chunk it was filling never reached the digest, so any digest would be of a different stream.
   */
  public byte[] digest() throws IOException {
    while (pos < lim || fill()) {
      pos = lim;
    }
    hashQueued();
    return md.digest();
  }

  /** Hands the current chunk to the hasher and reads the next one; false at the end of the source. */
  private boolean fill() throws IOException {
    if (cur != null) {
      enqueue(new Chunk(cur, lim));
      cur = null;
      pos = lim = 0;
    }
    if (failed != null) {
      throw new IOException("an earlier read of this stream failed: " + failed, failed);
    }
    if (eof) {
      return false;
    }
    byte[] buf = takeBuffer();
    int n = 0;
    try {
      while (n < buf.length) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          eof = true;
          break;
        }
        n += r;
      }
    } catch (IOException | RuntimeException e) {
      failed = e;
      free.add(buf); // the bytes read into it are lost to the digest, so the digest is refused from now on
      throw e;
    }
    count += n;
    if (n == 0) {
      free.add(buf);
      pos = lim = 0;
      return false;
    }
    cur = buf;
    pos = 0;
    lim = n;
    return true;
  }

  private byte[] takeBuffer() {
    byte[] b = free.poll();
    if (b != null) {
      return b;
    }
    if (allocated < maxChunks) {
      allocated++;
      return new byte[chunkSize];
    }
    // All buffers wait to be hashed: do it here instead of waiting for the pool to get to it.
    hashQueued();
    return free.remove();
  }

  private void enqueue(Chunk c) {
    toHash.add(c);
    if (pool == null && scope == null) {
      return; // hashed when the reader runs out of buffers or asks for the digest
    }
    if (scheduled.compareAndSet(false, true)) {
      java.util.concurrent.Callable<Void> pass = () -> {
        scheduled.set(false);
        hashFromPool();
        return null;
      };
      if (scope != null) {
        scope.fork(pass); // may run right here (no helper to be had)
      } else {
        pool.submit(pass);
      }
    }
  }

  /** A hashing pass never waits for the lock: whoever holds it is hashing the queue already. */
  private void hashFromPool() {
    do {
      if (!hashing.tryLock()) {
        return;
      }
      try {
        drainLocked();
      } finally {
        hashing.unlock();
      }
    } while (!toHash.isEmpty());
  }

  /** Hashes everything queued; on the reader, waits for a pool thread that is hashing to finish. */
  private void hashQueued() {
    hashing.lock();
    try {
      drainLocked();
    } finally {
      hashing.unlock();
    }
  }

  private void drainLocked() {
    for (Chunk c; (c = toHash.poll()) != null; ) {
      md.update(c.buf(), 0, c.len());
      free.add(c.buf());
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
