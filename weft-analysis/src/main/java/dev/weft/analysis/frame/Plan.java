package dev.weft.analysis.frame;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.analysis.io.EventSource;
import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The booked graph of one dataframe (its columns, filter nodes, defines and actions) and its single
 * parallel run. Booking happens on one thread; the run fans chunks out to the pool.
 */
final class Plan {
  /**
   * Name of the limit on chunks in memory (being read or filled) across the passes on one pool. One pass
   * holds at most one chunk per pool thread.
   */
  static final String CHUNK_LIMIT = "analysis.chunks-in-flight";

  record Define(DataFrame node, ToDoubleFunction<Event> single, MultiDefine multi, int firstSlot, int width) {}

  private final Function<List<ColumnSpec>, EventSource> sources;
  final TaskPool pool;
  final FillMode mode;
  final ProgressListener progress;

  final List<String> floatCols = new ArrayList<>();
  final List<String> doubleCols = new ArrayList<>();
  final List<String> intCols = new ArrayList<>();
  final List<Collection> collections = new ArrayList<>();
  final List<Items> itemFloatCols = new ArrayList<>();
  final List<Items> itemIntCols = new ArrayList<>();
  private final Map<String, Object> handles = new LinkedHashMap<>();
  private final List<ColumnSpec> specs = new ArrayList<>();
  final List<DataFrame> nodes = new ArrayList<>();
  private final List<Define> defines = new ArrayList<>();
  private int defineOutputs;
  private final List<Action> actions = new ArrayList<>();
  private boolean ran;
  private long events;

  Plan(Function<List<ColumnSpec>, EventSource> sources, TaskPool pool, FillMode mode, ProgressListener progress) {
    this.sources = sources;
    this.pool = pool;
    this.mode = mode;
    this.progress = progress;
  }

  /** The plan whose pass the current thread is filling for, if any (booking from inside it would deadlock). */
  private static final ThreadLocal<Plan> FILLING = new ThreadLocal<>();

  /**
   * A filter or define lambda runs inside the pass, which holds this plan; a booking call or a get() from
   * there would wait for the pass forever, so it fails at once instead. Other threads still wait their turn.
   */
  private void refuseInsideOwnPass() {
    if (FILLING.get() == this) {
      throw new IllegalStateException("a dataframe was used from inside its own pass (a filter or define lambda"
          + " called a booking method or get()); book columns and actions before the pass and capture them");
    }
  }

  private void checkOpen() {
    if (ran) {
      throw new IllegalStateException("this dataframe already ran; book everything before the first get()");
    }
  }

  Col column(String name, ColumnType type) {
    refuseInsideOwnPass();
    synchronized (this) {
      Object h = handles.get(name);
      if (h instanceof Col c) {
        return c;
      }
      if (h != null) {
        throw new IllegalArgumentException(name + " is already used as a collection property");
      }
      checkOpen();
      Col c = switch (type) {
        case FLOAT -> new Col(this, name, Col.Source.FLOAT, add(floatCols, name));
        case DOUBLE -> new Col(this, name, Col.Source.DOUBLE, add(doubleCols, name));
        case INT -> new Col(this, name, Col.Source.INT, add(intCols, name));
      };
      specs.add(ColumnSpec.scalar(name, type));
      handles.put(name, c);
      return c;
    }
  }

  private static int add(List<String> l, String name) {
    l.add(name);
    return l.size() - 1;
  }

  Collection collection(String name) {
    refuseInsideOwnPass();
    synchronized (this) {
      Object h = handles.get("#" + name);
      if (h instanceof Collection c) {
        return c;
      }
      checkOpen();
      Collection c = new Collection(name, collections.size());
      collections.add(c);
      handles.put("#" + name, c);
      return c;
    }
  }

  Items items(String name, ColumnType type) {
    refuseInsideOwnPass();
    synchronized (this) {
      Object h = handles.get(name);
      if (h instanceof Items p) {
        return p;
      }
      if (h != null) {
        throw new IllegalArgumentException(name + " is already used as a per-event column");
      }
      checkOpen();
      ColumnSpec spec = ColumnSpec.jagged(name, type);
      Collection coll = collection(spec.group());
      Items p = switch (type) {
        case FLOAT -> {
          Items i = new Items(name, true, itemFloatCols.size(), coll);
          itemFloatCols.add(i);
          yield i;
        }
        case INT -> {
          Items i = new Items(name, false, itemIntCols.size(), coll);
          itemIntCols.add(i);
          yield i;
        }
        case DOUBLE -> throw new IllegalArgumentException("collection properties are float or int: " + name);
      };
      specs.add(spec);
      handles.put(name, p);
      return p;
    }
  }

  int addNode(DataFrame node) {
    refuseInsideOwnPass();
    synchronized (this) {
      checkOpen();
      nodes.add(node);
      return nodes.size() - 1;
    }
  }

  Col[] define(DataFrame node, String[] names, ToDoubleFunction<Event> single, MultiDefine multi) {
    refuseInsideOwnPass();
    synchronized (this) {
      checkOpen();
      for (String n : names) {
        if (handles.containsKey(n)) {
          throw new IllegalArgumentException("a column named " + n + " already exists");
        }
      }
      Define d = new Define(node, single, multi, defineOutputs, names.length);
      defines.add(d);
      Col[] out = new Col[names.length];
      for (int k = 0; k < names.length; k++) {
        out[k] = new Col(this, names[k], Col.Source.DEFINED, defineOutputs + k);
        handles.put(names[k], out[k]);
      }
      defineOutputs += names.length;
      return out;
    }
  }

  int defineOutputs() {
    return defineOutputs;
  }

  Define defineOf(int slot) {
    for (Define d : defines) {
      if (slot >= d.firstSlot() && slot < d.firstSlot() + d.width()) {
        return d;
      }
    }
    throw new IllegalArgumentException("no define for slot " + slot);
  }

  <T> Result<T> book(Action action, java.util.function.Supplier<T> value) {
    refuseInsideOwnPass();
    synchronized (this) {
      checkOpen();
      actions.add(action);
      return new Result<>(this, value);
    }
  }

  /** Events read by the run (after it ran). */
  long events() {
    refuseInsideOwnPass();
    synchronized (this) {
      run();
      return events;
    }
  }

  private static void failed(ProgressTask task, Throwable cause) {
    if (task != null) {
      task.fail(cause);
    }
  }

  /**
   * Runs every booked action in one parallel pass, once.
   *
   * <p>The pass forks one long-lived task per pool thread; each task pulls the next chunk from the source
   * (under a lock: a source is read by one thread at a time), numbers it, fills it with its own state, and
   * pulls again until the source is exhausted. An earlier design read on the calling thread and forked a
   * task per chunk: measured on the 2-core machine, every hand-off (fork, park/unpark of the worker and of
   * the reader waiting for a read-ahead permit) cost the reading thread ~50 µs of CPU, 10–30 % of a cheap
   * pass over 64 Ki-event chunks. Pulling costs an uncontended lock and a permit per chunk, and decoding now
   * runs on the pool like all CPU work.
   */
  void run() {
    refuseInsideOwnPass();
    synchronized (this) {
      if (ran) {
        return;
      }
      ran = true;
      for (Action a : actions) {
        a.start(mode);
      }
      NamedLimit inFlight = pool.limits().limit(CHUNK_LIMIT, 2 * pool.parallelism());
      ConcurrentLinkedQueue<Object[]> allStates = new ConcurrentLinkedQueue<>();
      ProgressTask task = null;
      long total;
      try (EventSource source = sources.apply(List.copyOf(specs));
          Scope scope = pool.openScope()) {
        ProgressTask progressTask = ProgressTask.start(progress, "analysis " + source.name(), source.events(), "events");
        task = progressTask;
        Feed feed = new Feed(source, scope);
        for (int w = 0; w < pool.parallelism(); w++) {
          scope.fork(() -> {
            Plan outer = FILLING.get();
            FILLING.set(this);
            try {
              // The state is created by the thread that fills it, so its histograms live in that thread's memory.
              Object[] states = new Object[actions.size()];
              for (int k = 0; k < states.length; k++) {
                states[k] = actions.get(k).newThreadState();
              }
              allStates.add(states);
              ChunkEval eval = new ChunkEval(this);
              while (true) {
                // The permit is taken before reading and held until the chunk is filled, so at most
                // analysis.chunks-in-flight chunks of all passes on this pool are in memory at once.
                try (NamedLimit.Permit permit = inFlight.acquire()) {
                  Feed.Chunk c = feed.next();
                  if (c == null) {
                    return null;
                  }
                  eval.load(c.batch());
                  for (int k = 0; k < actions.size(); k++) {
                    actions.get(k).fill(eval, c.index(), states[k]);
                  }
                  eval.clear();
                  progressTask.advance(c.batch().rows());
                }
              }
            } finally {
              FILLING.set(outer);
            }
          });
        }
        scope.join();
        total = feed.events();
        progressTask.finish();
      } catch (RuntimeException | Error e) {
        failed(task, e);
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("analysis interrupted");
        }
        throw e;
      }
      events = total;
      for (int k = 0; k < actions.size(); k++) {
        List<Object> states = new ArrayList<>();
        for (Object[] s : allStates) {
          states.add(s[k]);
        }
        actions.get(k).finish(states);
      }
    }
  }

  /** The source shared by a pass's tasks: hands out chunks in order, numbered, to one caller at a time. */
  private static final class Feed {
    record Chunk(Batch batch, int index) {}

    private final EventSource source;
    private final Scope scope;
    private int next; // guarded by this
    private long events; // guarded by this
    private boolean done; // guarded by this

    Feed(EventSource source, Scope scope) {
      this.source = source;
      this.scope = scope;
    }

    /** The next chunk, or null once the source is exhausted or the pass was cancelled. */
    synchronized Chunk next() {
      if (done || scope.isCancelled()) {
        return null;
      }
      Batch b = source.next();
      if (b == null) {
        done = true;
        return null;
      }
      events += b.rows();
      return new Chunk(b, next++);
    }

    synchronized long events() {
      return events;
    }
  }
}
