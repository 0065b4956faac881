package dev.weft.analysis.frame;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * {@code count} and {@code sum}: one partial per chunk, added up in chunk order at the end so a sum of
 * doubles is the same at any thread count (it depends only on how the source is chunked).
 */
final class ReduceAction extends Action {
  private final Col value; // null for count
  private final Map<Integer, Double> partials = new ConcurrentSkipListMap<>();
  private double result;

  ReduceAction(DataFrame node, Col value) {
    super(node);
    this.value = value;
  }

  @Override
  Object newThreadState() {
    return null;
  }

  @Override
  void fill(ChunkEval c, int chunkIndex, Object state) {
    int[] sel = c.selection(node);
    if (value == null) {
      partials.put(chunkIndex, (double) sel.length);
      return;
    }
    double s = 0;
    for (int r : sel) {
      s += c.value(value, r);
    }
    partials.put(chunkIndex, s);
  }

  @Override
  void finish(List<Object> states) {
    double t = 0;
    for (double p : partials.values()) {
      t += p;
    }
    result = t;
  }

  double result() {
    return result;
  }
}
