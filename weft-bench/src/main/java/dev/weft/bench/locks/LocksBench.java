package dev.weft.bench.locks;

import dev.weft.cli.bench.BenchArea;
import dev.weft.cli.bench.BenchContext;
import dev.weft.cli.bench.BenchOutput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code weft bench locks}: for each critical section (a bare counter increment, op {@code contended}; or
 * the increment plus about a microsecond of work, op {@code contended-long}), thread kind (platform,
 * virtual), thread count (1 = uncontended, 2, 4, 8) and implementation, threads hammer one lock for a
 * fixed time. Reported per
 * row: throughput (acquisitions/s, the median of the repeats), fairness (max/min acquisitions per thread)
 * and the 99.9th percentile and maximum of the time to acquire, sampled on every 8th acquisition with
 * {@link System#nanoTime}. After every run the counter must equal the sum of the threads' tallies; a
 * mismatch (a lost update, so a broken lock) aborts the whole bench.
 */
public final class LocksBench implements BenchArea {
  private static final int[] THREADS = {1, 2, 4, 8};
  /** Wait times are sampled on one acquisition in this many (a power of two) to keep nanoTime's cost low. */
  private static final int SAMPLE_EVERY = 8;
  /**
   * Xorshift steps in the "long" critical section (about a microsecond): long enough that waiters really
   * park, so the hand-off rule and the parking lot are exercised, unlike the bare increment.
   */
  static final int LONG_WORK = 200;

  @Override
  public String name() {
    return "locks";
  }

  @Override
  public String description() {
    return "weft's barging lock vs synchronized and ReentrantLock (fair/unfair): throughput, fairness, p99.9 wait";
  }

  @Override
  public void run(BenchContext ctx, BenchOutput out) throws Exception {
    long runNanos = TimeUnit.MILLISECONDS.toNanos(ctx.quick() ? 100 : 500);
    long warmupNanos = TimeUnit.MILLISECONDS.toNanos(ctx.quick() ? 30 : 300);
    int repeats = ctx.quick() ? 1 : 3;
    if (!ctx.cli().json()) {
      ctx.log().printf("locks: %d ms per run, median of %d, wait sampled on 1 in %d acquisitions%n",
          runNanos / 1_000_000, repeats, SAMPLE_EVERY);
      ctx.log().flush();
    }
    for (String impl : Contender.NAMES) { // warm every implementation's paths up, contended and not
      for (boolean virtual : new boolean[] {false, true}) {
        measure(impl, 1, virtual, warmupNanos);
        measure(impl, 4, virtual, warmupNanos);
        measure(impl, Contender.create(impl, LONG_WORK), 4, virtual, warmupNanos);
      }
    }
    for (int work : new int[] {0, LONG_WORK}) {
      for (boolean virtual : new boolean[] {false, true}) {
        for (int threads : THREADS) {
          for (String impl : Contender.NAMES) {
            List<Run> runs = new ArrayList<>();
            for (int r = 0; r < repeats; r++) {
              runs.add(measure(impl, Contender.create(impl, work), threads, virtual, runNanos));
            }
            String op = (threads == 1 ? "uncontended" : "contended") + (work == 0 ? "" : "-long");
            report(out, impl, op, threads, virtual, work, runs);
          }
        }
      }
    }
  }

  /**
   * One measured run. {@code fairness} is infinite when some thread never got the lock; {@code counted} is
   * the lock-protected counter, {@code tallied} what the threads counted themselves.
   */
  record Run(double opsPerSecond, double fairness, long minAcquisitions, long maxAcquisitions, long p999Nanos,
      long maxWaitNanos, long samples, long counted, long tallied) {}

  static Run measure(String impl, int threads, boolean virtual, long durationNanos) throws InterruptedException {
    return measure(impl, Contender.create(impl, 0), threads, virtual, durationNanos);
  }

  static Run measure(String impl, Contender lock, int threads, boolean virtual, long durationNanos)
      throws InterruptedException {
    long[] tallies = new long[threads];
    WaitRecorder[] waits = new WaitRecorder[threads];
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    Stop stop = new Stop();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int me = t;
      Runnable body = () -> {
        WaitRecorder rec = new WaitRecorder();
        ready.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long n = 0;
        while (!stop.now) {
          if ((n & (SAMPLE_EVERY - 1)) == 0) {
            rec.record(lock.enterTimed());
          } else {
            lock.enter();
          }
          n++;
        }
        tallies[me] = n;
        waits[me] = rec;
      };
      workers[t] = virtual ? Thread.ofVirtual().name("locks-v" + t).start(body)
          : Thread.ofPlatform().name("locks-p" + t).start(body);
    }
    ready.await();
    long t0 = System.nanoTime();
    go.countDown();
    TimeUnit.NANOSECONDS.sleep(durationNanos);
    stop.now = true;
    for (Thread w : workers) {
      w.join();
    }
    long elapsed = System.nanoTime() - t0;

    long total = Arrays.stream(tallies).sum();
    if (lock.counter != total) {
      throw new IllegalStateException("locks bench: " + impl + " lost updates with " + threads + " "
          + (virtual ? "virtual" : "platform") + " threads: the counter says " + lock.counter + ", the threads "
          + total);
    }
    WaitRecorder all = new WaitRecorder();
    Arrays.stream(waits).forEach(all::addAll);
    long min = Arrays.stream(tallies).min().orElse(0);
    long max = Arrays.stream(tallies).max().orElse(0);
    double fairness = min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
    return new Run(total * 1e9 / elapsed, fairness, min, max, all.quantile(0.999), all.quantile(1.0),
        all.count(), lock.counter, total);
  }

  private static void report(BenchOutput out, String impl, String op, int threads, boolean virtual, int work,
      List<Run> runs) {
    Run mid = runs.stream().sorted((a, b) -> Double.compare(a.opsPerSecond, b.opsPerSecond)).toList()
        .get(runs.size() / 2);
    double fairness = median(runs.stream().mapToDouble(Run::fairness).toArray());
    double p999 = median(runs.stream().mapToDouble(Run::p999Nanos).toArray());
    long starvedRuns = runs.stream().filter(r -> r.minAcquisitions == 0).count();
    out.row(impl, op, threads)
        .param("thread_kind", virtual ? "virtual" : "platform")
        .param("cs_work", work)
        // JSON has no infinity: a run where some thread never got the lock has no finite ratio.
        .param("fairness", Double.isInfinite(fairness) ? null : Math.round(fairness * 100) / 100.0)
        .param("starved_runs", starvedRuns)
        .param("p999_ns", (long) p999)
        .param("max_wait_ns", (long) median(runs.stream().mapToDouble(Run::maxWaitNanos).toArray()))
        .param("min_acq", mid.minAcquisitions)
        .param("max_acq", mid.maxAcquisitions)
        .param("runs", runs.size())
        // What the check above compared, summed over the runs: a run that lost any has already failed.
        .param("checked_updates", runs.stream().mapToLong(Run::tallied).sum())
        .param("lost_updates", runs.stream().mapToLong(r -> r.tallied() - r.counted()).sum())
        .emit(median(runs.stream().mapToDouble(Run::opsPerSecond).toArray()), "ops/s");
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The stop flag, read by every worker on every iteration. */
  private static final class Stop {
    volatile boolean now;
  }
}
