package dev.weft.analysis.hist;

/** {@code bins} equal-width bins over [lo, hi); values below go to underflow, at or above hi to overflow. */
public record RegularAxis(int bins, double lo, double hi, String title, String unit) implements Axis {
  public RegularAxis {
    if (bins < 1 || bins > Integer.MAX_VALUE - 8 || !(lo < hi) || !Double.isFinite(hi - lo)) {
      throw new IllegalArgumentException("regular axis needs 1 <= bins < 2^31 - 8 and finite lo < hi, got bins "
          + bins + ", lo " + lo + ", hi " + hi);
    }
    title = title == null ? "" : title;
    unit = unit == null ? "" : unit;
  }

  @Override
  public int size() {
    return bins + 2;
  }

  @Override
  public int index(double v) {
    if (v < lo) {
      return 0;
    }
    if (!(v < hi)) {
      return bins + 1; // also NaN
    }
    // bins / (hi - lo) is loop-invariant once inlined into a fill loop, so this is one multiply per value;
    // rounding can push a value just below hi to index bins, hence the clamp.
    int i = (int) ((v - lo) * (bins / (hi - lo)));
    return 1 + Math.min(i, bins - 1);
  }

  @Override
  public double center(int index) {
    double w = (hi - lo) / bins;
    return lo + (index - 0.5) * w;
  }

  @Override
  public double lower(int index) {
    return lo + (index - 1) * (hi - lo) / bins;
  }

  @Override
  public double upper(int index) {
    return lo + index * (hi - lo) / bins;
  }
}
