package dev.weft.runtime.limit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A byte budget for backpressure: a producer leases the bytes it is about to hold in flight and blocks
 * while the budget is spent, so memory stays bounded whatever the input size. A single request larger
 * than the whole budget is granted when nothing else is held, so it can never deadlock.
 */
public final class ByteBudget {
  private final String name;
  private final long capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private long used; // guarded by lock
  private long peak; // guarded by lock
  private int waiting; // guarded by lock
  private final AtomicLong acquisitions = new AtomicLong();

  ByteBudget(String name, long capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("budget " + name + " needs at least 1 byte, got " + capacity);
    }
    this.name = name;
    this.capacity = capacity;
  }

  /** Bytes held; closing returns them to the budget. */
  public interface Lease extends AutoCloseable {
    long bytes();

    @Override
    void close();
  }

  /** Blocks until {@code bytes} fit in the budget. */
  public Lease acquire(long bytes) throws InterruptedException {
    checkSize(bytes);
    lock.lock();
    try {
      waiting++;
      try {
        while (!fits(bytes)) {
          released.await();
        }
      } finally {
        waiting--;
      }
      take(bytes);
    } finally {
      lock.unlock();
    }
    return new HeldBytes(bytes);
  }

  /**
   * The bytes if they fit now, else null without waiting: for a producer that must first hand off what
   * it holds before it may block (waiting while holding leases others wait for would deadlock).
   */
  public Lease tryAcquire(long bytes) {
    checkSize(bytes);
    lock.lock();
    try {
      if (!fits(bytes)) {
        return null;
      }
      take(bytes);
    } finally {
      lock.unlock();
    }
    return new HeldBytes(bytes);
  }

  private static void checkSize(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative lease: " + bytes);
    }
  }

  /** Caller holds the lock. A request larger than the budget fits when nothing else is held. */
  private boolean fits(long bytes) {
    return used == 0 || used + bytes <= capacity;
  }

  /** Caller holds the lock. */
  private void take(long bytes) {
    used += bytes;
    peak = Math.max(peak, used);
    acquisitions.incrementAndGet();
  }

  private final class HeldBytes implements Lease {
    // Closing is idempotent from any thread: a producer may close a lease on a failure path while the
    // completion of the task that holds it closes it too; the bytes must come back exactly once.
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final long bytes;

    HeldBytes(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public long bytes() {
      return bytes;
    }

    @Override
    public void close() {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      lock.lock();
      try {
        used -= bytes;
        released.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  public String name() {
    return name;
  }

  public long capacity() {
    return capacity;
  }

  public LimitMetrics metrics() {
    lock.lock();
    try {
      return new LimitMetrics(name, "bytes", capacity, used, peak, waiting, acquisitions.get());
    } finally {
      lock.unlock();
    }
  }
}
