package dev.weft.kernel.ledger;

/**
 * Deterministic CPU work standing in for an event's real computation: a fixed number of integer mixing
 * rounds per microsecond, calibrated once per JVM (best of 7 timed runs after warm-up, about 10 ms). The result never enters the state (only the iteration
 * count is derived from the calibration), so the state stays deterministic across machines.
 */
public final class BusyWork {
  private static final long ROUNDS_PER_MICRO = calibrate();
  /** Sink so the JIT cannot drop the loop. */
  @SuppressWarnings("unused")
  private static volatile long sink;

  private BusyWork() {}

  public static void spin(int micros) {
    if (micros > 0) {
      sink = rounds(ROUNDS_PER_MICRO * micros, micros);
    }
  }

  public static long roundsPerMicro() {
    return ROUNDS_PER_MICRO;
  }

  private static long rounds(long n, long seed) {
    long x = seed;
    for (long i = 0; i < n; i++) {
      x = x * 0x9E3779B97F4A7C15L + (x >>> 29);
    }
    return x;
  }

  private static long calibrate() {
    long n = 1 << 20;
    for (int i = 0; i < 20; i++) {
      sink = rounds(1 << 16, i); // let the JIT compile the loop before timing it
    }
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 7; i++) {
      long t0 = System.nanoTime();
      sink = rounds(n, i);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return Math.max(1, n * 1000 / Math.max(1, best));
  }
}
