package dev.weft.analysis;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.io.EventSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An event source that hands out another source's events in chunks of a few events, so a test over the
 * 1000-event sample (one chunk as read: the JSON is under one chunk, each Parquet file one row group)
 * really runs many tasks on several threads and merges their partial histograms.
 */
public final class SmallChunks implements EventSource {
  private final EventSource inner;
  private final List<ColumnSpec> columns;
  private final int rows;
  private Batch current;
  private int at;

  public SmallChunks(EventSource inner, List<ColumnSpec> columns, int rows) {
    this.inner = inner;
    this.columns = List.copyOf(columns);
    this.rows = rows;
  }

  @Override
  public Batch next() {
    while (current == null || at == current.rows()) {
      current = inner.next();
      at = 0;
      if (current == null) {
        return null;
      }
    }
    int to = Math.min(current.rows(), at + rows);
    Batch b = slice(current, at, to);
    at = to;
    return b;
  }

  private Batch slice(Batch b, int from, int to) {
    Map<String, float[]> floats = new HashMap<>();
    Map<String, double[]> doubles = new HashMap<>();
    Map<String, int[]> ints = new HashMap<>();
    Map<String, int[]> offsets = new HashMap<>();
    for (ColumnSpec c : columns) {
      int lo = from;
      int hi = to;
      if (c.jagged()) {
        int[] off = b.offsets(c.group());
        lo = off[from];
        hi = off[to];
        int[] part = new int[to - from + 1];
        for (int i = 0; i <= to - from; i++) {
          part[i] = off[from + i] - lo;
        }
        offsets.put(c.group(), part);
      }
      switch (c.type()) {
        case FLOAT -> floats.put(c.name(), Arrays.copyOfRange(b.floats(c.name()), lo, hi));
        case DOUBLE -> doubles.put(c.name(), Arrays.copyOfRange(b.doubles(c.name()), lo, hi));
        case INT -> ints.put(c.name(), Arrays.copyOfRange(b.ints(c.name()), lo, hi));
      }
    }
    return new Batch(to - from, floats, doubles, ints, offsets);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void close() {
    inner.close();
  }
}
