package dev.weft.analysis.frame;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.analysis.io.EventSource;
import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The booked graph of one dataframe (its columns, filter nodes, defines and actions) and its single
 * parallel run. Booking happens on one thread; the run fans chunks out to the pool.
 */
final class Plan {
  /** Name of the limit on chunks read ahead of the workers (read, queued or being processed). */
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

  private void checkOpen() {
    if (ran) {
      throw new IllegalStateException("this dataframe already ran; book everything before the first get()");
    }
  }

  synchronized Col column(String name, ColumnType type) {
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

  private static int add(List<String> l, String name) {
    l.add(name);
    return l.size() - 1;
  }

  synchronized Collection collection(String name) {
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

  synchronized Items items(String name, ColumnType type) {
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

  synchronized int addNode(DataFrame node) {
    checkOpen();
    nodes.add(node);
    return nodes.size() - 1;
  }

  synchronized Col[] define(DataFrame node, String[] names, ToDoubleFunction<Event> single, MultiDefine multi) {
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

  synchronized <T> Result<T> book(Action action, java.util.function.Supplier<T> value) {
    checkOpen();
    actions.add(action);
    return new Result<>(this, value);
  }

  /** Events read by the run (after it ran). */
  synchronized long events() {
    run();
    return events;
  }

  private static void failed(ProgressTask task, Throwable cause) {
    if (task != null) {
      task.fail(cause);
    }
  }

  /** Runs every booked action in one parallel pass, once. */
  synchronized void run() {
    if (ran) {
      return;
    }
    ran = true;
    for (Action a : actions) {
      a.start(mode);
    }
    // One state array per pool thread, created by that thread so its histograms live in its own memory.
    Map<Thread, Object[]> perThread = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<Object[]> allStates = new ConcurrentLinkedQueue<>();
    NamedLimit inFlight = pool.limits().limit(CHUNK_LIMIT, 2 * pool.parallelism());
    long total = 0;
    ProgressTask task = null;
    try (EventSource source = sources.apply(List.copyOf(specs));
        Scope scope = pool.openScope()) {
      ProgressTask progressTask = ProgressTask.start(progress, "analysis " + source.name(), source.events(), "events");
      task = progressTask;
      int chunk = 0;
      while (!scope.isCancelled()) {
        Batch b = source.next();
        if (b == null) {
          break;
        }
        total += b.rows();
        NamedLimit.Permit permit = inFlight.acquire();
        int index = chunk++;
        Task<Void> filled = scope.fork(() -> {
          Object[] states = perThread.computeIfAbsent(Thread.currentThread(), t -> {
            Object[] s = new Object[actions.size()];
            for (int k = 0; k < s.length; k++) {
              s[k] = actions.get(k).newThreadState();
            }
            allStates.add(s);
            return s;
          });
          ChunkEval eval = new ChunkEval(this, b);
          for (int k = 0; k < actions.size(); k++) {
            actions.get(k).fill(eval, index, states[k]);
          }
          progressTask.advance(b.rows());
        });
        // The permit comes back when the task has stopped, also when a sibling's failure cancelled it
        // before it ran; releasing it inside the task would leave this loop blocked in acquire() forever.
        filled.completion().whenComplete((v, e) -> permit.close());
      }
      scope.join();
      progressTask.finish();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failed(task, e);
      throw new CancellationException("analysis interrupted");
    } catch (RuntimeException | Error e) {
      failed(task, e);
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
