package dev.weft.analysis.lock;

import java.util.concurrent.locks.Lock;
import java.util.function.ToIntFunction;

/**
 * Two locks held together, taken in one global order so that threads locking the same two objects in
 * opposite orders cannot deadlock (the free-threaded interpreter's two-object critical section, which
 * orders by address). The order is {@link System#identityHashCode}; when two distinct locks collide, a
 * single global tie-breaking lock is held while both are taken. The same lock given twice is taken once.
 * The order covers the two locks of one pair; a thread that already holds other locks when it calls
 * {@link #lock} must order those itself, as with any nested locking.
 *
 * <pre>{@code
 * try (LockPair held = LockPair.lock(from.lock, to.lock)) {
 *   from.balance -= x;
 *   to.balance += x;
 * }
 * }</pre>
 */
public final class LockPair implements AutoCloseable {
  /** Serialises acquisitions of pairs whose order key is equal, the only case the order cannot decide. */
  private static final Lock TIE = new BargingLock();

  private final Lock first;
  /** Null when both locks were the same one. */
  private final Lock second;
  private boolean released;

  private LockPair(Lock first, Lock second) {
    this.first = first;
    this.second = second;
  }

  /** Locks {@code a} and {@code b} (uninterruptibly) in the global order; close the result to unlock both. */
  public static LockPair lock(Lock a, Lock b) {
    return lock(a, b, System::identityHashCode);
  }

  /** With a given order key, so tests can force ties. */
  static LockPair lock(Lock a, Lock b, ToIntFunction<Object> key) {
    if (a == b) {
      a.lock();
      return new LockPair(a, null);
    }
    int ka = key.applyAsInt(a);
    int kb = key.applyAsInt(b);
    if (ka != kb) {
      Lock lo = ka < kb ? a : b;
      Lock hi = ka < kb ? b : a;
      lockBoth(lo, hi);
      return new LockPair(lo, hi);
    }
    // Only the tie holder ever waits for one lock while holding its equal-keyed partner, so no cycle can form.
    TIE.lock();
    try {
      lockBoth(a, b);
    } finally {
      TIE.unlock();
    }
    return new LockPair(a, b);
  }

  private static void lockBoth(Lock first, Lock second) {
    first.lock();
    try {
      second.lock();
    } catch (RuntimeException | Error e) {
      first.unlock();
      throw e;
    }
  }

  /** Unlocks both, in the reverse order of locking; a second call does nothing. */
  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    try {
      if (second != null) {
        second.unlock();
      }
    } finally {
      first.unlock();
    }
  }
}
