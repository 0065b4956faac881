package dev.weft.runtime.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.testutil.Leaks;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskTest {
  /**
   * Busy work that does not stop when interrupted: it spins until the cancel's interrupt has arrived (it
   * only looks at the status, never clears or obeys it), then until {@code release} is set, then for
   * another {@code ms}, and records when it ended. Waiting for the interrupt rather than spinning a fixed
   * time from the start guarantees the task is still running when cancelled however late a loaded machine
   * runs the test thread; {@code interrupted} stays false if no interrupt came within a minute.
   */
  private static long ignoreInterrupts(CountDownLatch started, AtomicBoolean release, long ms,
      AtomicBoolean interrupted, AtomicLong endedAt) {
    started.countDown();
    long spins = 0;
    long giveUp = System.nanoTime() + 60_000_000_000L;
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() - giveUp < 0) {
      spins++;
    }
    interrupted.set(Thread.currentThread().isInterrupted());
    while (!release.get() && System.nanoTime() - giveUp < 0) {
      spins++;
    }
    long end = System.nanoTime() + ms * 1_000_000;
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
      AtomicBoolean interrupted = new AtomicBoolean();
      // Runs on for 200 ms after the cancel's interrupt reached it.
      Task<Long> task = pool.submit(() -> ignoreInterrupts(started, new AtomicBoolean(true), 200, interrupted, endedAt));
      started.await();

      long cancelAt = System.nanoTime();
      task.cancelAndWait();
      long returnedAt = System.nanoTime();

      assertTrue(endedAt.get() != 0, "cancelAndWait returned while the task still ran");
      assertTrue(interrupted.get(), "the cancel interrupted the running task");
      assertTrue(returnedAt - endedAt.get() >= 0, "cancelAndWait returned before the task ended");
      // Holds by construction whenever cancelAndWait waited (the task ran 200 ms past the interrupt, which
      // came after cancelAt), however slow the machine.
      assertTrue((returnedAt - cancelAt) / 1_000_000 >= 200, "the task ignores interrupts, so the cancel waited for it");
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
      AtomicBoolean interrupted = new AtomicBoolean();
      AtomicBoolean release = new AtomicBoolean();
      // Runs until released (whatever the interrupt says), then 200 ms more: it cannot end on its own
      // between cancel() and isDone(), however long the machine stalls this thread.
      Task<Long> task = pool.submit(() -> ignoreInterrupts(started, release, 200, interrupted, endedAt));
      started.await();
      assertTrue(task.cancel());
      assertFalse(task.isDone(), "cancel() returns at once but the task is not done while it runs");
      release.set(true);
      assertThrows(CancellationException.class, task::join);
      long joinedAt = System.nanoTime();
      assertTrue(endedAt.get() != 0, "join() returned while the cancelled task still ran");
      assertTrue(joinedAt - endedAt.get() >= 0);
      assertTrue(interrupted.get(), "the cancel interrupted the running task");
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

  /**
   * Live platform threads not in {@code before}, leaving out the JDK's own on-demand threads, which start
   * and expire on the JDK's schedule rather than ours ("process reaper", idle for 60 s after its child
   * is gone; ForkJoinPool common-pool workers and virtual-thread carriers; "Attach Listener", started when
   * a tool such as jcmd attaches; "Common-Cleaner"). By identity, so a thread of an earlier test that
   * finishes dying meanwhile can neither fail the count nor hide a leak; pool threads and any unnamed
   * thread still count.
   */
  private static Set<Thread> threadsAddedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).filter(t -> {
      String n = t.getName();
      return !(n.startsWith("process reaper") || n.startsWith("ForkJoinPool") || n.equals("Attach Listener")
          || n.equals("Common-Cleaner"));
    }).collect(Collectors.toSet());
  }

  private static List<String> names(Set<Thread> threads) {
    return threads.stream().map(Thread::getName).sorted().toList();
  }

  /** Polls until {@code condition} holds or 30 s pass: a leak never settles, slow thread exits do. */
  private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  @Test
  void thousandSubmitCancelCyclesLeaveNoThreadsOrFdsBehind() throws Exception {
    Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
    int fdsBefore = Leaks.openFds();
    try (TaskPool pool = TaskPool.create(4)) {
      Set<Thread> workers = threadsAddedSince(before);
      assertEquals(4, workers.size(), () -> "the pool starts exactly its workers: " + names(workers));
      assertTrue(workers.stream().allMatch(t -> t.getName().startsWith("weft-pool-")), () -> names(workers).toString());
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
      Set<Thread> after = threadsAddedSince(before);
      assertEquals(workers, after, () -> "no threads added by submit/cancel, no worker died or was replaced: "
          + names(workers) + " -> " + names(after));
      // Snapshots that lag on a starved machine, so polled: a task cancelled before it started is done at
      // once, but its queue entry stays counted until a pool thread gets a CPU to pop and skip it, and a
      // pool thread counts as active until it is back in the executor after a task's outcome completed.
      // A stuck task or a queue that never drains still fails.
      assertTrue(eventually(() -> pool.active() == 0 && pool.queued() == 0),
          () -> "the pool never went idle: active " + pool.active() + ", queued " + pool.queued());
    }
    assertTrue(eventually(() -> threadsAddedSince(before).isEmpty()),
        () -> "pool threads left after close: " + names(threadsAddedSince(before)));
    assertTrue(eventually(() -> Leaks.openFds() <= fdsBefore),
        () -> "file descriptors left open: " + Leaks.openFds() + " > " + fdsBefore);
  }
}
