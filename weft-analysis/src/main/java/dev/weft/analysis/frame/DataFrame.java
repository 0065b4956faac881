package dev.weft.analysis.frame;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.analysis.hist.Axis;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.io.EventFiles;
import dev.weft.analysis.io.EventSource;
import dev.weft.analysis.io.MemorySource;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * A lazy, RDataFrame-like view of events: a node in a graph of filters. Booking ({@code filter},
 * {@code define}, {@code histo1D}, {@code count}, …) only records; the first {@link Result#get()} reads
 * the source once, chunk by chunk, and fills every booked action of the whole graph in that single
 * parallel pass on the shared pool. A dataframe runs once; book everything first.
 *
 * <pre>{@code
 * DataFrame df = DataFrame.fromFile(path, pool, FillMode.perThread(), ProgressListener.NONE);
 * Col met = df.floatColumn("MET.pt");
 * Collection jets = df.collection("Jet");
 * Result<Histogram> h = df.filter(e -> e.count(jets) >= 2)
 *     .histo1D("met", "MET", new RegularAxis(100, 0, 2000, "MET", "GeV"), met);
 * h.get();   // runs
 * }</pre>
 *
 * <p>Booking is single-threaded; lambdas run on pool threads and must not share mutable state.
 * Call {@link Result#get()} from outside the pool: the pass forks one task per pool thread, each
 * pulling chunks from the source until it is exhausted, and waits for them.
 */
public final class DataFrame {
  final Plan plan;
  final DataFrame parent;
  final Predicate<Event> predicate;
  final int id;

  private DataFrame(Plan plan, DataFrame parent, Predicate<Event> predicate) {
    this.plan = plan;
    this.parent = parent;
    this.predicate = predicate;
    this.id = plan.addNode(this);
  }

  /** A dataframe over whatever {@code sources} opens for the columns the booked work needs. */
  public static DataFrame over(Function<List<ColumnSpec>, EventSource> sources, TaskPool pool, FillMode mode,
      ProgressListener progress) {
    return new DataFrame(new Plan(sources, pool, mode, progress), null, null);
  }

  /** A dataframe over a Parquet or JSON-lines event file. */
  public static DataFrame fromFile(Path file, TaskPool pool, FillMode mode, ProgressListener progress) {
    return over(cols -> EventFiles.open(file, cols), pool, mode, progress);
  }

  /** A dataframe over batches already in memory; they must hold every column the booked work reads. */
  public static DataFrame fromBatches(List<Batch> batches, TaskPool pool, FillMode mode) {
    return over(cols -> new MemorySource(batches), pool, mode, ProgressListener.NONE);
  }

  // ---- columns ----

  /** A float column with one value per event, e.g. {@code MET.pt}. */
  public Col floatColumn(String name) {
    return plan.column(name, ColumnType.FLOAT);
  }

  /** A double column with one value per event (in-memory sources). */
  public Col doubleColumn(String name) {
    return plan.column(name, ColumnType.DOUBLE);
  }

  /** An int column with one value per event. */
  public Col intColumn(String name) {
    return plan.column(name, ColumnType.INT);
  }

  /** A jagged collection, e.g. {@code Jet}. */
  public Collection collection(String name) {
    return plan.collection(name);
  }

  /** A float property of every item of a collection, e.g. {@code Jet.pt}. */
  public Items floatItems(String name) {
    return plan.items(name, ColumnType.FLOAT);
  }

  /** An int property of every item of a collection, e.g. {@code Muon.charge}. */
  public Items intItems(String name) {
    return plan.items(name, ColumnType.INT);
  }

  // ---- transformations ----

  /** The events of this dataframe for which {@code keep} is true. */
  public DataFrame filter(Predicate<Event> keep) {
    return new DataFrame(plan, this, Objects.requireNonNull(keep));
  }

  /** A new column computed per event of this dataframe (NaN for events outside it). */
  public Col define(String name, ToDoubleFunction<Event> f) {
    return plan.define(this, new String[] {name}, Objects.requireNonNull(f), null)[0];
  }

  /** Several columns computed together per event (NaN where {@code f} leaves no value). */
  public Col[] define(List<String> names, MultiDefine f) {
    return plan.define(this, names.toArray(String[]::new), null, Objects.requireNonNull(f));
  }

  // ---- actions ----

  /** A histogram of {@code x}, one entry per event; events where x is NaN go to overflow. */
  public Result<Histogram> histo1D(String name, String title, Axis axis, Col x) {
    return bookHisto(Histogram.of(name, title, axis), x, null, null, null);
  }

  /** A weighted histogram of {@code x} with weight {@code w}. */
  public Result<Histogram> histo1D(String name, String title, Axis axis, Col x, Col w) {
    return bookHisto(Histogram.weighted(name, title, axis), x, null, null, Objects.requireNonNull(w));
  }

  /** A histogram of a collection property, one entry per item (e.g. every jet's pt). */
  public Result<Histogram> histo1D(String name, String title, Axis axis, Items x) {
    return bookHisto(Histogram.of(name, title, axis), null, x, null, null);
  }

  /** A histogram of a collection property over the items {@code keep} accepts. */
  public Result<Histogram> histo1D(String name, String title, Axis axis, Items x, ItemFilter keep) {
    HistoAction a = new HistoAction(this, Histogram.of(name, title, axis), null, x, null, null,
        Objects.requireNonNull(keep));
    return plan.book(a, a::result);
  }

  /** A 2-D histogram of (x, y), one entry per event. */
  public Result<Histogram> histo2D(String name, String title, Axis ax, Axis ay, Col x, Col y) {
    return bookHisto(Histogram.of2D(name, title, ax, ay, false), x, null, Objects.requireNonNull(y), null);
  }

  /**
   * A 2-D histogram of two properties of the same items, one entry per item (e.g. every jet's p_T
   * against its η).
   */
  public Result<Histogram> histo2D(String name, String title, Axis ax, Axis ay, Items x, Items y) {
    if (x.collection != y.collection) {
      throw new IllegalArgumentException(x.name + " and " + y.name + " are properties of different collections");
    }
    HistoAction a = new HistoAction(this, Histogram.of2D(name, title, ax, ay, false), null, x, y, null, null, null);
    return plan.book(a, a::result);
  }

  private Result<Histogram> bookHisto(Histogram shape, Col x, Items items, Col y, Col w) {
    if (x == null && items == null) {
      throw new NullPointerException("histogram needs a value column");
    }
    HistoAction a = new HistoAction(this, shape, x, items, y, w, null);
    return plan.book(a, a::result);
  }

  /** The number of events of this dataframe. */
  public Result<Long> count() {
    ReduceAction a = new ReduceAction(this, null);
    return plan.book(a, () -> (long) a.result());
  }

  /** The sum of {@code x} over the events of this dataframe (added per chunk, then in chunk order). */
  public Result<Double> sum(Col x) {
    ReduceAction a = new ReduceAction(this, Objects.requireNonNull(x));
    return plan.book(a, a::result);
  }

  /** Runs the pass now (if it has not run) and returns the number of events read. */
  public long run() {
    return plan.events();
  }
}
