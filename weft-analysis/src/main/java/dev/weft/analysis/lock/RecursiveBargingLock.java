package dev.weft.analysis.lock;

import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The reentrant variant of {@link BargingLock} (CPython's {@code _PyRecursiveMutex}): the same barging and
 * 1 ms hand-off policy, plus an owner and a hold count so that the owner may lock again and only the owner
 * may unlock.
 */
public final class RecursiveBargingLock implements Lock {
  private final BargingLock inner = new BargingLock();
  /**
   * Written only by the holder while it holds {@code inner}, so plain fields suffice: a thread can read
   * its own identity here only if it wrote it itself and still holds the lock.
   */
  private Thread owner;
  private int holds;

  @Override
  public void lock() {
    if (owner == Thread.currentThread()) {
      reenter();
      return;
    }
    inner.lock();
    own();
  }

  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (owner == Thread.currentThread()) {
      reenter();
      return;
    }
    inner.lockInterruptibly();
    own();
  }

  @Override
  public boolean tryLock() {
    if (owner == Thread.currentThread()) {
      reenter();
      return true;
    }
    if (!inner.tryLock()) {
      return false;
    }
    own();
    return true;
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    if (owner == Thread.currentThread()) {
      reenter();
      return true;
    }
    if (!inner.tryLock(time, unit)) {
      return false;
    }
    own();
    return true;
  }

  @Override
  public void unlock() {
    if (owner != Thread.currentThread()) {
      throw new IllegalMonitorStateException("unlock of a RecursiveBargingLock by a thread that does not hold it");
    }
    if (--holds == 0) {
      owner = null;
      inner.unlock();
    }
  }

  /** Whether the calling thread holds this lock. */
  public boolean isHeldByCurrentThread() {
    return owner == Thread.currentThread();
  }

  /** How many times the calling thread holds this lock (0 if it does not). */
  public int getHoldCount() {
    return isHeldByCurrentThread() ? holds : 0;
  }

  /** A condition that releases every hold while waiting and restores the count afterwards. */
  @Override
  public Condition newCondition() {
    return new RecursiveCondition(inner.newCondition());
  }

  private void own() {
    owner = Thread.currentThread();
    holds = 1;
  }

  private void reenter() {
    if (holds == Integer.MAX_VALUE) {
      throw new Error("maximum lock count exceeded");
    }
    holds++;
  }

  private final class RecursiveCondition implements Condition {
    private final Condition inner;

    RecursiveCondition(Condition inner) {
      this.inner = inner;
    }

    /** One wait on the inner condition, with the hold count put aside; {@code inner} re-locks before returning. */
    private interface Wait<T> {
      T await() throws InterruptedException;
    }

    private <T> T releasingAll(Wait<T> wait) throws InterruptedException {
      if (!isHeldByCurrentThread()) {
        throw new IllegalMonitorStateException("condition used without holding its RecursiveBargingLock");
      }
      Thread me = owner;
      int saved = holds;
      owner = null;
      holds = 0;
      try {
        return wait.await();
      } finally {
        owner = me;
        holds = saved;
      }
    }

    @Override
    public void await() throws InterruptedException {
      releasingAll(() -> {
        inner.await();
        return null;
      });
    }

    @Override
    public void awaitUninterruptibly() {
      try {
        releasingAll(() -> {
          inner.awaitUninterruptibly();
          return null;
        });
      } catch (InterruptedException impossible) {
        throw new AssertionError(impossible);
      }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
      return releasingAll(() -> inner.awaitNanos(nanosTimeout));
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
      return releasingAll(() -> inner.await(time, unit));
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
      return releasingAll(() -> inner.awaitUntil(deadline));
    }

    @Override
    public void signal() {
      requireOwner();
      inner.signal();
    }

    @Override
    public void signalAll() {
      requireOwner();
      inner.signalAll();
    }

    private void requireOwner() {
      if (!isHeldByCurrentThread()) {
        throw new IllegalMonitorStateException("condition used without holding its RecursiveBargingLock");
      }
    }
  }
}
