package dev.weft.bench.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocksBenchTest {

  @Test
  void bucketsCoverEveryValueWithBoundedError() {
    for (long v : new long[] {0, 1, 7, 8, 9, 15, 16, 100, 1_000, 123_456_789, Long.MAX_VALUE / 3}) {
      int i = WaitRecorder.index(v);
      long upper = WaitRecorder.upperEdge(i);
      assertTrue(upper >= v, v + " above its bucket's edge " + upper);
      assertTrue(i == 0 || WaitRecorder.upperEdge(i - 1) < v, v + " belongs in an earlier bucket");
      assertTrue(upper - v <= v / 8, v + " has a bucket wider than 12.5%: " + upper);
    }
  }

  @Test
  void quantilesComeFromTheRecordedValues() {
    WaitRecorder r = new WaitRecorder();
    for (int i = 1; i <= 1000; i++) {
      r.record(i < 1000 ? 5 : 1_000_000);
    }
    assertEquals(5, r.quantile(0.999));
    long max = r.quantile(1.0);
    assertTrue(max >= 1_000_000 && max < 1_125_000, "max " + max);
    assertEquals(0, new WaitRecorder().quantile(0.999));
  }

  @Test
  void everyImplementationPassesTheLostUpdateCheck() throws InterruptedException {
    for (String impl : Contender.NAMES) {
      for (boolean virtual : new boolean[] {false, true}) {
        LocksBench.Run run = LocksBench.measure(impl, 3, virtual, TimeUnit.MILLISECONDS.toNanos(20));
        // A loaded machine may not run any of the three threads within a 20 ms window (they then do no
        // work, and lose nothing either); measure longer until they do. Any run checks for lost updates.
        for (long ms = 40; run.samples() == 0 && ms <= 5_000; ms *= 2) {
          run = LocksBench.measure(impl, 3, virtual, TimeUnit.MILLISECONDS.toNanos(ms));
        }
        assertTrue(run.opsPerSecond() > 0, impl);
        assertTrue(run.samples() > 0, impl);
        assertTrue(run.maxAcquisitions() >= run.minAcquisitions(), impl);
      }
    }
  }

  @Test
  void aLockThatLosesUpdatesFailsTheRun() throws InterruptedException {
    // Drops every other increment: the counter and the threads' tallies disagree, which must abort the bench.
    Contender leaky = new Contender() {
      private long calls;

      @Override
      synchronized void enter() {
        if ((calls++ & 1) == 0) {
          counter++;
        }
      }

      @Override
      long enterTimed() {
        enter();
        return 0;
      }
    };
    // It must lose one as soon as it is entered twice; a loaded machine may not run either thread within the
    // 10 ms window, so a run that returns is only acceptable while the lock saw fewer than two entries.
    IllegalStateException e = null;
    for (long ms = 10; e == null && ms <= 5_000; ms *= 2) {
      long nanos = TimeUnit.MILLISECONDS.toNanos(ms);
      try {
        LocksBench.measure("leaky", leaky, 2, false, nanos);
        assertTrue(leaky.counter < 2, "a lock that lost updates passed the check (counter " + leaky.counter + ")");
      } catch (IllegalStateException lost) {
        e = lost;
      }
    }
    assertTrue(e != null, "the leaky lock was never entered twice");
    assertTrue(e.getMessage().contains("lost updates"), e.getMessage());
  }
}
