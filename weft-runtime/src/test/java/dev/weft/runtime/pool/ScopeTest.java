package dev.weft.runtime.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScopeTest {
  @Test
  void firstFailureCancelsTheSiblings() throws Exception {
    try (TaskPool pool = TaskPool.create(4)) {
      CountDownLatch sleepersStarted = new CountDownLatch(2);
      AtomicInteger interrupted = new AtomicInteger();
      IllegalArgumentException bad = new IllegalArgumentException("bad record 17");
      List<Task<?>> sleepers = new ArrayList<>();
      Task<?> failing;
      try (Scope scope = pool.openScope()) {
        for (int i = 0; i < 2; i++) {
          sleepers.add(scope.fork(() -> {
            sleepersStarted.countDown();
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              interrupted.incrementAndGet();
              throw e;
            }
            return null;
          }));
        }
        sleepersStarted.await();
        failing = scope.fork(() -> {
          throw bad;
        });
        long start = System.nanoTime();
        assertSame(bad, assertThrows(IllegalArgumentException.class, scope::join));
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
        assertTrue(scope.isCancelled());
        Task<Integer> late = scope.fork(() -> 1);
        assertThrows(CancellationException.class, late::join, "a failed scope cancels new children at once");
      }
      assertEquals(2, interrupted.get());
      for (Task<?> s : sleepers) {
        assertTrue(s.isCancelled());
      }
      assertTrue(failing.isDone());
    }
  }

  @Test
  void closingWaitsForEveryChildEvenWhenTheBodyThrows() throws Exception {
    try (TaskPool pool = TaskPool.create(2)) {
      AtomicBoolean childEnded = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(1);
      assertThrows(IllegalStateException.class, () -> {
        try (Scope scope = pool.openScope()) {
          scope.fork(() -> {
            started.countDown();
            long end = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < end) {
              Thread.onSpinWait(); // ignores the interrupt close() sends
            }
            childEnded.set(true);
          });
          started.await();
          throw new IllegalStateException("body failed");
        }
      });
      assertTrue(childEnded.get(), "close() returned before its child stopped");
    }
  }

  /** Sums 1..n by splitting the range in two nested scopes per level, down to single numbers. */
  private static long sum(TaskPool pool, long from, long to) {
    if (from == to) {
      return from;
    }
    long mid = (from + to) >>> 1;
    try (Scope scope = pool.openScope()) {
      Task<Long> left = scope.fork(() -> sum(pool, from, mid));
      Task<Long> right = scope.fork(() -> sum(pool, mid + 1, to));
      scope.join();
      return left.join() + right.join();
    }
  }

  @Test
  void nestedScopesDeeperThanThePoolDoNotDeadlock() {
    for (int threads : new int[] {1, 2, 3}) {
      try (TaskPool pool = TaskPool.create(threads)) {
        // depth 10: far more nested scopes waiting at once than there are workers
        long total = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> pool.submit(() -> sum(pool, 1, 1024)).join());
        assertEquals(1024L * 1025 / 2, total);
      }
    }
  }

  @Test
  void childrenForkedIntoAScopeWhileItIsJoinedAreRunToo() {
    try (TaskPool pool = TaskPool.create(1)) {
      AtomicInteger ran = new AtomicInteger();
      int result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> pool.submit(() -> {
        try (Scope scope = pool.openScope()) {
          // Each child forks the next into the same scope: the joiner must notice and run them.
          class Chain implements Runnable {
            final int left;

            Chain(int left) {
              this.left = left;
            }

            @Override
            public void run() {
              ran.incrementAndGet();
              if (left > 0) {
                scope.fork(new Chain(left - 1));
              }
            }
          }
          scope.fork(new Chain(20));
          scope.join();
          return ran.get();
        }
      }).join());
      assertEquals(21, result);
    }
  }

  @Test
  void cancellingTheTaskThatJoinsAScopeCancelsItsChildren() throws Exception {
    try (TaskPool pool = TaskPool.create(3)) {
      CountDownLatch childStarted = new CountDownLatch(1);
      AtomicBoolean childInterrupted = new AtomicBoolean();
      Task<Void> outer = pool.submit(() -> {
        try (Scope scope = pool.openScope()) {
          scope.fork(() -> {
            childStarted.countDown();
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              childInterrupted.set(true);
            }
          });
          scope.join();
        }
        return null;
      });
      childStarted.await();
      outer.cancelAndWait();
      assertTrue(childInterrupted.get(), "cancellation propagated to the scope's child");
      assertTrue(outer.isCancelled());
    }
  }
}
