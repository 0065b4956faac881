package dev.weft.analysis.hist;

/**
 * Somewhere bin increments go: a plain {@link Histogram} (one thread), an {@link AtomicHistogram} (shared),
 * or a locked wrapper. The bin index is computed by the caller, outside any lock.
 */
public interface BinSink {
  /** Adds one entry of weight 1. */
  void add(int bin);

  /** Adds one entry of weight {@code w}. */
  void add(int bin, double w);
}
