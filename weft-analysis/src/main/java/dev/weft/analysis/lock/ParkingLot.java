package dev.weft.analysis.lock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * The side table where threads wait for a lock word to change, so that a lock itself needs no queue and
 * its state fits in one int (WebKit's ParkingLot, CPython's {@code parking_lot.c}). Waiters are queued
 * FIFO per address (the lock or condition object) in a fixed array of buckets hashed by identity; each
 * bucket is guarded by a tiny spin lock whose critical sections are a few pointer updates.
 *
 * <p>The lock word is re-checked ({@code validate}) and rewritten ({@link UnparkDecision}) while the
 * bucket is held, which is what makes wake-ups impossible to lose: a thread either sees the new state
 * and does not sleep, or is already queued when the unlocker looks.
 */
final class ParkingLot {
  /** Woken by {@link #unpark} without being given the lock: compete for it again. */
  static final int UNPARKED = 0;
  /** Woken and handed ownership directly: the lock is already held on the waiter's behalf. */
  static final int HANDED_OFF = 1;
  /** {@code validate} failed: the state changed before the thread went to sleep. */
  static final int AGAIN = 2;
  static final int TIMED_OUT = 3;
  static final int INTERRUPTED = 4;

  /** Power of two; far more buckets than cores keeps unrelated locks from sharing a bucket. */
  private static final int BUCKETS = 256;
  private static final Bucket[] TABLE = new Bucket[BUCKETS];

  static {
    for (int i = 0; i < BUCKETS; i++) {
      TABLE[i] = new Bucket();
    }
  }

  private ParkingLot() {}

  /** One parked thread. Queue links are guarded by the bucket; the wake fields are published by {@code woken}. */
  static final class Waiter {
    final Object address;
    final Thread thread = Thread.currentThread();
    /** When this thread started waiting for the lock (before any spinning), for the hand-off rule. */
    final long sinceNanos;
    Waiter next;
    boolean queued;
    int token;
    volatile boolean woken;

    Waiter(Object address, long sinceNanos) {
      this.address = address;
      this.sinceNanos = sinceNanos;
    }
  }

  /** Chooses what an unparked waiter gets, and rewrites the lock word, while the bucket is held. */
  interface UnparkDecision {
    /**
     * @param address the lock or condition being unparked
     * @param waiter the dequeued waiter, or null if none waits on {@code address}
     * @param more whether other waiters remain queued on {@code address}
     * @return {@link #UNPARKED} or {@link #HANDED_OFF}, delivered to the waiter
     */
    int decide(Object address, Waiter waiter, boolean more);
  }

  /**
   * Parks the calling thread on {@code address} unless {@code validate} (run with the bucket held) says
   * the state already changed. On timeout or interrupt the thread removes itself; {@code onCancel} is then
   * told, with the bucket held, whether no waiter is left on {@code address}. A thread that an unparker
   * already dequeued waits for that wake instead of cancelling, because the wake may carry the lock.
   *
   * @param deadline a {@link System#nanoTime} deadline, used only if {@code timed}
   * @return {@link #UNPARKED}, {@link #HANDED_OFF}, {@link #AGAIN}, {@link #TIMED_OUT} or {@link #INTERRUPTED};
   *     the interrupt status is cleared only when the result is {@link #INTERRUPTED}
   */
  static int park(Object address, BooleanSupplier validate, Consumer<Boolean> onCancel, long sinceNanos,
      boolean timed, long deadline, boolean interruptible) {
    Bucket bucket = bucketOf(address);
    Waiter me = new Waiter(address, sinceNanos);
    bucket.lock();
    if (!validate.getAsBoolean()) {
      bucket.unlock();
      return AGAIN;
    }
    bucket.enqueue(me);
    bucket.unlock();

    boolean sawInterrupt = false;
    int cancelled = -1;
    while (!me.woken) {
      if (Thread.interrupted()) {
        // Cleared so that park() really blocks; restored below unless we report INTERRUPTED.
        sawInterrupt = true;
        if (interruptible) {
          cancelled = INTERRUPTED;
          break;
        }
      }
      if (timed) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          cancelled = TIMED_OUT;
          break;
        }
        LockSupport.parkNanos(address, remaining);
      } else {
        LockSupport.park(address);
      }
    }
    if (cancelled >= 0) {
      bucket.lock();
      if (me.queued) {
        bucket.remove(me);
        onCancel.accept(!bucket.hasWaiter(address));
        bucket.unlock();
        if (cancelled == TIMED_OUT && sawInterrupt) {
          Thread.currentThread().interrupt();
        }
        return cancelled;
      }
      bucket.unlock();
      // An unparker dequeued us just before we gave up; its wake is moments away.
      while (!me.woken) {
        LockSupport.park(address);
        if (Thread.interrupted()) {
          sawInterrupt = true;
        }
      }
    }
    if (sawInterrupt) {
      Thread.currentThread().interrupt();
    }
    return me.token;
  }

  /**
   * Dequeues the first waiter on {@code address} (if any), lets {@code decision} choose its token and
   * update the lock word with the bucket held, then wakes it.
   *
   * @return whether a waiter was woken
   */
  static boolean unpark(Object address, UnparkDecision decision) {
    Bucket bucket = bucketOf(address);
    bucket.lock();
    Waiter w = bucket.removeFirst(address);
    boolean more = w != null && bucket.hasWaiter(address);
    int token = decision.decide(address, w, more);
    if (w != null) {
      w.token = token;
    }
    bucket.unlock();
    if (w == null) {
      return false;
    }
    w.woken = true;
    LockSupport.unpark(w.thread);
    return true;
  }

  /** Wakes every waiter on {@code address} with {@link #UNPARKED}; returns how many. */
  static int unparkAll(Object address) {
    Bucket bucket = bucketOf(address);
    Waiter woken = null;
    int n = 0;
    bucket.lock();
    for (Waiter w; (w = bucket.removeFirst(address)) != null; ) {
      w.token = UNPARKED;
      w.next = woken; // reuse the link for a private list of threads to wake after the bucket is released
      woken = w;
      n++;
    }
    bucket.unlock();
    while (woken != null) {
      Waiter next = woken.next;
      woken.woken = true;
      LockSupport.unpark(woken.thread);
      woken = next;
    }
    return n;
  }

  /** Whether any thread is parked on {@code address} right now (a snapshot, for tests and monitoring). */
  static boolean hasWaiters(Object address) {
    Bucket bucket = bucketOf(address);
    bucket.lock();
    try {
      return bucket.hasWaiter(address);
    } finally {
      bucket.unlock();
    }
  }

  private static Bucket bucketOf(Object address) {
    int h = System.identityHashCode(address) * 0x9E3779B9; // spread the identity hash over the high bits
    return TABLE[h >>> (32 - Integer.numberOfTrailingZeros(BUCKETS))];
  }

  /** A FIFO of waiters for the addresses that hash here, under a spin lock held for a few instructions. */
  private static final class Bucket {
    private static final VarHandle BUSY;

    static {
      try {
        BUSY = MethodHandles.lookup().findVarHandle(Bucket.class, "busy", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @SuppressWarnings("unused") // accessed through BUSY
    private volatile int busy;
    private Waiter head;
    private Waiter tail;

    void lock() {
      int spins = 0;
      while (!BUSY.compareAndSet(this, 0, 1)) {
        // The holder may have been descheduled; after a short spin give the core away.
        if (++spins < 64) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    void unlock() {
      BUSY.setRelease(this, 0);
    }

    void enqueue(Waiter w) {
      w.queued = true;
      if (tail == null) {
        head = w;
      } else {
        tail.next = w;
      }
      tail = w;
    }

    Waiter removeFirst(Object address) {
      for (Waiter w = head; w != null; w = w.next) {
        if (w.address == address) {
          remove(w);
          return w;
        }
      }
      return null;
    }

    void remove(Waiter target) {
      Waiter prev = null;
      for (Waiter w = head; w != null; prev = w, w = w.next) {
        if (w == target) {
          if (prev == null) {
            head = w.next;
          } else {
            prev.next = w.next;
          }
          if (tail == w) {
            tail = prev;
          }
          w.next = null;
          w.queued = false;
          return;
        }
      }
    }

    boolean hasWaiter(Object address) {
      for (Waiter w = head; w != null; w = w.next) {
        if (w.address == address) {
          return true;
        }
      }
      return false;
    }
  }
}
