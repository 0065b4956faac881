package dev.weft.runtime.limit;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A concurrency cap a subsystem puts on itself at the call site ("at most 2 EC jobs at once"). Permits
 * are taken with {@link #acquire()} in a try-with-resources block. Its counters are visible as metrics.
 */
public final class NamedLimit {
  private final String name;
  private final int permits;
  private final Semaphore semaphore;
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong acquisitions = new AtomicLong();

  NamedLimit(String name, int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("limit " + name + " needs at least 1 permit, got " + permits);
    }
    this.name = name;
    this.permits = permits;
    this.semaphore = new Semaphore(permits, true);
  }

  /** A held permit; closing releases it. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /** Blocks until a permit is free. */
  public Permit acquire() throws InterruptedException {
    waiting.incrementAndGet();
    try {
      semaphore.acquire();
    } finally {
      waiting.decrementAndGet();
    }
    return granted();
  }

  /**
   * A permit if one is free now and no thread waits in {@link #acquire()} (the fair order holds), else null
   * at once. For work that may run on the caller instead of waiting, such as a helper for a reader. On an
   * interrupted thread: null, the interrupt kept.
   */
  public Permit tryAcquire() {
    boolean got;
    try {
      got = semaphore.tryAcquire(0, java.util.concurrent.TimeUnit.NANOSECONDS); // unlike tryAcquire(), fair
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    return got ? granted() : null;
  }

  private Permit granted() {
    acquisitions.incrementAndGet();
    int now = inUse.incrementAndGet();
    peak.accumulateAndGet(now, Math::max);
    return new Permit() {
      // Idempotent from any thread, like ByteBudget leases: the permit comes back exactly once.
      private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

      @Override
      public void close() {
        if (released.compareAndSet(false, true)) {
          inUse.decrementAndGet();
          semaphore.release();
        }
      }
    };
  }

  public String name() {
    return name;
  }

  public int permits() {
    return permits;
  }

  public LimitMetrics metrics() {
    return new LimitMetrics(name, "permits", permits, inUse.get(), peak.get(), waiting.get(), acquisitions.get());
  }
}
