package dev.weft.bench.locks;

import dev.weft.analysis.lock.BargingLock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock implementation guarding one plain counter. {@link #enter} is a whole critical section;
 * {@link #enterTimed} is the same but returns how long acquiring took. The counter is checked against the
 * threads' own tallies after every run, so a lock that let two threads in at once shows as lost updates.
 */
abstract class Contender {
  /** Incremented only inside the critical section. */
  long counter;
  /** Xorshift steps done inside the critical section after the increment, to make it longer. */
  int work;
  /** The work's result, kept so the JIT cannot drop it. */
  long sink = 1;

  /** The critical section: the increment plus {@link #work} dependent xorshift steps. */
  final void criticalSection() {
    counter++;
    long x = sink;
    for (int i = 0; i < work; i++) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
    }
    sink = x;
  }

  abstract void enter();

  /** @return nanoseconds from asking for the lock to holding it */
  abstract long enterTimed();

  /** The implementations compared, by their {@code impl} name in the output. */
  static final String[] NAMES = {"weft", "synchronized", "reentrant-unfair", "reentrant-fair",
      "weft-never-handoff", "weft-always-handoff"};

  static Contender create(String name, int work) {
    Contender c = switch (name) {
      case "weft" -> new WithLock(new BargingLock());
      // Ablations of the hand-off rule: pure barging, and hand-off to every woken waiter.
      case "weft-never-handoff" -> new WithLock(new BargingLock(ChronoUnit.FOREVER.getDuration()));
      case "weft-always-handoff" -> new WithLock(new BargingLock(Duration.ZERO));
      case "synchronized" -> new Monitor();
      case "reentrant-unfair" -> new WithLock(new ReentrantLock(false));
      case "reentrant-fair" -> new WithLock(new ReentrantLock(true));
      default -> throw new IllegalArgumentException(name);
    };
    c.work = work;
    return c;
  }

  static final class WithLock extends Contender {
    private final Lock lock;

    WithLock(Lock lock) {
      this.lock = lock;
    }

    @Override
    void enter() {
      lock.lock();
      try {
        criticalSection();
      } finally {
        lock.unlock();
      }
    }

    @Override
    long enterTimed() {
      long t0 = System.nanoTime();
      lock.lock();
      try {
        long waited = System.nanoTime() - t0;
        criticalSection();
        return waited;
      } finally {
        lock.unlock();
      }
    }
  }

  static final class Monitor extends Contender {
    @Override
    void enter() {
      synchronized (this) {
        criticalSection();
      }
    }

    @Override
    long enterTimed() {
      long t0 = System.nanoTime();
      synchronized (this) {
        long waited = System.nanoTime() - t0;
        criticalSection();
        return waited;
      }
    }
  }
}
