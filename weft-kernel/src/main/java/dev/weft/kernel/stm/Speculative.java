package dev.weft.kernel.stm;

import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Handler;
import dev.weft.kernel.machine.Transition;
import dev.weft.kernel.machine.Txn;
import dev.weft.kernel.state.StateMap;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Speculative parallel apply of an ordered window of events, Block-STM style: the calling thread and
 * {@code workers - 1} tasks on the shared pool
 * execute events optimistically against multi-version memory, record key-granularity read and write sets,
 * validate, and re-execute on conflict; then the window is committed in order, which yields the state hash
 * after every event, and effects are emitted in event order. The result equals sequential application
 * exactly (the property tests check the hash after every event).
 *
 * <p>When a window's aborts exceed {@code abortThreshold} of its size, speculation stops and the window is
 * applied sequentially; the next {@code cooldownWindows} windows then run sequentially before speculation
 * is tried again (doubling with each consecutive fallback, up to 1024), so a workload where every event
 * conflicts costs little more than sequential.
 *
 * <p>Cost-aware instances ({@link #costAware}) also fall back when speculation is merely slower: every
 * {@code PROBE_EVERY} windows one window is applied sequentially and timed; when speculative windows
 * take longer per event than that (events too cheap for Block-STM's bookkeeping, or no idle core), the next
 * {@code COST_COOLDOWN} windows run sequentially, doubling with each consecutive loss up to
 * {@code MAX_COOLDOWN}, so cheap events settle at sequential speed. Results are identical either way.
 *
 * <p>One instance serves one caller thread at a time (it keeps the fallback cool-down between windows).
 */
public final class Speculative {
  /** The state after the window, the state hash after each event, and each event's effects. */
  public record Result(StateMap state, long[] hashes, List<List<EffectRequest>> effects, long aborts,
      boolean sequential) {}

  /** Longest run of sequential windows between speculation attempts. */
  private static final int MAX_COOLDOWN = 1024;

  private final Handler handler;
  private final TaskPool pool;
  private final int workers;
  private final double abortThreshold;
  private final int cooldownWindows;
  private int cooldown;
  /** The cool-down after the next fallback: doubles with consecutive fallbacks, reset by a success. */
  private int nextCooldown;
  private long windowsFellBack;

  /** Windows between timed sequential probes, and sequential windows after speculation lost to a probe. */
  private static final int PROBE_EVERY = 16;
  private static final int COST_COOLDOWN = 16;
  private final boolean costAware;
  private int sinceProbe = PROBE_EVERY;
  private int costCooldown;
  /** The cool-down after the next loss: doubles with consecutive losses, reset by a win. */
  private int nextCostCooldown = COST_COOLDOWN;
  private double sequentialNanosPerEvent = Double.NaN;
  private long windowsSequentialForCost;

  /**
   * @param workers concurrent workers (capped by the pool's parallelism); 1 still runs the speculative
   *     algorithm, on one thread
   */
  public Speculative(Handler handler, TaskPool pool, int workers, double abortThreshold, int cooldownWindows) {
    this(handler, pool, workers, abortThreshold, cooldownWindows, false);
  }

  private Speculative(Handler handler, TaskPool pool, int workers, double abortThreshold, int cooldownWindows,
      boolean costAware) {
    this.costAware = costAware;
    this.handler = handler;
    this.pool = pool;
    this.workers = Math.max(1, Math.min(workers, pool.parallelism()));
    this.abortThreshold = abortThreshold;
    this.cooldownWindows = cooldownWindows;
    this.nextCooldown = cooldownWindows;
  }

  public Speculative(Handler handler, TaskPool pool, int workers) {
    this(handler, pool, workers, 0.125, 16);
  }

  /** As the plain constructor, with the cost-based fallback (see the class comment). */
  public static Speculative costAware(Handler handler, TaskPool pool, int workers) {
    return new Speculative(handler, pool, workers, 0.125, 16, true);
  }

  /** Windows abandoned for sequential application so far. */
  public long windowsFellBack() {
    return windowsFellBack;
  }

  /** Windows a cost-aware instance applied sequentially because speculation was slower (probes included). */
  public long windowsSequentialForCost() {
    return windowsSequentialForCost;
  }

  public Result apply(StateMap base, List<Event> window) {
    if (cooldown > 0) {
      cooldown--;
      return sequential(base, window, 0);
    }
    if (!costAware || window.isEmpty()) {
      return speculate(base, window);
    }
    if (costCooldown > 0 || sinceProbe >= PROBE_EVERY) {
      // A timed sequential window: the yardstick speculation has to beat.
      boolean probe = costCooldown == 0;
      costCooldown = Math.max(0, costCooldown - 1);
      sinceProbe = probe ? 0 : sinceProbe;
      windowsSequentialForCost++;
      long t0 = System.nanoTime();
      Result r = sequential(base, window, 0);
      double perEvent = (double) (System.nanoTime() - t0) / window.size();
      sequentialNanosPerEvent = Double.isNaN(sequentialNanosPerEvent) || probe ? perEvent
          : (sequentialNanosPerEvent + perEvent) / 2;
      return r;
    }
    sinceProbe++;
    long t0 = System.nanoTime();
    Result r = speculate(base, window);
    double perEvent = (double) (System.nanoTime() - t0) / window.size();
    if (!r.sequential() && perEvent > sequentialNanosPerEvent) {
      costCooldown = nextCostCooldown;
      nextCostCooldown = Math.min(nextCostCooldown * 2, MAX_COOLDOWN);
    } else if (!r.sequential()) {
      nextCostCooldown = COST_COOLDOWN;
    }
    return r;
  }

  private Result speculate(StateMap base, List<Event> window) {
    int n = window.size();
    MultiVersionMemory memory = new MultiVersionMemory(base, n);
    Scheduler scheduler = new Scheduler(n);
    @SuppressWarnings("unchecked")
    List<EffectRequest>[] effects = new List[n];
    AtomicLong aborts = new AtomicLong();
    long maxAborts = Math.max(8, (long) (abortThreshold * n));
    // The calling thread is one of the workers: it is already running, whereas waking pool threads costs
    // scheduler latency at every window, which on a busy machine can exceed the window's work.
    try (Scope scope = pool.openScope()) {
      for (int w = 1; w < workers; w++) {
        scope.fork(() -> work(window, memory, scheduler, effects, aborts, maxAborts));
      }
      try {
        work(window, memory, scheduler, effects, aborts, maxAborts);
      } catch (RuntimeException | Error e) {
        scheduler.halt();
        throw e;
      }
      // The window is done (or abandoned): a worker task that has not been scheduled yet need not start
      // just to notice, and one still running only has to see the done flag.
      scope.cancel();
      scope.join();
    }
    if (aborts.get() > maxAborts) {
      windowsFellBack++;
      cooldown = nextCooldown;
      nextCooldown = Math.min(Math.max(1, nextCooldown) * 2, MAX_COOLDOWN);
      return sequential(base, window, aborts.get());
    }
    nextCooldown = cooldownWindows;
    // In-order commit: fold each event's final writes into the persistent map.
    StateMap state = base;
    long[] hashes = new long[n];
    List<List<EffectRequest>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      MultiVersionMemory.Loc[] locs = memory.writes(i);
      long[] values = memory.values(i);
      for (int j = 0; j < locs.length; j++) {
        state = state.put(locs[j].space(), locs[j].key(), values[j]);
      }
      hashes[i] = state.hash();
      out.add(effects[i] == null ? List.of() : effects[i]);
    }
    return new Result(state, hashes, out, aborts.get(), false);
  }

  /** The window one event after another, editing a private copy of {@code base} in place (base is unchanged). */
  private Result sequential(StateMap base, List<Event> window, long aborts) {
    StateMap.Editor editor = base.edit();
    long[] hashes = new long[window.size()];
    List<List<EffectRequest>> out = new ArrayList<>(window.size());
    for (int i = 0; i < window.size(); i++) {
      out.add(Transition.applyInPlace(handler, editor, window.get(i)));
      hashes[i] = editor.hash();
    }
    return new Result(editor.done(), hashes, out, aborts, true);
  }

  private void work(List<Event> window, MultiVersionMemory memory, Scheduler scheduler,
      List<EffectRequest>[] effects, AtomicLong aborts, long maxAborts) {
    Scheduler.Work task = null;
    int idle = 0;
    while (!scheduler.done()) {
      if (aborts.get() > maxAborts) {
        scheduler.halt();
        return;
      }
      if (task != null && !task.validate()) {
        task = execute(task, window, memory, scheduler, effects, aborts);
      }
      if (task != null && task.validate()) {
        boolean valid = memory.validate(task.txn());
        boolean aborted = !valid && scheduler.tryValidationAbort(task.txn(), task.incarnation());
        if (aborted) {
          aborts.incrementAndGet();
          memory.convertWritesToEstimates(task.txn());
        }
        task = scheduler.finishValidation(task.txn(), aborted);
      }
      if (task == null) {
        task = scheduler.nextTask();
        if (task == null) {
          // Nothing to do until another worker finishes: spin briefly, then give the core away, which
          // matters when the machine is busier than the pool thinks.
          if (++idle < 64) {
            Thread.onSpinWait();
          } else {
            Thread.yield();
          }
        } else {
          idle = 0;
        }
      }
    }
  }

  private Scheduler.Work execute(Scheduler.Work task, List<Event> window, MultiVersionMemory memory,
      Scheduler scheduler, List<EffectRequest>[] effects, AtomicLong aborts) {
    while (true) {
      Recording txn = new Recording(memory, task.txn());
      try {
        handler.apply(txn, window.get(task.txn()));
      } catch (Blocked b) {
        if (scheduler.addDependency(task.txn(), b.blocking)) {
          aborts.incrementAndGet();
          return null;
        }
        continue; // the blocking transaction finished meanwhile: run again
      }
      int size = txn.writes.size();
      MultiVersionMemory.Loc[] locs = txn.writes.keySet().toArray(new MultiVersionMemory.Loc[size]);
      long[] values = new long[size];
      int i = 0;
      for (long v : txn.writes.values()) {
        values[i++] = v;
      }
      effects[task.txn()] = txn.effects == null ? List.of() : List.copyOf(txn.effects);
      boolean wroteNew = memory.record(task.txn(),
          txn.reads.toArray(new MultiVersionMemory.Read[0]), locs, values);
      return scheduler.finishExecution(task.txn(), task.incarnation(), wroteNew);
    }
  }

  /** Thrown out of the handler when it reads an estimate; handlers must not catch it. */
  private static final class Blocked extends RuntimeException {
    final int blocking;

    Blocked(int blocking) {
      super(null, null, false, false);
      this.blocking = blocking;
    }
  }

  /** The handler's view during speculative execution: records reads and buffers writes. */
  private static final class Recording implements Txn {
    private final MultiVersionMemory memory;
    private final int txn;
    final Map<MultiVersionMemory.Loc, Long> writes = new LinkedHashMap<>(4);
    final List<MultiVersionMemory.Read> reads = new ArrayList<>(4);
    List<EffectRequest> effects;

    Recording(MultiVersionMemory memory, int txn) {
      this.memory = memory;
      this.txn = txn;
    }

    @Override
    public long get(int space, long key, long absent) {
      MultiVersionMemory.Loc loc = new MultiVersionMemory.Loc(space, key);
      Long own = writes.get(loc);
      if (own != null) {
        return own;
      }
      MultiVersionMemory.Lookup l = memory.read(loc, txn, absent);
      if (l.blocked()) {
        throw new Blocked(l.txn());
      }
      reads.add(new MultiVersionMemory.Read(loc, l.value(), absent));
      return l.value();
    }

    @Override
    public void put(int space, long key, long value) {
      writes.put(new MultiVersionMemory.Loc(space, key), value);
    }

    @Override
    public void emit(EffectRequest effect) {
      if (effects == null) {
        effects = new ArrayList<>(2);
      }
      effects.add(effect);
    }
  }
}
