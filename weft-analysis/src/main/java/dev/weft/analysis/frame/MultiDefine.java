package dev.weft.analysis.frame;

/**
 * Computes several values of one event at once (for example the transverse momentum and the largest
 * b-tag of the same best jet triplet). {@code out} arrives filled with NaN; leave NaN for "no value".
 */
@FunctionalInterface
public interface MultiDefine {
  void compute(Event e, double[] out);
}
