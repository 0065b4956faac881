package dev.weft.analysis.hist;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One histogram shared by all threads, with atomic storage: counts by {@code getAndIncrement}, weights
 * by compare-and-set on the double's bits. Adjacent bins share cache lines, so contended fills pay for
 * cache-line transfers; that cost is what the fill-mode benchmark shows.
 */
public final class AtomicHistogram implements BinSink {
  private final Histogram shape;
  private final AtomicLongArray counts;
  private final AtomicLongArray sumw;
  private final AtomicLongArray sumw2;

  public AtomicHistogram(Histogram shape) {
    this.shape = shape.emptyCopy();
    int n = shape.size();
    boolean w = shape.isWeighted();
    counts = w ? null : new AtomicLongArray(n);
    sumw = w ? new AtomicLongArray(n) : null;
    sumw2 = w ? new AtomicLongArray(n) : null;
  }

  @Override
  public void add(int bin) {
    if (counts != null) {
      counts.getAndIncrement(bin);
    } else {
      add(bin, 1.0);
    }
  }

  @Override
  public void add(int bin, double w) {
    if (sumw == null) {
      throw new IllegalStateException(shape.name() + " has integer storage; fill it without a weight");
    }
    addDouble(sumw, bin, w);
    addDouble(sumw2, bin, w * w);
  }

  private static void addDouble(AtomicLongArray a, int i, double d) {
    long prev;
    long next;
    do {
      prev = a.get(i);
      next = Double.doubleToRawLongBits(Double.longBitsToDouble(prev) + d);
    } while (!a.compareAndSet(i, prev, next));
  }

  /** A plain histogram with the current contents (call after all writers have finished). */
  public Histogram snapshot() {
    Histogram h = shape.emptyCopy();
    int n = h.size();
    if (counts != null) {
      long[] c = new long[n];
      for (int i = 0; i < n; i++) {
        c[i] = counts.get(i);
      }
      h.addRaw(c, null, null);
    } else {
      double[] w = new double[n];
      double[] w2 = new double[n];
      for (int i = 0; i < n; i++) {
        w[i] = Double.longBitsToDouble(sumw.get(i));
        w2[i] = Double.longBitsToDouble(sumw2.get(i));
      }
      h.addRaw(null, w, w2);
    }
    return h;
  }
}
