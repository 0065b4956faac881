package dev.weft.runtime.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.limit.NamedLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Scopes whose children run on pool threads only while those hold a permit of a helper limit. */
class HelperScopeTest {
  @Test
  void withNoPermitToBeHadEveryChildRunsOnTheCallerInForkOrder() {
    try (TaskPool pool = TaskPool.create(4)) {
      NamedLimit threads = pool.limits().limit("test.threads", 1);
      List<Integer> order = new ArrayList<>();
      Thread caller = Thread.currentThread();
      try (NamedLimit.Permit mine = assertTimeoutPreemptively(Duration.ofSeconds(5), threads::acquire);
           Scope scope = pool.openScope(threads)) {
        for (int i = 0; i < 100; i++) {
          int n = i;
          Task<Integer> t = scope.fork(() -> {
            assertSame(caller, Thread.currentThread(), "child " + n + " ran on another thread");
            order.add(n);
            return n;
          });
          assertTrue(t.isDone(), "caller runs: the child is done when fork returns");
        }
        scope.join();
      }
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        expected.add(i);
      }
      assertEquals(expected, order);
      assertEquals(0, pool.metrics().completed(), "no pool thread ran anything");
    }
  }

  @Test
  void aPoolThreadCannotOpenAHelperLimitedScope() {
    // Its join would wait for a helper queued behind itself: on a one-thread pool, forever.
    try (TaskPool pool = TaskPool.create(1)) {
      NamedLimit threads = pool.limits().limit("test.threads", 1);
      Task<Throwable> inside = pool.submit(() -> {
        try {
          pool.openScope(threads).close();
          return null;
        } catch (IllegalStateException e) {
          return e;
        }
      });
      Throwable refused = assertTimeoutPreemptively(Duration.ofSeconds(10), inside::join);
      assertTrue(refused instanceof IllegalStateException, "a pool thread was refused a helper-limited scope");
    }
  }

  @Test
  void poolThreadsRunChildrenOnlyWhileTheyHoldAPermit() throws Exception {
    try (TaskPool pool = TaskPool.create(6, new Limits(Map.of("test.threads", 3L)))) {
      NamedLimit threads = pool.limits().limit("test.threads", 99);
      AtomicInteger onPool = new AtomicInteger();
      AtomicInteger peakOnPool = new AtomicInteger();
      AtomicInteger onCaller = new AtomicInteger();
      List<Task<Integer>> tasks = new ArrayList<>();
      java.util.concurrent.CountDownLatch helperRan = new java.util.concurrent.CountDownLatch(1);
      try (NamedLimit.Permit mine = threads.acquire(); Scope scope = pool.openScope(threads)) {
        for (int i = 0; i < 200; i++) {
          int n = i;
          if (i == 1) {
            // The first child went to a helper (permits were free); wait until it ran, so a slow start of
            // the pool thread does not leave every child to this thread's join.
            assertTrue(helperRan.await(30, java.util.concurrent.TimeUnit.SECONDS), "a helper ran the first child");
          }
          tasks.add(scope.fork(() -> {
            if (TaskPool.isPoolThread()) {
              helperRan.countDown();
              peakOnPool.accumulateAndGet(onPool.incrementAndGet(), Math::max);
              Thread.sleep(1);
              onPool.decrementAndGet();
            } else {
              onCaller.incrementAndGet();
            }
            return n * n;
          }));
        }
        scope.join();
      }
      for (int i = 0; i < tasks.size(); i++) {
        assertEquals(i * i, tasks.get(i).join());
      }
      assertTrue(peakOnPool.get() <= 2, "3 permits, one held by the caller, yet " + peakOnPool + " helpers at once");
      assertTrue(peakOnPool.get() >= 1, "helpers took part");
      assertEquals(0, threads.metrics().inUse(), "every permit came back");
    }
  }

  @Test
  void aChildsFailureOnTheCallerComesBackAsItselfAndTheInterruptStatusIsKept() {
    try (TaskPool pool = TaskPool.create(2)) {
      NamedLimit threads = pool.limits().limit("test.threads", 1);
      IllegalStateException bad = new IllegalStateException("bad block 3");
      try (NamedLimit.Permit mine = assertTimeoutPreemptively(Duration.ofSeconds(5), threads::acquire)) {
        Scope scope = pool.openScope(threads);
        scope.fork(() -> {
          throw bad;
        });
        assertTrue(scope.isCancelled());
        assertFalse(Thread.currentThread().isInterrupted(), "a sibling's failure does not interrupt the caller");
        assertSame(bad, assertThrows(IllegalStateException.class, scope::join));
        scope.close();

        // An interrupt that reaches the caller while it runs a child (Ctrl-C) stays for the caller to see.
        Scope second = pool.openScope(threads);
        Task<String> t = second.fork(() -> {
          Thread.currentThread().interrupt();
          return "done";
        });
        assertEquals("done", t.join());
        assertTrue(Thread.interrupted(), "interrupt kept (and cleared here)");
        second.close();
      }
    }
  }
}
