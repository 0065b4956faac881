package dev.weft.bench.runtime;

/** The CPU work of one benchmark task: spins on the clock, so every pool runs exactly the same work. */
final class Busy {
  private Busy() {}

  /** Spins for about {@code nanos}; returns a value the caller consumes so the loop cannot be dropped. */
  static long spin(long nanos) {
    long start = System.nanoTime();
    long now = start;
    long turns = 0;
    while (now - start < nanos) {
      turns++;
      now = System.nanoTime();
    }
    return turns;
  }
}
