package dev.weft.analysis.proc;

/**
 * Reproducible synthetic fill values: value {@code i} of stream {@code seed} depends only on (seed, i), so
 * a process can make its share without receiving the data. The distribution is the sum of two uniforms
 * (a triangle) over [lo - 5%, hi + 5%] of the range, so some values land in the flow bins.
 */
public final class Synthetic {
  private Synthetic() {}

  /** Fills {@code out} with values {@code offset .. offset + out.length - 1}. */
  public static void values(long seed, long offset, double lo, double hi, double[] out) {
    double span = (hi - lo) * 1.1;
    double start = lo - (hi - lo) * 0.05;
    for (int k = 0; k < out.length; k++) {
      long i = offset + k;
      double u1 = (mix(seed, 2 * i) >>> 11) * 0x1.0p-53;
      double u2 = (mix(seed, 2 * i + 1) >>> 11) * 0x1.0p-53;
      out[k] = start + span * (u1 + u2) / 2;
    }
  }

  /** SplitMix64's finaliser on seed and index. */
  private static long mix(long seed, long i) {
    long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
