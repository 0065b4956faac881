package dev.weft.analysis.hist;

import java.util.Arrays;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A 1-D or 2-D histogram. Integer storage counts entries exactly (so the counts are identical whatever
 * the thread count and the merge order); weighted storage keeps the sum of weights and of squared
 * weights per bin. Not thread-safe: one writer at a time; shared filling uses {@link AtomicHistogram} or a
 * lock around {@link #add}.
 *
 * <p>Bins are flattened as {@code ix + iy * x.size()}, flow bins included.
 */
public final class Histogram implements BinSink {
  private final String name;
  private final String title;
  private final Axis x;
  private final Axis y; // null for 1-D
  private final boolean weighted;
  private final long[] counts; // integer storage
  private final double[] sumw; // weighted storage
  private final double[] sumw2;

  private Histogram(String name, String title, Axis x, Axis y, boolean weighted) {
    this.name = Objects.requireNonNull(name);
    this.title = title == null ? "" : title;
    this.x = Objects.requireNonNull(x);
    this.y = y;
    this.weighted = weighted;
    long cells = (long) x.size() * (y == null ? 1 : y.size());
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("histogram of " + cells + " bins is too large");
    }
    int size = (int) cells;
    this.counts = weighted ? null : new long[size];
    this.sumw = weighted ? new double[size] : null;
    this.sumw2 = weighted ? new double[size] : null;
  }

  /** A 1-D histogram with integer counts. */
  public static Histogram of(String name, String title, Axis x) {
    return new Histogram(name, title, x, null, false);
  }

  /** A 1-D histogram with weighted storage. */
  public static Histogram weighted(String name, String title, Axis x) {
    return new Histogram(name, title, x, null, true);
  }

  /** A 2-D histogram. */
  public static Histogram of2D(String name, String title, Axis x, Axis y, boolean weighted) {
    return new Histogram(name, title, x, Objects.requireNonNull(y), weighted);
  }

  /** An empty histogram with the same name, axes and storage. */
  public Histogram emptyCopy() {
    return new Histogram(name, title, x, y, weighted);
  }

  public String name() {
    return name;
  }

  public String title() {
    return title;
  }

  public Axis x() {
    return x;
  }

  /** The y axis, or null for a 1-D histogram. */
  public Axis y() {
    return y;
  }

  public boolean isWeighted() {
    return weighted;
  }

  /** Number of bins including flow bins (the product for 2-D). */
  public int size() {
    return weighted ? sumw.length : counts.length;
  }

  public int bin(double vx) {
    return x.index(vx);
  }

  public int bin(double vx, double vy) {
    return x.index(vx) + y.index(vy) * x.size();
  }

  @Override
  public void add(int bin) {
    if (weighted) {
      sumw[bin] += 1;
      sumw2[bin] += 1;
    } else {
      counts[bin]++;
    }
  }

  @Override
  public void add(int bin, double w) {
    if (!weighted) {
      throw new IllegalStateException(name + " has integer storage; fill it without a weight");
    }
    sumw[bin] += w;
    sumw2[bin] += w * w;
  }

  public void fill(double vx) {
    add(bin(vx));
  }

  public void fill(double vx, double vy) {
    add(bin(vx, vy));
  }

  /** Entries (integer storage) or sum of weights (weighted) in a bin. */
  public double value(int bin) {
    return weighted ? sumw[bin] : counts[bin];
  }

  /** The exact count of an integer-storage bin. */
  public long count(int bin) {
    if (weighted) {
      throw new IllegalStateException(name + " has weighted storage");
    }
    return counts[bin];
  }

  /** Sum of squared weights (the variance estimate) of a bin; equals the count for integer storage. */
  public double variance(int bin) {
    return weighted ? sumw2[bin] : counts[bin];
  }

  /** Total entries / weight over all bins including flow bins. */
  public double total() {
    double t = 0;
    for (int i = 0; i < size(); i++) {
      t += value(i);
    }
    return t;
  }

  /** Adds {@code other}'s contents; it must have the same axes and storage. */
  public void merge(Histogram other) {
    if (!x.equals(other.x) || !Objects.equals(y, other.y) || weighted != other.weighted) {
      throw new IllegalArgumentException("cannot merge " + other.name + " into " + name + ": different binning or storage");
    }
    if (weighted) {
      for (int i = 0; i < sumw.length; i++) {
        sumw[i] += other.sumw[i];
        sumw2[i] += other.sumw2[i];
      }
    } else {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += other.counts[i];
      }
    }
  }

  /** Adds raw storage arrays (used when decoding and by the atomic variant's snapshot). */
  void addRaw(long[] c, double[] w, double[] w2) {
    if (weighted) {
      for (int i = 0; i < sumw.length; i++) {
        sumw[i] += w[i];
        sumw2[i] += w2[i];
      }
    } else {
      for (int i = 0; i < counts.length; i++) {
        counts[i] += c[i];
      }
    }
  }

  long[] rawCounts() {
    return counts == null ? null : counts.clone();
  }

  double[] rawSumw() {
    return sumw == null ? null : sumw.clone();
  }

  double[] rawSumw2() {
    return sumw2 == null ? null : sumw2.clone();
  }

  /**
   * For a 1-D histogram: bin centre to value for every non-empty bin, flow bins included, sorted by
   * centre. Bins that report the same centre (the ADL convention's hi bin and overflow) are added up.
   */
  public SortedMap<Double, Double> nonEmpty() {
    if (y != null) {
      throw new IllegalStateException(name + " is 2-D");
    }
    SortedMap<Double, Double> m = new TreeMap<>();
    for (int i = 0; i < size(); i++) {
      if (value(i) != 0) {
        m.merge(x.center(i), value(i), Double::sum);
      }
    }
    return m;
  }

  /** As {@link #nonEmpty()} with exact integer counts. */
  public SortedMap<Double, Long> nonEmptyCounts() {
    if (y != null) {
      throw new IllegalStateException(name + " is 2-D");
    }
    SortedMap<Double, Long> m = new TreeMap<>();
    for (int i = 0; i < size(); i++) {
      long c = count(i);
      if (c != 0) {
        m.merge(x.center(i), c, Long::sum);
      }
    }
    return m;
  }

  /** Same name, axes, storage and contents. */
  public boolean sameAs(Histogram o) {
    return name.equals(o.name) && x.equals(o.x) && Objects.equals(y, o.y) && weighted == o.weighted
        && Arrays.equals(counts, o.counts) && Arrays.equals(sumw, o.sumw) && Arrays.equals(sumw2, o.sumw2);
  }
}
