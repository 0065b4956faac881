package dev.weft.analysis.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BargingLockTest {

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
    Threads.runAll(threads, virtual, 60, i -> {
      for (int k = 0; k < perThread; k++) {
        lock.lock();
        try {
          g.enter();
        } finally {
          lock.unlock();
        }
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
    BargingLock lock = new BargingLock(Long.MAX_VALUE); // never hand off
    AtomicBoolean waiterGotIt = new AtomicBoolean();
    lock.lock();
    Thread waiter = Thread.ofPlatform().start(() -> {
      lock.lock();
      waiterGotIt.set(true);
      lock.unlock();
    });
    Threads.awaitParked(lock);
    Thread.sleep(5);
    lock.unlock();
    assertTrue(lock.tryLock(), "the released word should be free for a running thread to barge");
    assertFalse(waiterGotIt.get());
    lock.unlock();
    waiter.join(10_000);
    assertTrue(waiterGotIt.get(), "the woken waiter must still get the lock after the barger");
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
    Threads.runAll(1, false, 10, i -> {
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
    t.join(10_000);
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
    t.join(10_000);
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
    t.join(10_000);
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
    Threads.runAll(4, false, 60, i -> {
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
    t.join(10_000);
    assertTrue(threwHoldingLock.get());
    assertEquals(0, lock.state());
  }

  /**
   * Many very short critical sections, mixing blocking, timed and barging acquisitions on a few locks, so
   * that unlocks constantly race with threads deciding to park and with waiters timing out. A lost wake-up
   * shows as a thread stuck past the bound.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void noLostWakeUps(boolean virtual) throws InterruptedException {
    BargingLock[] locks = {new BargingLock(), new BargingLock(), new BargingLock(0)};
    Guarded[] guarded = {new Guarded(), new Guarded(), new Guarded()};
    AtomicLong done = new AtomicLong();
    int threads = virtual ? 32 : 6;
    int ops = virtual ? 10_000 : 60_000;
    Threads.runAll(threads, virtual, 90, i -> {
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
