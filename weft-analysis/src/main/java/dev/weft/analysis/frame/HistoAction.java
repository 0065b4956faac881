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

  @Override
  Object newThreadState() {
    return mode.kind() == FillMode.Kind.PER_THREAD ? shape.emptyCopy() : null;
  }

  @Override
  void fill(ChunkEval c, int chunkIndex, Object state) {
    BinSink sink = state != null ? (Histogram) state : shared;
    Axis ax = shape.x();
    if (weight == null && y == null && xItems == null && sink instanceof Histogram h
        && (x.source == Col.Source.FLOAT || x.source == Col.Source.DOUBLE)) {
      fillRaw(c, node.parent == null ? null : c.selection(node), h, ax);
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

  /**
   * The common case, a raw column into a thread's own histogram: no selection indirection when the node
   * has no filter, and the axis type resolved once per chunk. Each (axis, column type) pair has its own
   * small kernel method holding one loop, the same shape as a bare fill loop, so each is compiled and
   * inlined on its own (splitting them out made no difference measurable on the shared machine).
   */
  private void fillRaw(ChunkEval c, int[] sel, Histogram h, Axis ax) {
    float[] f = x.source == Col.Source.FLOAT ? c.floats[x.slot] : null;
    double[] d = f == null ? c.doubles[x.slot] : null;
    if (sel == null && ax instanceof RegularAxis ra) {
      if (f != null) {
        fill(h, ra, f);
      } else {
        fill(h, ra, d);
      }
    } else if (sel == null && ax instanceof AdlAxis aa) {
      if (f != null) {
        fill(h, aa, f);
      } else {
        fill(h, aa, d);
      }
    } else {
      int[] rows = sel != null ? sel : c.selection(node);
      for (int r : rows) {
        h.add(ax.index(f != null ? f[r] : d[r]));
      }
    }
  }

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
