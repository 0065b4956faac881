package dev.weft.analysis.columnar;

import java.util.Map;

/**
 * A chunk of consecutive events stored column by column. Scalar columns hold one value per event; a jagged
 * column holds the values of all items of one collection back to back, and the collection's offsets array
 * ({@code rows + 1} entries) says that event {@code i} owns items {@code offsets[i] .. offsets[i+1]-1}.
 *
 * <p>Immutable by convention: the arrays are shared, never copied, and nobody writes to them after the
 * batch is built (readers and generators build them; computations only read).
 */
public final class Batch {
  private final int rows;
  private final Map<String, float[]> floats;
  private final Map<String, double[]> doubles;
  private final Map<String, int[]> ints;
  private final Map<String, int[]> offsets;

  public Batch(int rows, Map<String, float[]> floats, Map<String, int[]> ints, Map<String, int[]> offsets) {
    this(rows, floats, Map.of(), ints, offsets);
  }

  public Batch(int rows, Map<String, float[]> floats, Map<String, double[]> doubles, Map<String, int[]> ints,
      Map<String, int[]> offsets) {
    this.rows = rows;
    this.floats = Map.copyOf(floats);
    this.doubles = Map.copyOf(doubles);
    this.ints = Map.copyOf(ints);
    this.offsets = Map.copyOf(offsets);
    for (int[] o : this.offsets.values()) {
      if (o.length != rows + 1) {
        throw new IllegalArgumentException("offsets need rows + 1 entries");
      }
    }
  }

  /** Number of events. */
  public int rows() {
    return rows;
  }

  public float[] floats(String column) {
    float[] a = floats.get(column);
    if (a == null) {
      throw new IllegalArgumentException("no float column " + column + " in this batch");
    }
    return a;
  }

  public double[] doubles(String column) {
    double[] a = doubles.get(column);
    if (a == null) {
      throw new IllegalArgumentException("no double column " + column + " in this batch");
    }
    return a;
  }

  public int[] ints(String column) {
    int[] a = ints.get(column);
    if (a == null) {
      throw new IllegalArgumentException("no int column " + column + " in this batch");
    }
    return a;
  }

  /** The offsets of a collection such as {@code Jet}. */
  public int[] offsets(String collection) {
    int[] a = offsets.get(collection);
    if (a == null) {
      throw new IllegalArgumentException("no collection " + collection + " in this batch");
    }
    return a;
  }

  /** Approximate heap size of the column arrays, for byte budgets. */
  public long bytes() {
    long b = 0;
    for (float[] a : floats.values()) {
      b += 4L * a.length;
    }
    for (double[] a : doubles.values()) {
      b += 8L * a.length;
    }
    for (int[] a : ints.values()) {
      b += 4L * a.length;
    }
    for (int[] a : offsets.values()) {
      b += 4L * a.length;
    }
    return b;
  }
}
