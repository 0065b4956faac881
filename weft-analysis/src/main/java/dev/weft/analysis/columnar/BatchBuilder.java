package dev.weft.analysis.columnar;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Batch} event by event with growable primitive arrays (used by the JSON reader and the
 * in-memory generator). Not thread-safe: one builder per producing thread.
 */
public final class BatchBuilder {
  private final Map<String, FloatBuf> floats = new LinkedHashMap<>();
  private final Map<String, IntBuf> ints = new LinkedHashMap<>();
  private final Map<String, IntBuf> offsets = new LinkedHashMap<>();
  private int rows;

  public BatchBuilder(List<ColumnSpec> columns) {
    for (ColumnSpec c : columns) {
      if (c.type() == ColumnType.FLOAT) {
        floats.put(c.name(), new FloatBuf());
      } else if (c.type() == ColumnType.DOUBLE) {
        throw new IllegalArgumentException("BatchBuilder builds float and int columns only: " + c.name());
      } else {
        ints.put(c.name(), new IntBuf());
      }
      if (c.jagged() && !offsets.containsKey(c.group())) {
        IntBuf o = new IntBuf();
        o.add(0);
        offsets.put(c.group(), o);
      }
    }
  }

  public void addFloat(String column, float v) {
    floats.get(column).add(v);
  }

  public void addInt(String column, int v) {
    ints.get(column).add(v);
  }

  /** Ends the current event; {@code counts} gives the number of items per collection, by name. */
  public void endEvent(Map<String, Integer> counts) {
    for (Map.Entry<String, IntBuf> e : offsets.entrySet()) {
      IntBuf o = e.getValue();
      o.add(o.last() + counts.getOrDefault(e.getKey(), 0));
    }
    rows++;
  }

  /** Ends the current event when the only collections are given positionally in {@link #collections()} order. */
  public void endEvent(int[] countsInOrder) {
    int k = 0;
    for (IntBuf o : offsets.values()) {
      o.add(o.last() + countsInOrder[k++]);
    }
    rows++;
  }

  /** The collection names, in the order {@link #endEvent(int[])} expects. */
  public List<String> collections() {
    return List.copyOf(offsets.keySet());
  }

  public int rows() {
    return rows;
  }

  /** Builds the batch and resets this builder for the next one. */
  public Batch build() {
    Map<String, float[]> f = new HashMap<>();
    floats.forEach((k, v) -> f.put(k, v.take()));
    Map<String, int[]> i = new HashMap<>();
    ints.forEach((k, v) -> i.put(k, v.take()));
    Map<String, int[]> o = new HashMap<>();
    offsets.forEach((k, v) -> {
      o.put(k, v.take());
      v.add(0);
    });
    Batch b = new Batch(rows, f, i, o);
    rows = 0;
    return b;
  }

  private static final class FloatBuf {
    float[] a = new float[1024];
    int n;

    void add(float v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    float[] take() {
      float[] r = Arrays.copyOf(a, n);
      n = 0;
      return r;
    }
  }

  private static final class IntBuf {
    int[] a = new int[1024];
    int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int last() {
      return a[n - 1];
    }

    int[] take() {
      int[] r = Arrays.copyOf(a, n);
      n = 0;
      return r;
    }
  }
}
