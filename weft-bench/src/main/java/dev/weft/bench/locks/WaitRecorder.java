package dev.weft.bench.locks;

/**
 * A log-bucketed histogram of wait times in nanoseconds, owned by one thread while it runs and merged
 * afterwards: exact below 8 ns, then 8 sub-buckets per power of two (at most 12.5% relative error).
 * Percentiles are reported as the upper edge of their bucket, so they never flatter.
 */
final class WaitRecorder {
  private static final int SUB = 8;
  private final long[] counts = new long[SUB + 61 * SUB];
  private long total;

  void record(long nanos) {
    counts[index(Math.max(0, nanos))]++;
    total++;
  }

  void addAll(WaitRecorder other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }

  long count() {
    return total;
  }

  /** The upper edge of the bucket holding quantile {@code q} (0..1), or 0 if nothing was recorded. */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return upperEdge(i);
      }
    }
    return upperEdge(counts.length - 1);
  }

  static int index(long v) {
    if (v < SUB) {
      return (int) v;
    }
    int e = 63 - Long.numberOfLeadingZeros(v); // >= 3
    int sub = (int) (v >>> (e - 3)) - SUB;     // 0..7
    return SUB + (e - 3) * SUB + sub;
  }

  static long upperEdge(int index) {
    if (index < SUB) {
      return index;
    }
    int e = (index - SUB) / SUB + 3;
    int sub = (index - SUB) % SUB;
    return ((long) (SUB + sub + 1) << (e - 3)) - 1;
  }
}
