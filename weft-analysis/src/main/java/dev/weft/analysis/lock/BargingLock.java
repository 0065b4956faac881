package dev.weft.analysis.lock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A mutual-exclusion lock with the free-threaded CPython {@code PyMutex} policy, whose whole mutable
 * state is one int: {@link #LOCKED}, {@link #PARKED} (some thread may be parked waiting) and
 * {@link #HANDOFF} (ownership was just passed to a parked thread that has not run yet).
 *
 * <p>Acquiring is one CAS when the lock is free. Otherwise the thread spins a little — only while nobody
 * is parked, since then the owner is running and likely to release soon — and then parks in the shared
 * {@link ParkingLot}. Releasing is one CAS when nobody is parked. Otherwise the unlocker wakes the
 * longest-waiting thread and, by default, releases the lock so that a running thread can barge in ahead
 * of the one being woken (throughput: no thread sleeps while the lock sits idle for a wake-up latency).
 * Barging alone can starve a waiter, so once the woken thread has waited at least 1 ms the unlocker
 * hands the lock to it directly instead: the word stays locked and the waiter returns owning it.
 *
 * <p>Not reentrant and ownership is not tracked (the word has no room for a thread), like {@code PyMutex}:
 * locking it twice from one thread deadlocks, and {@link #unlock} only checks that the lock is held,
 * not by whom. Use {@link RecursiveBargingLock} for reentrancy and owner checks.
 */
public final class BargingLock implements Lock {
  static final int LOCKED = 1;
  static final int PARKED = 2;
  static final int HANDOFF = 4;

  /** The free-threaded interpreter's {@code TIME_TO_BE_FAIR_NS}. */
  static final long FAIR_AFTER_NANOS = 1_000_000;
  /** Spin iterations before parking; a spin costs tens of nanoseconds, a park/unpark round trip tens of microseconds. */
  private static final int SPIN_LIMIT = 40;

  private static final VarHandle STATE;
  private static final ParkingLot.UnparkDecision RELEASE = (address, waiter, more) ->
      ((BargingLock) address).release(waiter, more);

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(BargingLock.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state;
  /** Immutable configuration, not state: how long a waiter waits before it is handed the lock. */
  private final long fairAfterNanos;

  /** A lock that hands off to a waiter once it has waited 1 ms, the free-threaded interpreter's setting. */
  public BargingLock() {
    this(FAIR_AFTER_NANOS);
  }

  /**
   * A lock with another hand-off threshold, for experiments: {@link Duration#ZERO} hands the lock to every
   * woken waiter (strict FIFO among parked threads, slow under contention), a very long duration never
   * does (pure barging, which can starve a waiter).
   */
  public BargingLock(Duration handOffAfter) {
    this(handOffAfter.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : handOffAfter.toNanos());
  }

  /** {@code 0} hands off to every woken waiter, {@link Long#MAX_VALUE} never does. */
  BargingLock(long fairAfterNanos) {
    if (fairAfterNanos < 0) {
      throw new IllegalArgumentException("negative hand-off threshold: " + fairAfterNanos + " ns");
    }
    this.fairAfterNanos = fairAfterNanos;
  }

  @Override
  public void lock() {
    if (!STATE.compareAndSet(this, 0, LOCKED)) {
      try {
        acquireSlow(false, false, 0);
      } catch (InterruptedException impossible) {
        throw new AssertionError("uninterruptible acquire was interrupted", impossible);
      }
    }
  }

  @Override
  public void lockInterruptibly() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (!STATE.compareAndSet(this, 0, LOCKED)) {
      acquireSlow(true, false, 0);
    }
  }

  /** Barges: succeeds whenever the lock is free, even if threads are parked waiting for it. */
  @Override
  public boolean tryLock() {
    for (;;) {
      int s = state;
      if ((s & LOCKED) != 0) {
        return false;
      }
      if (STATE.compareAndSet(this, s, s | LOCKED)) {
        return true;
      }
    }
  }

  @Override
  public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (tryLock()) {
      return true;
    }
    long nanos = unit.toNanos(time);
    return nanos > 0 && acquireSlow(true, true, System.nanoTime() + nanos);
  }

  @Override
  public void unlock() {
    if (!STATE.compareAndSet(this, LOCKED, 0)) {
      unlockSlow();
    }
  }

  /**
   * A condition whose waiters park in the same {@link ParkingLot}. As the lock does not know its owner,
   * {@code await} and {@code signal} can only check that the lock is held, not that the caller holds it.
   */
  @Override
  public Condition newCondition() {
    return new BargingCondition(this);
  }

  /** Whether some thread holds the lock (a snapshot). */
  public boolean isLocked() {
    return (state & LOCKED) != 0;
  }

  /** Whether some thread may be parked waiting (a snapshot; can be briefly stale after a timeout). */
  public boolean hasParkedThreads() {
    return (state & PARKED) != 0;
  }

  /** Whether some thread is asleep in the parking lot waiting for this lock (exact at the moment of the call). */
  public boolean hasQueuedThreads() {
    return ParkingLot.hasWaiters(this);
  }

  @Override
  public String toString() {
    int s = state;
    return "BargingLock[" + ((s & LOCKED) != 0 ? "locked" : "unlocked") + ((s & PARKED) != 0 ? ", parked" : "")
        + ((s & HANDOFF) != 0 ? ", handed off" : "") + "]";
  }

  /** The word, for tests. */
  int state() {
    return state;
  }

  /** @return false only on timeout */
  private boolean acquireSlow(boolean interruptible, boolean timed, long deadline) throws InterruptedException {
    long since = System.nanoTime();
    int spins = 0;
    for (;;) {
      int s = state;
      if ((s & LOCKED) == 0) {
        if (STATE.compareAndSet(this, s, s | LOCKED)) {
          return true;
        }
        continue;
      }
      if (interruptible && Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (timed && deadline - System.nanoTime() <= 0) {
        return false;
      }
      // Spin only while nobody is parked and no hand-off is in flight: in both of those cases the lock
      // will stay held for at least a thread wake-up, far longer than any spin.
      if ((s & (PARKED | HANDOFF)) == 0 && spins < SPIN_LIMIT) {
        spins++;
        if ((spins & 7) == 0) {
          Thread.yield(); // on an oversubscribed machine the owner may need our core to finish
        } else {
          Thread.onSpinWait();
        }
        continue;
      }
      if ((s & PARKED) == 0) {
        if (!STATE.compareAndSet(this, s, s | PARKED)) {
          continue;
        }
        s |= PARKED;
      }
      int expected = s;
      int r = ParkingLot.park(this, () -> state == expected, this::lastWaiterLeft, since, timed, deadline,
          interruptible);
      switch (r) {
        case ParkingLot.HANDED_OFF -> {
          STATE.getAndBitwiseAnd(this, ~HANDOFF);
          return true;
        }
        case ParkingLot.TIMED_OUT -> {
          return false;
        }
        case ParkingLot.INTERRUPTED -> throw new InterruptedException();
        default -> {
          // Woken without the lock, or the word changed before we slept: compete again (barging).
        }
      }
    }
  }

  /** Runs with the bucket held when a waiter gives up; a stale parked bit would only slow unlocks down. */
  private void lastWaiterLeft(boolean noneLeft) {
    if (noneLeft) {
      STATE.getAndBitwiseAnd(this, ~PARKED);
    }
  }

  private void unlockSlow() {
    for (;;) {
      int s = state;
      if ((s & LOCKED) == 0) {
        throw new IllegalMonitorStateException("unlock of a BargingLock that is not locked");
      }
      if ((s & PARKED) == 0) {
        if (STATE.compareAndSet(this, s, s & ~(LOCKED | HANDOFF))) {
          return;
        }
        continue;
      }
      ParkingLot.unpark(this, RELEASE);
      return;
    }
  }

  /**
   * With the bucket held: while we still hold the lock, other threads can only add {@link #PARKED} (and
   * then re-validate under this bucket before sleeping), so a plain store of the new word is safe.
   */
  private int release(ParkingLot.Waiter waiter, boolean more) {
    boolean handOff = waiter != null && System.nanoTime() - waiter.sinceNanos >= fairAfterNanos;
    int waiting = more ? PARKED : 0;
    state = handOff ? LOCKED | HANDOFF | waiting : waiting;
    return handOff ? ParkingLot.HANDED_OFF : ParkingLot.UNPARKED;
  }

  /**
   * Waiters park on the condition object; a generation count, bumped by every signal, is validated under
   * the bucket so a signal between releasing the lock and parking is never lost (it only costs a spurious
   * wake-up, which {@link Condition} permits).
   */
  private static final class BargingCondition implements Condition {
    private final BargingLock lock;
    /** Written with the lock held; read by the parking lot's validation without it. */
    private volatile int generation;

    BargingCondition(BargingLock lock) {
      this.lock = lock;
    }

    @Override
    public void await() throws InterruptedException {
      awaitNanos(true, false, 0);
    }

    @Override
    public void awaitUninterruptibly() {
      try {
        awaitNanos(false, false, 0);
      } catch (InterruptedException impossible) {
        throw new AssertionError(impossible);
      }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
      long deadline = System.nanoTime() + nanosTimeout;
      awaitNanos(true, true, deadline);
      return deadline - System.nanoTime();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
      return awaitNanos(unit.toNanos(time)) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
      return awaitNanos(TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())) > 0;
    }

    private void awaitNanos(boolean interruptible, boolean timed, long deadline) throws InterruptedException {
      if (interruptible && Thread.interrupted()) {
        throw new InterruptedException();
      }
      requireLocked();
      int seen = generation;
      lock.unlock();
      int r = ParkingLot.park(this, () -> generation == seen, noneLeft -> {}, System.nanoTime(), timed, deadline,
          interruptible);
      lock.lock(); // the contract: whatever happened, return (or throw) holding the lock again
      if (r == ParkingLot.INTERRUPTED) {
        throw new InterruptedException();
      }
    }

    @Override
    public void signal() {
      requireLocked();
      generation++;
      ParkingLot.unpark(this, (address, waiter, more) -> ParkingLot.UNPARKED);
    }

    @Override
    public void signalAll() {
      requireLocked();
      generation++;
      ParkingLot.unparkAll(this);
    }

    private void requireLocked() {
      if (!lock.isLocked()) {
        throw new IllegalMonitorStateException("condition used without holding its BargingLock");
      }
    }
  }
}
