package dev.weft.runtime.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LimitsTest {
  @Test
  void aNamedLimitCapsConcurrencyOnThePool() {
    try (TaskPool pool = TaskPool.create(6)) {
      NamedLimit limit = pool.limits().limit("test.jobs", 2);
      assertSame(limit, pool.limits().limit("test.jobs", 5), "one limit per name; the first default wins");
      AtomicInteger now = new AtomicInteger();
      AtomicInteger worst = new AtomicInteger();
      try (Scope scope = pool.openScope()) {
        for (int i = 0; i < 12; i++) {
          scope.fork(() -> {
            try (NamedLimit.Permit p = limit.acquire()) {
              worst.accumulateAndGet(now.incrementAndGet(), Math::max);
              Thread.sleep(15);
              now.decrementAndGet();
            }
            return null;
          });
        }
        scope.join();
      }
      assertEquals(2, worst.get());
      LimitMetrics m = limit.metrics();
      assertEquals(new LimitMetrics("test.jobs", "permits", 2, 0, 2, 0, 12), m);
      assertEquals(List.of(m), pool.metrics().limits());
    }
  }

  @Test
  void overridesWinAndUnusedOnesAreReported() {
    Limits limits = new Limits(Map.of("ec.jobs", 4L, "store.buffer", 1024L, "typo.jobs", 3L));
    assertEquals(4, limits.limit("ec.jobs", 2).permits());
    assertEquals(1024, limits.budget("store.buffer", 1 << 20).capacity());
    assertEquals(List.of("typo.jobs"), limits.unusedOverrides());
    assertThrows(IllegalArgumentException.class, () -> new Limits(Map.of("x", 0L)));
  }

  @Test
  void aByteBudgetBlocksUntilBytesAreReturned() throws Exception {
    ByteBudget budget = new Limits().budget("test.bytes", 100);
    ByteBudget.Lease a = budget.acquire(60);
    CountDownLatch granted = new CountDownLatch(1);
    Thread t = Thread.ofPlatform().start(() -> {
      try (ByteBudget.Lease b = budget.acquire(60)) {
        granted.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    // Wait until the second request is really queued rather than a fixed time after starting its thread: on
    // a loaded machine the thread may not even have reached acquire() within any small bound.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (budget.metrics().waiting() == 0 && System.nanoTime() - deadline < 0) {
      Thread.sleep(1);
    }
    assertEquals(1, budget.metrics().waiting(), "the second request never queued");
    assertFalse(granted.await(100, TimeUnit.MILLISECONDS), "60 + 60 bytes exceed the budget of 100");
    assertEquals(1, budget.metrics().waiting());
    a.close();
    assertTrue(granted.await(5, TimeUnit.SECONDS));
    t.join();
    assertEquals(0, budget.metrics().inUse());
    assertEquals(60, budget.metrics().peak());
  }

  @Test
  void aRequestLargerThanTheWholeBudgetIsGrantedWhenNothingIsHeld() throws Exception {
    ByteBudget budget = new Limits().budget("test.big", 10);
    try (ByteBudget.Lease big = budget.acquire(1000)) {
      assertEquals(1000, budget.metrics().inUse());
    }
    assertEquals(0, budget.metrics().inUse());
  }
}
