package dev.weft.runtime.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.testutil.Leaks;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TaskTest {
  /** Spins for {@code ms} without ever looking at its interrupt status, then records when it ended. */
  private static long ignoreInterruptsFor(long ms, CountDownLatch started, AtomicLong endedAt) {
    started.countDown();
    long end = System.nanoTime() + ms * 1_000_000;
    long spins = 0;
    while (System.nanoTime() < end) {
      spins++;
    }
    endedAt.set(System.nanoTime());
    return spins;
  }

  @Test
  void cancelOfATaskIgnoringInterruptsReturnsOnlyAfterItEnded() throws Exception {
    try (TaskPool pool = TaskPool.create(2)) {
      CountDownLatch started = new CountDownLatch(1);
      AtomicLong endedAt = new AtomicLong();
      Task<Long> task = pool.submit(() -> ignoreInterruptsFor(200, started, endedAt));
      started.await();

      long cancelAt = System.nanoTime();
      task.cancelAndWait();
      long returnedAt = System.nanoTime();

      assertTrue(endedAt.get() != 0, "cancelAndWait returned while the task still ran");
      assertTrue(returnedAt >= endedAt.get());
      assertTrue((returnedAt - cancelAt) / 1_000_000 >= 100, "the task ignores interrupts, so the cancel waited for it");
      assertTrue(task.isDone());
      assertTrue(task.isCancelled());
      assertThrows(CancellationException.class, task::join);
    }
  }

  @Test
  void joinAfterCancelAlsoWaitsForTheWorkToStop() throws Exception {
    try (TaskPool pool = TaskPool.create(1)) {
      CountDownLatch started = new CountDownLatch(1);
      AtomicLong endedAt = new AtomicLong();
      Task<Long> task = pool.submit(() -> ignoreInterruptsFor(200, started, endedAt));
      started.await();
      assertTrue(task.cancel());
      assertFalse(task.isDone(), "cancel() returns at once but the task is not done while it runs");
      assertThrows(CancellationException.class, task::join);
      assertTrue(endedAt.get() != 0 && System.nanoTime() >= endedAt.get());
    }
  }

  @Test
  void aCancelRacingTheEndOfATaskNeverLeaksAnInterruptIntoTheNextTask() {
    try (TaskPool pool = TaskPool.create(1)) {
      java.util.SplittableRandom random = new java.util.SplittableRandom(7);
      for (int i = 0; i < 3000; i++) {
        long spinNanos = random.nextLong(0, 20_000);
        Task<Long> t = pool.submit(() -> Busy.spin(spinNanos));
        long wait = random.nextLong(0, 20_000);
        long until = System.nanoTime() + wait;
        while (System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        t.cancel();
        t.awaitStopped();
        assertFalse(pool.submit(() -> Thread.currentThread().isInterrupted()).join(), "stale interrupt after cycle " + i);
      }
    }
  }

  /** Busy work that never looks at interrupts. */
  private static final class Busy {
    static long spin(long nanos) {
      long end = System.nanoTime() + nanos;
      long n = 0;
      while (System.nanoTime() < end) {
        n++;
      }
      return n;
    }
  }

  @Test
  void cancelledBeforeStartNeverRuns() throws Exception {
    try (TaskPool pool = TaskPool.create(1)) {
      CountDownLatch release = new CountDownLatch(1);
      pool.submit(() -> {
        release.await();
        return null;
      });
      AtomicBoolean ran = new AtomicBoolean();
      Task<Void> queued = pool.submit(() -> {
        ran.set(true);
        return null;
      });
      assertTrue(queued.cancel());
      assertTrue(queued.isDone());
      release.countDown();
      pool.submit(() -> null).join();
      assertFalse(ran.get());
      assertTrue(queued.isCancelled());
    }
  }

  @Test
  void aFailureCompletesTheTaskAndNeverCostsTheWorker() {
    try (TaskPool pool = TaskPool.create(1)) {
      String before = pool.submit(() -> Thread.currentThread().getName()).join();
      IllegalStateException boom = new IllegalStateException("boom");
      Task<Object> failing = pool.submit(() -> {
        throw boom;
      });
      assertSame(boom, assertThrows(IllegalStateException.class, failing::join));
      Task<Object> erroring = pool.submit(() -> {
        throw new StackOverflowError("deep");
      });
      assertThrows(StackOverflowError.class, erroring::join);
      assertEquals(before, pool.submit(() -> Thread.currentThread().getName()).join(), "the same worker lives on");
      assertEquals(1, pool.parallelism());
    }
  }

  @Test
  void joinOnAPoolThreadRunsAnUnstartedTaskInsteadOfDeadlocking() {
    try (TaskPool pool = TaskPool.create(1)) {
      int result = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> pool.submit(() -> pool.submit(() -> 41).join() + 1).join());
      assertEquals(42, result);
    }
  }

  @Test
  void closeCancelsQueuedAndRunningWorkAndWaits() throws Exception {
    TaskPool pool = TaskPool.create(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean stopped = new AtomicBoolean();
    Task<Void> running = pool.submit(() -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
      } finally {
        stopped.set(true);
      }
      return null;
    });
    Task<Void> queued = pool.submit(() -> null);
    started.await();
    pool.close();
    assertTrue(stopped.get(), "close waited for the running task");
    assertTrue(running.isCancelled(), "a running task is cancelled through its Task, not just interrupted");
    assertTrue(queued.isCancelled());
    Task<Integer> late = pool.submit(() -> 1);
    assertThrows(CancellationException.class, late::join, "a closed pool cancels new work");
  }

  private static long poolThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().startsWith("weft-pool-")).count();
  }

  @Test
  void thousandSubmitCancelCyclesLeaveNoThreadsOrFdsBehind() throws Exception {
    int threadsBefore = Leaks.threads();
    int fdsBefore = Leaks.openFds();
    long poolThreadsBefore = poolThreads();
    try (TaskPool pool = TaskPool.create(4)) {
      int withPool = Leaks.threads();
      // JDK-owned idle threads left by earlier tests may expire meanwhile, so count ours by name too.
      assertTrue(withPool <= threadsBefore + 4, "the pool starts exactly its workers");
      assertEquals(poolThreadsBefore + 4, poolThreads(), "the pool starts exactly its workers");
      for (int i = 0; i < 1000; i++) {
        Task<Void> t = pool.submit(() -> {
          Thread.sleep(10_000);
          return null;
        });
        if (i % 2 == 0) {
          Thread.onSpinWait(); // half the cancels land before the task starts, half while it runs
        }
        t.cancelAndWait();
        assertTrue(t.isDone());
      }
      assertTrue(Leaks.threads() <= withPool, "no threads added by submit/cancel");
      assertEquals(poolThreadsBefore + 4, poolThreads(), "no worker died or was replaced");
      assertEquals(0, pool.active());
      assertEquals(0, pool.queued());
    }
    assertTrue(Leaks.threadsSettledAtMost(threadsBefore) <= threadsBefore, "pool threads left after close");
    assertTrue(Leaks.fdsSettledAtMost(fdsBefore) <= fdsBefore, "file descriptors left open");
  }
}
