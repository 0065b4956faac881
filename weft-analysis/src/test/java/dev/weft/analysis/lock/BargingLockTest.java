package dev.weft.analysis.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BargingLockTest {

  /**
   * How long the stress tests tolerate no thread making progress before calling it a deadlock or a lost
   * wake-up. A bound on the whole run instead (how these tests started) measures the machine: on a
   * loaded 2-core CI box every hand-off waits for a descheduled thread, and a run that takes 10 s idle
   * can take minutes. A lost wake-up leaves a thread parked for good, so progress stops once the others
   * are done, and this reports it then, naming the stuck thread.
   */
  private static final long STALL_SECONDS = 30;

  /**
   * As {@link Threads#runAll}, but fails when {@code progress} (bumped by the bodies as they go) stands
   * still for {@link #STALL_SECONDS} while some thread is unfinished, rather than after a fixed total.
   */
  static void runAllMakingProgress(int n, boolean virtual, LongAdder progress, Threads.Body body)
      throws InterruptedException {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      Runnable r = () -> {
        try {
          body.run(index);
        } catch (Throwable t) {
          failures.add(t);
        }
      };
      threads.add(virtual ? Thread.ofVirtual().name("v" + i).start(r)
          : Thread.ofPlatform().daemon().name("p" + i).start(r));
    }
    long seen = progress.sum();
    long lastProgress = System.nanoTime();
    for (Thread t : threads) {
      while (!t.join(Duration.ofMillis(200))) {
        long now = progress.sum();
        if (now != seen) {
          seen = now;
          lastProgress = System.nanoTime();
        } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(STALL_SECONDS)) {
          fail("no progress for " + STALL_SECONDS + " s (deadlock or lost wake-up?); thread " + t.getName()
              + " still running: " + Arrays.toString(t.getStackTrace()));
        }
      }
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(failures.size() + " thread(s) failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  /** A plain counter and an occupancy check: both fail if two threads are ever inside together. */
  static final class Guarded {
    long count;
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger overlaps = new AtomicInteger();

    void enter() {
      if (inside.incrementAndGet() != 1) {
        overlaps.incrementAndGet();
      }
      count++;
      inside.decrementAndGet();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void noLostUpdatesUnderContention(boolean virtual) throws InterruptedException {
    BargingLock lock = new BargingLock();
    Guarded g = new Guarded();
    int threads = virtual ? 64 : 8;
    int perThread = virtual ? 20_000 : 100_000;
    LongAdder progress = new LongAdder();
    runAllMakingProgress(threads, virtual, progress, i -> {
      for (int k = 0; k < perThread; k++) {
        lock.lock();
        try {
          g.enter();
        } finally {
          lock.unlock();
        }
        progress.increment();
      }
    });
    assertEquals(0, g.overlaps.get());
    assertEquals((long) threads * perThread, g.count);
    assertEquals(0, lock.state(), "lock word after all threads are done");
  }

  @Test
  void aWaiterOfMoreThanOneMillisecondIsHandedTheLockAheadOfABarger() throws Exception {
    BargingLock lock = new BargingLock();
    CountDownLatch acquired = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    lock.lock();
    Thread waiter = Thread.ofPlatform().start(() -> {
      lock.lock();
      acquired.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lock.unlock();
    });
    Threads.awaitParked(lock);
    Thread.sleep(5); // the waiter has now waited well over 1 ms
    lock.unlock();
    // The newcomer (this thread) tries immediately: with hand-off the word never became free.
    assertFalse(lock.tryLock(), "a barger took the lock from a waiter that had waited > 1 ms");
    assertTrue(acquired.await(10, TimeUnit.SECONDS));
    assertTrue(lock.isLocked());
    release.countDown();
    waiter.join();
    assertEquals(0, lock.state());
  }

  @Test
  void withoutTheHandOffRuleANewcomerBarges() throws Exception {
    // Without hand-off the unlock frees the word and wakes the waiter, and whoever runs first takes it.
    // That is usually this thread, a few instructions after its unlock, but a loaded scheduler may run
    // the woken waiter first (wake-up preemption) and that is no fault of the lock: it merely won a fair
    // race. So repeat until this thread barges once; with hand-off it never could (the word stays locked
    // for the waiter, see aWaiterOfMoreThanOneMillisecondIsHandedTheLockAheadOfABarger), in any round.
    int rounds = 0;
    boolean barged = false;
    while (!barged && rounds < 200) {
      rounds++;
      BargingLock lock = new BargingLock(Long.MAX_VALUE); // never hand off
      AtomicBoolean waiterGotIt = new AtomicBoolean();
      lock.lock();
      Thread waiter = Thread.ofPlatform().start(() -> {
        lock.lock();
        waiterGotIt.set(true);
        lock.unlock();
      });
      Threads.awaitParked(lock);
      Thread.sleep(5); // well over the default 1 ms threshold, which this lock does not have
      lock.unlock();
      boolean got = lock.tryLock();
      // Got it ahead of the waiter, not merely after the waiter already had its turn and released it (the
      // waiter sets the flag while holding the lock, so with the lock held here the flag is final).
      barged = got && !waiterGotIt.get();
      if (got) {
        lock.unlock();
      }
      waiter.join(Duration.ofSeconds(30));
      assertTrue(waiterGotIt.get(), "the woken waiter must still get the lock " + (barged ? "after the barger" : ""));
      assertEquals(0, lock.state());
    }
    assertTrue(barged, "the released word should be free for a running thread to barge; the woken waiter won all "
        + rounds + " rounds");
  }

  @Test
  void withAZeroThresholdEveryWokenWaiterIsHandedTheLock() throws Exception {
    BargingLock lock = new BargingLock(java.time.Duration.ZERO);
    CountDownLatch acquired = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    lock.lock();
    Thread waiter = Thread.ofPlatform().start(() -> {
      lock.lock();
      acquired.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lock.unlock();
    });
    Threads.awaitParked(lock);
    lock.unlock(); // no sleep: the waiter has waited only as long as awaitParked took
    assertFalse(lock.tryLock());
    assertTrue(acquired.await(10, TimeUnit.SECONDS));
    release.countDown();
    waiter.join();
    assertEquals(0, lock.state());
    assertThrows(IllegalArgumentException.class, () -> new BargingLock(java.time.Duration.ofNanos(-1)));
  }

  @Test
  void tryLockFailsWhileHeldAndTimesOut() throws Exception {
    BargingLock lock = new BargingLock();
    lock.lock();
    AtomicLong elapsed = new AtomicLong();
    AtomicBoolean got = new AtomicBoolean(true);
    Threads.runAll(1, false, 60, i -> { // a bound for a hang, not for speed: 50 ms is what it takes
      assertFalse(lock.tryLock());
      long t0 = System.nanoTime();
      got.set(lock.tryLock(50, TimeUnit.MILLISECONDS));
      elapsed.set(System.nanoTime() - t0);
    });
    assertFalse(got.get());
    assertTrue(elapsed.get() >= TimeUnit.MILLISECONDS.toNanos(50), "returned after " + elapsed.get() + " ns");
    assertEquals(BargingLock.LOCKED, lock.state(), "the timed-out waiter must clear the parked bit it left");
    lock.unlock();
    assertTrue(lock.tryLock(0, TimeUnit.SECONDS));
    lock.unlock();
  }

  @Test
  void timedTryLockSucceedsWhenReleasedInTime() throws Exception {
    BargingLock lock = new BargingLock();
    lock.lock();
    AtomicBoolean got = new AtomicBoolean();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        got.set(lock.tryLock(10, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    Threads.awaitParked(lock);
    lock.unlock();
    t.join(30_000);
    assertTrue(got.get());
    assertTrue(lock.isLocked());
  }

  @Test
  void lockInterruptiblyThrowsOnInterruptAndLeavesTheLockUsable() throws Exception {
    BargingLock lock = new BargingLock();
    lock.lock();
    AtomicBoolean threw = new AtomicBoolean();
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        lock.lockInterruptibly();
        lock.unlock();
      } catch (InterruptedException e) {
        threw.set(true);
      }
    });
    Threads.awaitParked(lock);
    t.interrupt();
    t.join(30_000);
    assertTrue(threw.get());
    assertFalse(ParkingLot.hasWaiters(lock));
    lock.unlock();
    assertEquals(0, lock.state());
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, lock::lockInterruptibly);
    assertFalse(lock.isLocked());
  }

  @Test
  void lockIgnoresInterruptsButKeepsTheStatus() throws Exception {
    BargingLock lock = new BargingLock();
    lock.lock();
    AtomicBoolean interruptedInside = new AtomicBoolean();
    Thread t = Thread.ofPlatform().start(() -> {
      lock.lock();
      interruptedInside.set(Thread.currentThread().isInterrupted());
      lock.unlock();
    });
    Threads.awaitParked(lock);
    t.interrupt();
    Thread.sleep(20);
    assertTrue(t.isAlive(), "lock() must not give up on interrupt");
    lock.unlock();
    t.join(30_000);
    assertTrue(interruptedInside.get());
  }

  @Test
  void unlockingAnUnlockedLockIsAnError() {
    BargingLock lock = new BargingLock();
    assertThrows(IllegalMonitorStateException.class, lock::unlock);
    lock.lock();
    lock.unlock();
    assertThrows(IllegalMonitorStateException.class, lock::unlock);
  }

  @Test
  void conditionPassesItemsWithoutLosingSignals() throws Exception {
    BargingLock lock = new BargingLock();
    Condition notEmpty = lock.newCondition();
    Condition notFull = lock.newCondition();
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    int items = 20_000;
    AtomicLong sum = new AtomicLong();
    LongAdder progress = new LongAdder();
    runAllMakingProgress(4, false, progress, i -> {
      if (i < 2) { // producers
        for (int k = 0; k < items; k++) {
          lock.lock();
          try {
            while (queue.size() >= 4) {
              notFull.await();
            }
            queue.add(k);
            notEmpty.signal();
          } finally {
            lock.unlock();
          }
          progress.increment();
        }
      } else { // consumers
        for (int k = 0; k < items; k++) {
          lock.lock();
          try {
            while (queue.isEmpty()) {
              notEmpty.await();
            }
            sum.addAndGet(queue.poll());
            notFull.signal();
          } finally {
            lock.unlock();
          }
          progress.increment();
        }
      }
    });
    assertEquals(2L * items * (items - 1) / 2, sum.get());
  }

  @Test
  void conditionTimesOutHoldingTheLockAgain() throws Exception {
    BargingLock lock = new BargingLock();
    Condition c = lock.newCondition();
    lock.lock();
    long left = c.awaitNanos(TimeUnit.MILLISECONDS.toNanos(20));
    assertTrue(left <= 0);
    assertTrue(lock.isLocked());
    assertFalse(c.await(1, TimeUnit.MILLISECONDS));
    lock.unlock();
    assertThrows(IllegalMonitorStateException.class, c::signal);
  }

  @Test
  void conditionAwaitIsInterruptible() throws Exception {
    BargingLock lock = new BargingLock();
    Condition c = lock.newCondition();
    AtomicBoolean threwHoldingLock = new AtomicBoolean();
    Thread t = Thread.ofPlatform().start(() -> {
      lock.lock();
      try {
        c.await();
      } catch (InterruptedException e) {
        threwHoldingLock.set(lock.isLocked());
      } finally {
        lock.unlock();
      }
    });
    Threads.awaitParked(c);
    t.interrupt();
    t.join(30_000);
    assertTrue(threwHoldingLock.get());
    assertEquals(0, lock.state());
  }

  /**
   * Many very short critical sections, mixing blocking, timed and barging acquisitions on a few locks, so
   * that unlocks constantly race with threads deciding to park and with waiters timing out. A lost wake-up
   * shows as a thread stuck while the others made no progress for {@link #STALL_SECONDS}.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void noLostWakeUps(boolean virtual) throws InterruptedException {
    BargingLock[] locks = {new BargingLock(), new BargingLock(), new BargingLock(0)};
    Guarded[] guarded = {new Guarded(), new Guarded(), new Guarded()};
    AtomicLong done = new AtomicLong();
    int threads = virtual ? 32 : 6;
    int ops = virtual ? 10_000 : 60_000;
    LongAdder progress = new LongAdder();
    runAllMakingProgress(threads, virtual, progress, i -> {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      for (int k = 0; k < ops; k++) {
        int which = rnd.nextInt(locks.length);
        BargingLock lock = locks[which];
        boolean held = switch (rnd.nextInt(4)) {
          case 0 -> lock.tryLock();
          case 1 -> lock.tryLock(rnd.nextInt(50), TimeUnit.MICROSECONDS);
          default -> {
            lock.lock();
            yield true;
          }
        };
        if (held) {
          try {
            guarded[which].enter();
            done.incrementAndGet();
          } finally {
            lock.unlock();
          }
        }
        progress.increment();
      }
    });
    long total = 0;
    for (int w = 0; w < locks.length; w++) {
      assertEquals(0, guarded[w].overlaps.get());
      assertEquals(0, locks[w].state() & BargingLock.LOCKED);
      total += guarded[w].count;
    }
    assertEquals(done.get(), total);
    assertTrue(total >= (long) threads * ops / 2, "most operations are blocking acquisitions");
  }
}
