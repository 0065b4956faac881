package dev.weft.ec.codec;

import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link ReedSolomon} code on the shared {@link TaskPool}: one encode or reconstruct is cut into
 * independent chunks (column ranges of all shards, at least {@value #MIN_TASK_BYTES} bytes of data each)
 * that the calling thread and up to {@code stripes - 1} helpers forked into one {@link Scope} claim one at
 * a time. The output is byte-identical whatever the thread count, because every chunk computes the same
 * function on its own disjoint range.
 *
 * <p>Concurrent jobs are capped by the named limit {@value #JOBS_LIMIT} (default: the pool's parallelism).
 * The async forms return a {@link Task}; cancelling it cancels the stripes, and the task completes only
 * once every stripe has stopped. The caller may free its buffers once {@code join()} has returned, or
 * after {@link Task#awaitStopped()} (or {@link Task#cancelAndWait()}) when {@code join()} threw: an
 * interrupt of the waiting thread makes {@code join()} throw while the stripes still run, and the kernels
 * read native shards at their addresses (checked once per call), so closing their arena under a running
 * stripe is undefined, not an exception. The buffers are the caller's throughout: nothing is copied.
 *
 * <p>Shards of a thread-confined arena ({@link java.lang.foreign.Arena#ofConfined()}) can only be touched
 * by their owner: the synchronous forms then code on the calling thread alone (no helpers, whatever the
 * size), and the async forms, which always run on a pool thread, refuse them up front with an
 * {@link IllegalArgumentException}. Use a shared, global or automatic arena (or heap arrays) for parallel work.
 */
public final class ParallelCoder {
  public static final String JOBS_LIMIT = "ec.jobs";
  /** The smallest share of a job, in bytes of data (k × column range), worth a thread or a claim of its own. */
  public static final int MIN_TASK_BYTES = 256 * 1024;
  /** Chunk boundaries of short shards are multiples of this, so vector kernels see full vectors. */
  private static final int ALIGN = 64;
  /** Chunk boundaries of longer shards are multiples of a page: no cache line or page is shared by two threads. */
  private static final int PAGE = 4096;
  /** Claims per thread: enough that a late-starting helper or a busy core costs at most a small share. */
  private static final int CHUNKS_PER_THREAD = 8;
  /**
   * The longest the caller spins for the helpers' last chunks before parking in {@code join}; it spins at
   * most twice its own last chunk's time below that.
   */
  private static final long SPIN_NANOS = 200_000;

  /** Never started: a segment it may not access is confined to some thread (its arena's owner). */
  private static final Thread NOT_AN_OWNER = Thread.ofPlatform().unstarted(() -> {});

  private final ReedSolomon code;
  private final TaskPool pool;
  private final NamedLimit jobs;

  public ParallelCoder(ReedSolomon code, TaskPool pool) {
    this.code = code;
    this.pool = pool;
    this.jobs = pool.limits().limit(JOBS_LIMIT, pool.parallelism());
  }

  public ReedSolomon code() {
    return code;
  }

  /** Encodes on the pool and waits. Interrupting the caller cancels the stripes and waits for them. */
  public void encode(MemorySegment[] shards, long off, long len) {
    checkLength(shards, off, len);
    run(code.encoder(), ReedSolomon.slice(shards, 0, code.dataShards()),
        ReedSolomon.slice(shards, code.dataShards(), code.parityShards()), off, len);
  }

  public void encode(byte[][] shards, int off, int len) {
    encode(wrap(shards), off, len);
  }

  /** Buffers as in {@link ReedSolomon#encode(ByteBuffer[], int, int)}: [position, limit), no copies. */
  public void encode(ByteBuffer[] shards, int off, int len) {
    encode(ReedSolomon.wrap(shards), off, len);
  }

  /** Rebuilds the wanted shards that are not present, on the pool, and waits. */
  public void reconstruct(MemorySegment[] shards, boolean[] present, boolean[] wanted, long off, long len) {
    checkLength(shards, off, len);
    ReedSolomon.DecodePlan plan = code.plan(present, wanted);
    if (plan != null) {
      run(plan.program(), ReedSolomon.pick(shards, plan.sources()), ReedSolomon.pick(shards, plan.targets()), off, len);
    }
  }

  public void reconstruct(byte[][] shards, boolean[] present, boolean[] wanted, int off, int len) {
    reconstruct(wrap(shards), present, wanted, off, len);
  }

  public void reconstruct(ByteBuffer[] shards, boolean[] present, boolean[] wanted, int off, int len) {
    reconstruct(ReedSolomon.wrap(shards), present, wanted, off, len);
  }

  /** {@link #encode} as a task on the pool; see the class comment for cancellation. */
  public Task<Void> encodeAsync(MemorySegment[] shards, long off, long len) {
    refuseConfined(shards);
    return pool.submit(() -> {
      encode(shards, off, len);
      return null;
    });
  }

  public Task<Void> encodeAsync(byte[][] shards, int off, int len) {
    return encodeAsync(wrap(shards), off, len);
  }

  public Task<Void> reconstructAsync(MemorySegment[] shards, boolean[] present, boolean[] wanted, long off, long len) {
    refuseConfined(shards);
    boolean[] p = present.clone();
    boolean[] w = wanted.clone();
    return pool.submit(() -> {
      reconstruct(shards, p, w, off, len);
      return null;
    });
  }

  public Task<Void> reconstructAsync(byte[][] shards, boolean[] present, boolean[] wanted, int off, int len) {
    return reconstructAsync(wrap(shards), present, wanted, off, len);
  }

  /**
   * How many threads (the caller plus pool helpers) a job of {@code len} bytes per shard uses: one per
   * {@value #MIN_TASK_BYTES} bytes of data, at most the pool's parallelism.
   */
  public int stripes(long len) {
    long data = len * code.dataShards();
    long bySize = Math.max(1, data / MIN_TASK_BYTES);
    return (int) Math.max(1, Math.min(pool.parallelism(), bySize));
  }

  private void run(GfKernel.Program program, MemorySegment[] in, MemorySegment[] out, long off, long len) {
    if (len == 0) {
      return;
    }
    // Confined shards: only this thread may touch them, so no helper can share the work.
    int threads = confined(in) || confined(out) ? 1 : stripes(len);
    try (NamedLimit.Permit permit = jobs.acquire()) {
      if (threads == 1) {
        program.run(in, off, out, off, len);
        return;
      }
      new Job(program, in, out, off, len, chunkLength(len, threads)).run(pool, threads);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for an " + JOBS_LIMIT + " permit");
    }
  }

  /** True when some segment belongs to a thread-confined arena (accessible by its owner thread only). */
  private static boolean confined(MemorySegment[] segments) {
    for (MemorySegment s : segments) {
      if (!s.isAccessibleBy(NOT_AN_OWNER)) {
        return true;
      }
    }
    return false;
  }

  private static void refuseConfined(MemorySegment[] shards) {
    if (confined(shards)) {
      throw new IllegalArgumentException("shards of a thread-confined arena cannot be coded on a pool thread; "
          + "use a shared or automatic arena, or the synchronous encode/reconstruct");
    }
  }

  /**
   * The column range one claim takes, per shard, for a job of {@code len} bytes on {@code threads} threads:
   * about {@value #CHUNKS_PER_THREAD} claims per thread, at least {@value #MIN_TASK_BYTES} bytes of data,
   * and a multiple of 4 KiB (64 bytes for short shards) so two threads never write the same cache line or
   * page of a shard and the vector kernels see whole vectors except at the very end.
   */
  long chunkLength(long len, int threads) {
    long want = Math.max(len / ((long) threads * CHUNKS_PER_THREAD), (MIN_TASK_BYTES + code.dataShards() - 1)
        / code.dataShards());
    long align = want >= PAGE ? PAGE : ALIGN;
    return Math.min(len, (want + align - 1) / align * align);
  }

  /**
   * One parallel job: the column range [off, off + len) cut into chunks that the calling thread and up to
   * {@code threads - 1} pool helpers claim one at a time from a shared counter.
   *
   * <p>Why claims rather than one fixed range per thread (rounds 1–2): a pool thread parked in its queue
   * starts 20–80 µs (median) after the fork on this VM (measured with {@code EcScalingProbe}), and the caller, once
   * done with its range, parks in {@code join} and is woken as late again after the helper finishes. Against
   * ~0.5 ms per half of a 10+4 / 1 MiB encode those two wake-ups cost ~15 % of the 2-thread rate. With
   * claims the caller starts at once and codes what the helper has not reached, so the two finish within one
   * chunk of each other whatever the wake-up delay or the other load on either core; the caller then waits
   * for that last chunk by spinning (at most twice its own last chunk's time, at most {@link #SPIN_NANOS})
   * instead of parking. Which thread codes
   * a chunk never changes its bytes, so the output is identical at any thread count.
   */
  private static final class Job {
    private final GfKernel.Program program;
    private final MemorySegment[] in;
    private final MemorySegment[] out;
    private final long off;
    private final long len;
    private final long chunkLen;
    private final long chunks;
    private final AtomicLong next = new AtomicLong();

    Job(GfKernel.Program program, MemorySegment[] in, MemorySegment[] out, long off, long len, long chunkLen) {
      this.program = program;
      this.in = in;
      this.out = out;
      this.off = off;
      this.len = len;
      this.chunkLen = chunkLen;
      this.chunks = (len + chunkLen - 1) / chunkLen;
    }

    void run(TaskPool pool, int threads) {
      int helpers = (int) Math.min(threads - 1, chunks - 1);
      // A helper codes only if it starts before the caller has claimed every chunk; otherwise the caller
      // takes its slot here and cancels it, so a job never waits for a pool thread that is busy elsewhere.
      AtomicBoolean[] slots = new AtomicBoolean[helpers];
      Task<?>[] tasks = new Task<?>[helpers];
      try (Scope scope = pool.openScope()) {
        for (int h = 0; h < helpers; h++) {
          AtomicBoolean slot = slots[h] = new AtomicBoolean();
          tasks[h] = scope.fork(() -> {
            if (slot.compareAndSet(false, true)) {
              codeChunks();
            }
          });
        }
        long lastChunkNanos;
        try {
          lastChunkNanos = codeChunks();
        } catch (RuntimeException | Error e) {
          scope.cancel();
          throw e;
        }
        if (Thread.currentThread().isInterrupted()) {
          // Cancelled: stop the helpers after their current chunk; join waits for them and throws.
          scope.cancel();
        } else {
          for (int h = 0; h < helpers; h++) {
            if (slots[h].compareAndSet(false, true)) {
              tasks[h].cancel();
            }
          }
          // A helper still running holds at most one chunk, which takes about as long as the caller's last
          // one; spinning much longer would only burn a core a descheduled helper may need.
          long spin = lastChunkNanos > 0 ? Math.min(SPIN_NANOS, 2 * lastChunkNanos) : SPIN_NANOS;
          long deadline = System.nanoTime() + spin;
          while (scope.pending() > 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
          }
        }
        // The caller stops claiming only when every chunk is claimed or it was interrupted; in the latter
        // case join throws CancellationException, so returning normally means every chunk was coded.
        scope.join();
      }
    }

    /**
     * Codes chunks until none is left or this thread is interrupted; a claimed chunk is always coded.
     * Returns how long the last chunk coded here took, 0 if none.
     */
    private long codeChunks() {
      long c;
      long took = 0;
      while (!Thread.currentThread().isInterrupted() && (c = next.getAndIncrement()) < chunks) {
        long from = c * chunkLen;
        long t0 = System.nanoTime();
        program.run(in, off + from, out, off + from, Math.min(chunkLen, len - from));
        took = System.nanoTime() - t0;
      }
      return took;
    }
  }

  private void checkLength(MemorySegment[] shards, long off, long len) {
    if (shards.length != code.totalShards()) {
      throw new IllegalArgumentException("need " + code.totalShards() + " shards, got " + shards.length);
    }
    for (int i = 0; i < shards.length; i++) {
      if (off < 0 || len < 0 || shards[i].byteSize() < off + len) {
        throw new IllegalArgumentException("shard " + i + " has " + shards[i].byteSize() + " bytes, not enough for ["
            + off + ", " + (off + len) + ")");
      }
    }
  }

  private MemorySegment[] wrap(byte[][] shards) {
    if (shards.length != code.totalShards()) {
      throw new IllegalArgumentException("need " + code.totalShards() + " shards, got " + shards.length);
    }
    MemorySegment[] out = new MemorySegment[shards.length];
    for (int i = 0; i < shards.length; i++) {
      if (shards[i].length != shards[0].length) {
        throw new IllegalArgumentException("unequal shard lengths: shard 0 has " + shards[0].length
            + " bytes, shard " + i + " has " + shards[i].length);
      }
      out[i] = MemorySegment.ofArray(shards[i]);
    }
    return out;
  }
}
