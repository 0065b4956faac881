package dev.weft.analysis.lock;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/** Test helpers: start body threads of either kind, join them with a bound, wait for a thread to park. */
final class Threads {
  private Threads() {}

  interface Body {
    void run(int index) throws Exception;
  }

  /** Runs {@code n} threads and fails (naming the stuck ones) if they do not all finish within {@code seconds}. */
  static void runAll(int n, boolean virtual, long seconds, Body body) throws InterruptedException {
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
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
        fail("thread " + t.getName() + " still running after " + seconds + " s (deadlock or lost wake-up?): "
            + java.util.Arrays.toString(t.getStackTrace()));
      }
    }
    if (!failures.isEmpty()) {
      AssertionError e = new AssertionError(failures.size() + " thread(s) failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  /**
   * Waits until some thread is queued in the parking lot on {@code address}; 30 s, since a just-started
   * thread may wait long for a CPU on a loaded machine, while one that never parks never will.
   */
  static void awaitParked(Object address) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!ParkingLot.hasWaiters(address)) {
      if (System.nanoTime() > deadline) {
        fail("no thread parked on " + address);
      }
      Thread.sleep(1);
    }
  }
}
