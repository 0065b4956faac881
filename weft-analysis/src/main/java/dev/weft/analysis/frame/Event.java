package dev.weft.analysis.frame;

/**
 * The event a {@code filter} or {@code define} lambda is looking at: a cursor into the current chunk's
 * columns, valid only during the call (do not keep it). Jagged values are addressed by absolute item
 * index: {@code for (int j = e.begin(jets); j < e.end(jets); j++) e.get(jetPt, j)}.
 */
public final class Event {
  private final ChunkEval chunk;
  int row;

  Event(ChunkEval chunk) {
    this.chunk = chunk;
  }

  /** This event's value of a scalar or defined column. */
  public double get(Col c) {
    return chunk.value(c, row);
  }

  /** First item index of this event in {@code c}. */
  public int begin(Collection c) {
    return chunk.offsets[c.slot][row];
  }

  /** One past the last item index of this event in {@code c}. */
  public int end(Collection c) {
    return chunk.offsets[c.slot][row + 1];
  }

  /** Number of items of {@code c} in this event. */
  public int count(Collection c) {
    int[] o = chunk.offsets[c.slot];
    return o[row + 1] - o[row];
  }

  /** The value of property {@code p} of item {@code item} (an absolute index from begin..end). */
  public double get(Items p, int item) {
    return p.isFloat ? chunk.itemFloats[p.slot][item] : chunk.itemInts[p.slot][item];
  }

  /** The row of this event within its chunk. */
  public int row() {
    return row;
  }
}
