package dev.weft.analysis.io;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * In-memory resampling: batches of events drawn uniformly (seeded) from a source batch, for benchmarks
 * that want many events without disk I/O. Copies primitive arrays directly, no per-event objects.
 */
public final class Resample {
  private Resample() {}

  /** Reads the whole of a (small) event file into one batch with {@code columns}. */
  public static Batch readAll(java.nio.file.Path file, List<ColumnSpec> columns) {
    List<Batch> parts = new ArrayList<>();
    try (EventSource s = EventFiles.open(file, columns)) {
      for (Batch b; (b = s.next()) != null; ) {
        parts.add(b);
      }
    }
    if (parts.size() != 1) {
      throw new IllegalArgumentException(file + ": expected a single chunk, got " + parts.size());
    }
    return parts.getFirst();
  }

  /** {@code events} events in batches of {@code chunkRows}, event k a uniform draw from {@code source}. */
  public static List<Batch> batches(Batch source, List<ColumnSpec> columns, long events, int chunkRows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Batch> out = new ArrayList<>();
    Set<String> collections = new LinkedHashSet<>();
    for (ColumnSpec c : columns) {
      if (c.jagged()) {
        collections.add(c.group());
      }
    }
    for (long done = 0; done < events; done += chunkRows) {
      int rows = (int) Math.min(chunkRows, events - done);
      int[] pick = new int[rows];
      for (int i = 0; i < rows; i++) {
        pick[i] = random.nextInt(source.rows());
      }
      Map<String, int[]> offsets = new HashMap<>();
      for (String coll : collections) {
        int[] src = source.offsets(coll);
        int[] o = new int[rows + 1];
        for (int i = 0; i < rows; i++) {
          o[i + 1] = o[i] + src[pick[i] + 1] - src[pick[i]];
        }
        offsets.put(coll, o);
      }
      Map<String, float[]> floats = new HashMap<>();
      Map<String, int[]> ints = new HashMap<>();
      for (ColumnSpec c : columns) {
        if (!c.jagged()) {
          if (c.type() == ColumnType.FLOAT) {
            float[] src = source.floats(c.name());
            float[] v = new float[rows];
            for (int i = 0; i < rows; i++) {
              v[i] = src[pick[i]];
            }
            floats.put(c.name(), v);
          } else {
            int[] src = source.ints(c.name());
            int[] v = new int[rows];
            for (int i = 0; i < rows; i++) {
              v[i] = src[pick[i]];
            }
            ints.put(c.name(), v);
          }
          continue;
        }
        int[] srcOff = source.offsets(c.group());
        int[] o = offsets.get(c.group());
        if (c.type() == ColumnType.FLOAT) {
          float[] src = source.floats(c.name());
          float[] v = new float[o[rows]];
          for (int i = 0; i < rows; i++) {
            System.arraycopy(src, srcOff[pick[i]], v, o[i], o[i + 1] - o[i]);
          }
          floats.put(c.name(), v);
        } else {
          int[] src = source.ints(c.name());
          int[] v = new int[o[rows]];
          for (int i = 0; i < rows; i++) {
            System.arraycopy(src, srcOff[pick[i]], v, o[i], o[i + 1] - o[i]);
          }
          ints.put(c.name(), v);
        }
      }
      out.add(new Batch(rows, floats, ints, offsets));
    }
    return out;
  }
}
