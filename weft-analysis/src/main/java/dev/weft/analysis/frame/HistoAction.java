package dev.weft.analysis.frame;

import dev.weft.analysis.hist.AdlAxis;
import dev.weft.analysis.hist.AtomicHistogram;
import dev.weft.analysis.hist.Axis;
import dev.weft.analysis.hist.BinSink;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * Fills a 1-D (one value per event, or one per item of a collection) or 2-D histogram, optionally
 * weighted, into per-thread copies or one shared histogram depending on the {@link FillMode}.
 */
final class HistoAction extends Action {
  private final Histogram shape;
  private final Col x;
  private final Items xItems;
  private final Items yItems; // with xItems: a 2-D histogram of two properties of the same items
  private final Col y;
  private final Col weight;
  private final ItemFilter keep;
  private FillMode mode;
  private BinSink shared;
  private AtomicHistogram atomic;
  private Histogram lockedTarget;
  private Histogram result;
  private Kernel kernel = Kernel.NONE;

  /**
   * The per-chunk fast paths: a raw float or double column into a thread's own histogram with a regular or
   * ADL axis, no filter, no weight. Chosen once per pass in {@link #start}, so the per-chunk method is a
   * small switch that calls one small static loop (compiled on its own in the first chunk, like a bare
   * loop); everything else goes through {@link #fillGeneral}.
   */
  private enum Kernel { NONE, REGULAR_DOUBLE, REGULAR_FLOAT, ADL_DOUBLE, ADL_FLOAT }

  HistoAction(DataFrame node, Histogram shape, Col x, Items xItems, Col y, Col weight, ItemFilter keep) {
    this(node, shape, x, xItems, null, y, weight, keep);
  }

  HistoAction(DataFrame node, Histogram shape, Col x, Items xItems, Items yItems, Col y, Col weight,
      ItemFilter keep) {
    super(node);
    this.yItems = yItems;
    this.keep = keep;
    this.shape = shape;
    this.x = x;
    this.xItems = xItems;
    this.y = y;
    this.weight = weight;
  }

  @Override
  void start(FillMode m) {
    this.mode = m;
    kernel = kernelFor(m);
    switch (m.kind()) {
      case PER_THREAD -> shared = null;
      case ATOMIC -> {
        atomic = new AtomicHistogram(shape);
        shared = atomic;
      }
      case SYNCHRONIZED -> {
        lockedTarget = shape.emptyCopy();
        shared = new SynchronizedSink(lockedTarget);
      }
      case LOCK -> {
        lockedTarget = shape.emptyCopy();
        shared = new LockedSink(lockedTarget, m.locks().get());
      }
    }
  }

  private Kernel kernelFor(FillMode m) {
    boolean raw = m.kind() == FillMode.Kind.PER_THREAD && weight == null && y == null && xItems == null
        && node.parent == null && (x.source == Col.Source.FLOAT || x.source == Col.Source.DOUBLE);
    if (!raw) {
      return Kernel.NONE;
    }
    boolean f = x.source == Col.Source.FLOAT;
    return switch (shape.x()) {
      case RegularAxis r -> f ? Kernel.REGULAR_FLOAT : Kernel.REGULAR_DOUBLE;
      case AdlAxis a -> f ? Kernel.ADL_FLOAT : Kernel.ADL_DOUBLE;
      default -> Kernel.NONE;
    };
  }

  @Override
  Object newThreadState() {
    return mode.kind() == FillMode.Kind.PER_THREAD ? shape.emptyCopy() : null;
  }

  @Override
  void fill(ChunkEval c, int chunkIndex, Object state) {
    switch (kernel) {
      case REGULAR_DOUBLE -> fill((Histogram) state, (RegularAxis) shape.x(), c.doubles[x.slot]);
      case REGULAR_FLOAT -> fill((Histogram) state, (RegularAxis) shape.x(), c.floats[x.slot]);
      case ADL_DOUBLE -> fill((Histogram) state, (AdlAxis) shape.x(), c.doubles[x.slot]);
      case ADL_FLOAT -> fill((Histogram) state, (AdlAxis) shape.x(), c.floats[x.slot]);
      case NONE -> fillGeneral(c, state);
    }
  }

  private void fillGeneral(ChunkEval c, Object state) {
    BinSink sink = state != null ? (Histogram) state : shared;
    Axis ax = shape.x();
    if (weight == null && y == null && xItems == null && sink instanceof Histogram h
        && (x.source == Col.Source.FLOAT || x.source == Col.Source.DOUBLE)) {
      // A raw column through a filter's selection (the unfiltered case has its kernel).
      float[] f = x.source == Col.Source.FLOAT ? c.floats[x.slot] : null;
      double[] d = f == null ? c.doubles[x.slot] : null;
      for (int r : c.selection(node)) {
        h.add(ax.index(f != null ? f[r] : d[r]));
      }
      return;
    }
    int[] sel = c.selection(node);
    if (keep != null) {
      int[] off = c.offsets[xItems.collection.slot];
      Event e = new Event(c);
      for (int r : sel) {
        e.row = r;
        for (int j = off[r]; j < off[r + 1]; j++) {
          if (keep.test(e, j)) {
            put(sink, ax.index(e.get(xItems, j)), 1);
          }
        }
      }
    } else if (yItems != null) {
      int[] off = c.offsets[xItems.collection.slot];
      Event e = new Event(c);
      for (int r : sel) {
        e.row = r;
        for (int j = off[r]; j < off[r + 1]; j++) {
          put(sink, shape.bin(e.get(xItems, j), e.get(yItems, j)), 1);
        }
      }
    } else if (xItems != null) {
      int[] off = c.offsets[xItems.collection.slot];
      if (xItems.isFloat) {
        float[] v = c.itemFloats[xItems.slot];
        for (int r : sel) {
          double w = weight == null ? 1 : c.value(weight, r);
          for (int j = off[r]; j < off[r + 1]; j++) {
            put(sink, ax.index(v[j]), w);
          }
        }
      } else {
        int[] v = c.itemInts[xItems.slot];
        for (int r : sel) {
          double w = weight == null ? 1 : c.value(weight, r);
          for (int j = off[r]; j < off[r + 1]; j++) {
            put(sink, ax.index(v[j]), w);
          }
        }
      }
    } else if (y != null) {
      for (int r : sel) {
        int bin = shape.bin(c.value(x, r), c.value(y, r));
        put(sink, bin, weight == null ? 1 : c.value(weight, r));
      }
    } else {
      for (int r : sel) {
        put(sink, ax.index(c.value(x, r)), weight == null ? 1 : c.value(weight, r));
      }
    }
  }

  // One loop per (axis, column type), the same shape as a bare fill loop.
  private static void fill(Histogram h, RegularAxis ax, double[] values) {
    for (double v : values) {
      h.add(ax.index(v));
    }
  }

  private static void fill(Histogram h, RegularAxis ax, float[] values) {
    for (float v : values) {
      h.add(ax.index(v));
    }
  }

  private static void fill(Histogram h, AdlAxis ax, double[] values) {
    for (double v : values) {
      h.add(ax.index(v));
    }
  }

  private static void fill(Histogram h, AdlAxis ax, float[] values) {
    for (float v : values) {
      h.add(ax.index(v));
    }
  }

  private void put(BinSink sink, int bin, double w) {
    if (weight == null) {
      sink.add(bin);
    } else {
      sink.add(bin, w);
    }
  }

  @Override
  void finish(List<Object> states) {
    switch (mode.kind()) {
      case PER_THREAD -> {
        Histogram h = shape.emptyCopy();
        for (Object s : states) {
          h.merge((Histogram) s);
        }
        result = h;
      }
      case ATOMIC -> result = atomic.snapshot();
      case SYNCHRONIZED, LOCK -> result = lockedTarget;
    }
  }

  Histogram result() {
    return result;
  }

  /** Every fill inside {@code synchronized} on the histogram. */
  private record SynchronizedSink(Histogram h) implements BinSink {
    @Override
    public void add(int bin) {
      synchronized (h) {
        h.add(bin);
      }
    }

    @Override
    public void add(int bin, double w) {
      synchronized (h) {
        h.add(bin, w);
      }
    }
  }

  /** Every fill under a {@link Lock}. */
  private record LockedSink(Histogram h, Lock lock) implements BinSink {
    @Override
    public void add(int bin) {
      lock.lock();
      try {
        h.add(bin);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void add(int bin, double w) {
      lock.lock();
      try {
        h.add(bin, w);
      } finally {
        lock.unlock();
      }
    }
  }
}
