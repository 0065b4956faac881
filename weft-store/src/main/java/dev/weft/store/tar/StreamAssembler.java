package dev.weft.store.tar;

import dev.weft.runtime.limit.ByteBudget;
import dev.weft.runtime.pool.Scope;
import dev.weft.store.splitstream.SplitStreamWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Assembles one split stream from a splitter's results, in tar order, on whichever thread of the layer has
 * something to add, instead of on the reading thread.
 *
 * <p>Why: the reader (read, decompress, parse headers) is the critical path of a layer; feeding the stream
 * writer, and above all its zstd compression, was 10–18 % of the reader's time (docs/notes/store.md).
 *
 * <p>How: the reader appends parts in tar order: inline bytes (copied into pages, see below) and
 * {@link Part}s whose result a pool task fills in (a small file's digest, a large file's leaf hashes).
 * Whoever has just made a part ready — the task that filled it in, or a pass the reader forks for inline
 * bytes — tries to own the queue ({@code tryLock}: nobody ever waits for it) and moves every ready part at
 * the head into the writer; on giving ownership back it looks at the head once more, since a part made
 * ready meanwhile by a thread that found the queue owned was left to it. So exactly one thread at a time
 * drives the writer and its single zstd stream (zstd-jni's compressor is stateful), always in tar order,
 * and the stream's bytes do not depend on which threads did it. With no helper thread (one thread) every
 * part is assembled on the reader as soon as it is ready, as before.
 *
 * <p>Memory: inline bytes wait in pages of at most 64 KiB, each holding a lease of the layer's byte budget
 * until every byte of it is in the writer, so the budget covers what waits for assembly. Only the reader
 * writes into a page; it seals the page (and forks a pass for it) when the page is full or before it waits
 * for budget ({@link #seal()}), so a waiting reader never holds bytes that only it could hand on.
 *
 * <p>Threads: {@link #inline}, {@link #add}, {@link #seal}, {@link #kick} and {@link #finish} are the
 * reader's (the owner of the scope; only it forks); {@link #tryDrain} may run on any thread of the layer.
 */
final class StreamAssembler {
  /** Largest inline page; a smaller budget gets pages of its capacity. */
  static final int PAGE = 64 << 10;
  /** Idle pages kept for reuse (they hold no lease). */
  private static final int MAX_FREE_PAGES = 4;

  /** A part of the stream whose content a task fills in; {@link #ready} once it has. */
  interface Part {
    boolean ready();

    /** Called once, by the queue's owner, when ready: appends the part to the writer. */
    void writeTo(SplitStreamWriter writer) throws IOException;

    /** Called after a failure, when every task stopped, for a part never written. */
    default void discard() {}
  }

  /** Leases budget for the reader; may first hand on what the reader holds (see {@link #seal}). */
  interface Leaser {
    ByteBudget.Lease lease(long bytes);
  }

  /** A page of inline bytes: one lease, freed when the reader sealed it and every run in it was written. */
  private final class Page {
    final byte[] buf;
    final ByteBudget.Lease lease;
    /** The reader's hold until sealed, plus one per queued run in this page. */
    final AtomicInteger holds = new AtomicInteger(1);
    int used; // reader only

    Page(byte[] buf, ByteBudget.Lease lease) {
      this.buf = buf;
      this.lease = lease;
    }

    void release() {
      if (holds.decrementAndGet() == 0) {
        if (freePages.size() < MAX_FREE_PAGES && buf.length == pageSize) {
          freePages.add(buf); // before the lease: a reader woken by the bytes finds the page
        }
        lease.close();
      }
    }
  }

  /** Bytes {@code [off, off+len)} of a page, in the queue between parts. */
  private record Run(Page page, int off, int len) {}

  private final SplitStreamWriter writer;
  private final Scope scope;
  private final Leaser leaser;
  private final int pageSize;
  /** Runs and parts in tar order; only the reader adds, only the owner of {@link #owner} removes. */
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  private final ReentrantLock owner = new ReentrantLock();
  private final AtomicBoolean passScheduled = new AtomicBoolean();
  private final Queue<byte[]> freePages = new ConcurrentLinkedQueue<>();
  /** The page the reader fills, null when none is open; {@link #runStart} is where its current run began. */
  private Page page;
  private int runStart;

  StreamAssembler(SplitStreamWriter writer, Scope scope, ByteBudget budget, Leaser leaser) {
    this.writer = writer;
    this.scope = scope;
    this.leaser = leaser;
    this.pageSize = (int) Math.min(PAGE, budget.capacity());
  }

  /** Appends inline bytes (copied: the caller may reuse {@code b}). */
  void inline(byte[] b, int off, int len) {
    while (len > 0) {
      if (page == null || page.used == page.buf.length) {
        seal();
        ByteBudget.Lease lease = leaser.lease(pageSize);
        byte[] buf = freePages.poll();
        page = new Page(buf != null ? buf : new byte[pageSize], lease);
        runStart = 0;
      }
      int n = Math.min(len, page.buf.length - page.used);
      System.arraycopy(b, off, page.buf, page.used, n);
      page.used += n;
      off += n;
      len -= n;
    }
  }

  /** Appends a part after the inline bytes so far. */
  void add(Part part) {
    endRun();
    queue.add(part);
  }

  /** Queues the inline bytes written since the last run ended. */
  private void endRun() {
    if (page != null && page.used > runStart) {
      page.holds.incrementAndGet();
      queue.add(new Run(page, runStart, page.used - runStart));
      runStart = page.used;
    }
  }

  /**
   * Hands the open page on: its bytes are queued, the reader gives up its hold, and a pass is forked to
   * write them. The reader calls this before it waits for budget (and when a page is full).
   */
  void seal() {
    if (closePage()) {
      kick();
    }
  }

  private boolean closePage() {
    if (page == null) {
      return false;
    }
    endRun();
    Page p = page;
    page = null;
    p.release();
    return true;
  }

  /** Forks a pass that assembles what is ready, unless one is queued already (e.g. for inline bytes). */
  void kick() {
    if (passScheduled.compareAndSet(false, true)) {
      scope.fork(() -> {
        passScheduled.set(false);
        tryDrain();
      });
    }
  }

  /**
   * Writes every ready part at the head of the queue, unless another thread is doing so (it will look
   * again after it lets go). Never waits. Any thread of the layer.
   */
  void tryDrain() {
    do {
      if (!owner.tryLock()) {
        return;
      }
      try {
        drainLocked(false);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        owner.unlock();
      }
    } while (headReady());
  }

  private boolean headReady() {
    Object head = queue.peek();
    return head instanceof Run || (head instanceof Part p && p.ready());
  }

  private void drainLocked(boolean all) throws IOException {
    for (Object head; (head = queue.peek()) != null; ) {
      if (head instanceof Run r) {
        writer.writeInline(r.page().buf, r.off(), r.len());
        queue.poll();
        r.page().release();
      } else {
        Part p = (Part) head;
        if (!p.ready()) {
          if (all) {
            throw new IllegalStateException("a part of the split stream has no result after every task stopped");
          }
          return;
        }
        p.writeTo(writer); // a part that fails here stays queued, so discard() still sees it
        queue.poll();
      }
    }
  }

  /** Reader, once every task of the layer stopped: writes the rest and returns the split stream's bytes. */
  byte[] finish() throws IOException {
    closePage(); // no pass: nothing may be forked once the scope was joined
    owner.lock(); // free: nobody else runs now
    try {
      drainLocked(true);
    } finally {
      owner.unlock();
    }
    return writer.finish();
  }

  /** Reader, after a failure, once every task stopped: returns the pages' bytes and discards unwritten parts. */
  void discard() {
    closePage();
    for (Object o; (o = queue.poll()) != null; ) {
      if (o instanceof Run r) {
        r.page().release();
      } else {
        ((Part) o).discard();
      }
    }
  }
}
