package dev.weft.analysis.hist;

/**
 * Maps a value to a bin index. Index 0 is the underflow bin and {@code size() - 1} the overflow bin;
 * the bins in between cover the axis range. NaN goes to overflow. Implementations are immutable.
 */
public sealed interface Axis permits RegularAxis, VariableAxis, AdlAxis {
  /** Number of bins including underflow and overflow. */
  int size();

  int index(double v);

  /** The x value a bin is reported at (for flow bins: half a bin width outside the range). */
  double center(int index);

  /** Lower edge of an in-range bin. */
  double lower(int index);

  /** Upper edge of an in-range bin. */
  double upper(int index);

  /** What is on the axis, e.g. "MET p_T". */
  String title();

  /** Its unit, e.g. "GeV", or "" when dimensionless. */
  String unit();

  default boolean isFlow(int index) {
    return index == 0 || index == size() - 1;
  }

  /** The title with the unit in brackets, for plots. */
  default String label() {
    return unit().isEmpty() ? title() : title() + " [" + unit() + "]";
  }
}
