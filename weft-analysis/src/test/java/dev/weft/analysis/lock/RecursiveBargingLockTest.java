package dev.weft.analysis.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;

class RecursiveBargingLockTest {

  @Test
  void theOwnerMayReenterAndOnlyTheLastUnlockReleases() throws Exception {
    RecursiveBargingLock lock = new RecursiveBargingLock();
    lock.lock();
    assertTrue(lock.tryLock());
    assertTrue(lock.tryLock(1, TimeUnit.SECONDS));
    lock.lockInterruptibly();
    assertEquals(4, lock.getHoldCount());
    AtomicBoolean otherGot = new AtomicBoolean(true);
    Threads.runAll(1, false, 10, i -> otherGot.set(lock.tryLock()));
    assertFalse(otherGot.get());
    for (int k = 0; k < 3; k++) {
      lock.unlock();
    }
    assertTrue(lock.isHeldByCurrentThread());
    lock.unlock();
    assertFalse(lock.isHeldByCurrentThread());
    assertEquals(0, lock.getHoldCount());
    Threads.runAll(1, false, 10, i -> {
      otherGot.set(lock.tryLock());
      lock.unlock();
    });
    assertTrue(otherGot.get());
  }

  @Test
  void onlyTheOwnerMayUnlock() throws Exception {
    RecursiveBargingLock lock = new RecursiveBargingLock();
    assertThrows(IllegalMonitorStateException.class, lock::unlock);
    lock.lock();
    AtomicBoolean threw = new AtomicBoolean();
    Threads.runAll(1, true, 10, i -> {
      try {
        lock.unlock();
      } catch (IllegalMonitorStateException e) {
        threw.set(true);
      }
    });
    assertTrue(threw.get());
    assertTrue(lock.isHeldByCurrentThread());
    lock.unlock();
  }

  @Test
  void nestedLockingUnderContentionLosesNoUpdates() throws InterruptedException {
    RecursiveBargingLock lock = new RecursiveBargingLock();
    long[] count = {0};
    Threads.runAll(16, true, 60, i -> {
      for (int k = 0; k < 5_000; k++) {
        lock.lock();
        try {
          lock.lock();
          try {
            count[0]++;
          } finally {
            lock.unlock();
          }
          count[0]++;
        } finally {
          lock.unlock();
        }
      }
    });
    assertEquals(2L * 16 * 5_000, count[0]);
  }

  @Test
  void awaitReleasesEveryHoldAndRestoresThem() throws Exception {
    RecursiveBargingLock lock = new RecursiveBargingLock();
    Condition ready = lock.newCondition();
    AtomicInteger holdsAfterWait = new AtomicInteger();
    CountDownLatch waiting = new CountDownLatch(1);
    Thread waiter = Thread.ofPlatform().start(() -> {
      lock.lock();
      lock.lock();
      try {
        waiting.countDown();
        ready.await();
        holdsAfterWait.set(lock.getHoldCount());
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      } finally {
        lock.unlock();
        lock.unlock();
      }
    });
    waiting.await();
    lock.lock(); // possible only because await released both holds
    try {
      ready.signal();
    } finally {
      lock.unlock();
    }
    waiter.join(10_000);
    assertFalse(waiter.isAlive());
    assertEquals(2, holdsAfterWait.get());
    assertThrows(IllegalMonitorStateException.class, ready::signal);
  }
}
