package dev.weft.cli.locks;

import dev.weft.analysis.lock.BargingLock;
import dev.weft.analysis.lock.LockPair;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;

/**
 * Three short showcases of the locks, each checked against an answer computed another way:
 * <ol>
 *   <li>every pool thread fills one shared 100-bin histogram under one {@link BargingLock} (the
 *       {@code locked-weft} fill mode, deliberately contended); the counts must equal a sequential fill;</li>
 *   <li>a thread that has waited more than 1 ms is handed the lock: a newcomer's {@code tryLock} right
 *       after the release fails;</li>
 *   <li>tasks move money between random pairs of accounts, in both orders, under {@link LockPair}; the
 *       total must be unchanged and nothing may deadlock.</li>
 * </ol>
 */
public final class LocksDemo {
  private static final int VALUES = 2_000_000;
  private static final int CHUNK = 50_000;
  private static final int BINS = 100;
  private static final int ACCOUNTS = 6;
  private static final int TRANSFERS_PER_TASK = 50_000;

  private LocksDemo() {}

  /** What the demo measured; also written as JSON by the demo step. */
  public record Result(int threads, long values, double fillsPerSecond, boolean histogramMatches,
      boolean handedOff, long transfers, long totalBefore, long totalAfter) {}

  public static Result run(TaskPool pool, Path dir, PrintWriter out) throws Exception {
    Files.createDirectories(dir);
    int threads = pool.parallelism();

    // 1. Shared histogram under one lock.
    double[] values = new double[VALUES];
    SplittableRandom rnd = new SplittableRandom(42);
    for (int i = 0; i < VALUES; i++) {
      values[i] = 50 + 15 * gaussian(rnd);
    }
    long[] expected = new long[BINS];
    for (double v : values) {
      expected[bin(v)]++;
    }
    long[] shared = new long[BINS];
    Lock lock = new BargingLock();
    long t0 = System.nanoTime();
    try (Scope scope = pool.openScope()) {
      for (int start = 0; start < VALUES; start += CHUNK) {
        int from = start;
        scope.fork(() -> {
          for (int i = from; i < Math.min(VALUES, from + CHUNK); i++) {
            int b = bin(values[i]);
            lock.lock();
            try {
              shared[b]++;
            } finally {
              lock.unlock();
            }
          }
        });
      }
      scope.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    boolean matches = Arrays.equals(expected, shared);
    Path csv = dir.resolve("histogram.csv");
    StringBuilder sb = new StringBuilder("bin,count\n");
    for (int b = 0; b < BINS; b++) {
      sb.append(b).append(',').append(shared[b]).append('\n');
    }
    Files.writeString(csv, sb);
    out.printf("  filled a 100-bin histogram with %,d values from %d pool threads under one BargingLock:%n"
        + "    %,.0f fills/s, counts %s the sequential fill -> %s%n", VALUES, threads, VALUES / seconds,
        matches ? "identical to" : "DIFFERENT FROM", csv.toAbsolutePath());

    // 2. The hand-off, seen from outside.
    boolean handedOff = showHandOff();
    out.printf("  a waiter parked for 5 ms was handed the lock directly; a barging tryLock right after the"
        + " release %s%n", handedOff ? "failed, as it should" : "SUCCEEDED (no hand-off)");

    // 3. Two-lock transfers in both orders.
    long[] balance = new long[ACCOUNTS];
    Lock[] locks = new Lock[ACCOUNTS];
    for (int a = 0; a < ACCOUNTS; a++) {
      balance[a] = 1_000_000;
      locks[a] = new BargingLock();
    }
    long before = Arrays.stream(balance).sum();
    int tasks = Math.max(2, threads * 2);
    try (Scope scope = pool.openScope()) {
      for (int t = 0; t < tasks; t++) {
        long seed = t;
        scope.fork(() -> {
          SplittableRandom r = new SplittableRandom(seed);
          for (int k = 0; k < TRANSFERS_PER_TASK; k++) {
            int from = r.nextInt(ACCOUNTS);
            int to = r.nextInt(ACCOUNTS);
            long amount = r.nextInt(100);
            try (LockPair held = LockPair.lock(locks[from], locks[to])) {
              balance[from] -= amount;
              balance[to] += amount;
            }
          }
        });
      }
      scope.join();
    }
    long after = Arrays.stream(balance).sum();
    long transfers = (long) tasks * TRANSFERS_PER_TASK;
    out.printf("  %,d transfers between random pairs of %d accounts (either order, sometimes the same"
        + " account twice) under LockPair: total %,d before, %,d after%n", transfers, ACCOUNTS, before, after);
    out.flush();
    return new Result(threads, VALUES, VALUES / seconds, matches, handedOff, transfers, before, after);
  }

  /** Holds the lock while a second thread parks on it, releases after 5 ms, and barges straight away. */
  private static boolean showHandOff() throws InterruptedException {
    BargingLock lock = new BargingLock();
    CountDownLatch got = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    lock.lock();
    // A thread of its own, not a pool task: it must block while this thread holds the lock.
    Thread waiter = Thread.ofVirtual().name("locks-demo-waiter").start(() -> {
      lock.lock();
      got.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        lock.unlock();
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!lock.hasQueuedThreads() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    Thread.sleep(5);
    lock.unlock();
    AtomicBoolean barged = new AtomicBoolean(lock.tryLock());
    if (barged.get()) {
      lock.unlock();
    }
    got.await(10, TimeUnit.SECONDS);
    release.countDown();
    waiter.join();
    return !barged.get();
  }

  private static int bin(double v) {
    int b = (int) Math.floor(v);
    return Math.max(0, Math.min(BINS - 1, b));
  }

  /** A standard normal deviate (Box–Muller); the demo only needs a bell shape, reproducibly. */
  private static double gaussian(SplittableRandom rnd) {
    return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }
}
