package dev.weft.analysis.hist;

/**
 * The binning convention of the published ADL benchmark outputs (QUERIES.md): with {@code w = (hi-lo)/n}
 * and {@code r = lo fmod w}, a value in [lo, hi] lands in the bin whose centre is
 * {@code floor((v - r) / w) * w + r + w/2}; below lo is underflow (centre lo - w/2), above hi overflow
 * (centre hi + w/2). Note that hi itself is in range and its centre equals the overflow centre.
 *
 * <p>Indices follow the floor values directly (with one spare bin at each end, since floating-point
 * rounding can put a value at lo one bin lower), so the reported centres are bit for bit the ones the
 * formula gives. A class rather than a record so the derived constants are computed once, not per fill.
 */
public final class AdlAxis implements Axis {
  private final double lo;
  private final double hi;
  private final int n;
  private final String title;
  private final String unit;
  private final double w;
  private final double r;
  private final long qmin;
  private final long qmax;
  private final int size;

  public AdlAxis(double lo, double hi, int n, String title, String unit) {
    if (n < 1 || n > Integer.MAX_VALUE - 8 || !(lo < hi) || !Double.isFinite(hi - lo)) {
      throw new IllegalArgumentException("ADL axis needs 1 <= bins < 2^31 - 8 and finite lo < hi, got bins "
          + n + ", lo " + lo + ", hi " + hi);
    }
    this.lo = lo;
    this.hi = hi;
    this.n = n;
    this.title = title == null ? "" : title;
    this.unit = unit == null ? "" : unit;
    this.w = (hi - lo) / n;
    this.r = lo % w; // Java's % on doubles is C fmod: the sign of the dividend
    this.qmin = (long) Math.floor((lo - r) / w) - 1;
    this.qmax = (long) Math.floor((hi - r) / w) + 1;
    long span = qmax - qmin + 1; // n + 2 or n + 3 (the spare bins, and one more if rounding splits hi)
    if (!(w > 0) || Double.isNaN(r) || span < n || span > (long) n + 4 || span > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("ADL axis bins " + n + " over [" + lo + ", " + hi
          + "] are too narrow for double precision");
    }
    this.size = (int) span + 2;
  }

  public double lo() {
    return lo;
  }

  public double hi() {
    return hi;
  }

  public int n() {
    return n;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public String unit() {
    return unit;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int index(double v) {
    if (v < lo) {
      return 0;
    }
    if (!(v <= hi)) {
      return size - 1; // also NaN
    }
    long q = (long) Math.floor((v - r) / w);
    return 1 + (int) (Math.max(qmin, Math.min(qmax, q)) - qmin);
  }

  @Override
  public double center(int index) {
    if (index == 0) {
      return lo - w / 2;
    }
    if (index == size - 1) {
      return hi + w / 2;
    }
    double q = qmin + (index - 1);
    return Math.floor(q) * w + r + w / 2;
  }

  @Override
  public double lower(int index) {
    return center(index) - w / 2;
  }

  @Override
  public double upper(int index) {
    return center(index) + w / 2;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdlAxis a && a.lo == lo && a.hi == hi && a.n == n && a.title.equals(title) && a.unit.equals(unit);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(lo) * 31 + Double.hashCode(hi) * 7 + n;
  }

  @Override
  public String toString() {
    return "AdlAxis[" + lo + ", " + hi + ", " + n + "]";
  }
}
