package dev.weft.kernel.stm;

import dev.weft.kernel.state.StateMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Block-STM's multi-version memory: for every location, the values written by each transaction of the
 * window (its latest incarnation), or an estimate marker when that transaction is being re-executed.
 * A read by transaction {@code t} sees the write of the highest transaction below {@code t}, else the base
 * state. Thread-safe; owned by one {@link Speculative} run.
 */
final class MultiVersionMemory {
  /** A location: (space, key). */
  record Loc(int space, long key) {}

  /** A version of a location: written by incarnation {@code incarnation}, or an estimate. */
  record Cell(int incarnation, long value, boolean estimate) {}

  /** What a transaction read at a location: the writer's (txn, incarnation), or txn -1 for the base state. */
  record Read(Loc loc, int txn, int incarnation) {}

  /** Marker for "read the base state". */
  static final int BASE = -1;

  private final Map<Loc, ConcurrentSkipListMap<Integer, Cell>> data = new ConcurrentHashMap<>();
  private final StateMap base;
  private final Loc[][] lastWrites;
  private final long[][] lastValues;
  private final Read[][] lastReads;

  MultiVersionMemory(StateMap base, int size) {
    this.base = base;
    this.lastWrites = new Loc[size][];
    this.lastValues = new long[size][];
    this.lastReads = new Read[size][];
  }

  /** The result of a read: status OK (from a txn), BASE, or BLOCKED on {@code txn}. */
  record Lookup(int txn, int incarnation, long value, boolean blocked) {}

  Lookup read(Loc loc, int txn, long absent) {
    ConcurrentSkipListMap<Integer, Cell> chain = data.get(loc);
    if (chain != null) {
      Map.Entry<Integer, Cell> e = chain.lowerEntry(txn);
      if (e != null) {
        Cell c = e.getValue();
        return c.estimate() ? new Lookup(e.getKey(), 0, 0, true) : new Lookup(e.getKey(), c.incarnation(), c.value(), false);
      }
    }
    return new Lookup(BASE, 0, base.get(loc.space(), loc.key(), absent), false);
  }

  /**
   * Records an incarnation's read and write sets; returns true if it wrote a location the previous
   * incarnation did not (so later transactions must be revalidated).
   */
  boolean record(int txn, int incarnation, Read[] reads, Loc[] writes, long[] values) {
    for (int i = 0; i < writes.length; i++) {
      data.computeIfAbsent(writes[i], l -> new ConcurrentSkipListMap<>()).put(txn, new Cell(incarnation, values[i], false));
    }
    boolean wroteNew = false;
    Loc[] previous = lastWrites[txn];
    if (previous != null) {
      for (Loc old : previous) {
        if (!contains(writes, old)) {
          data.get(old).remove(txn);
        }
      }
    }
    for (Loc w : writes) {
      if (previous == null || !contains(previous, w)) {
        wroteNew = true;
      }
    }
    lastWrites[txn] = writes;
    lastValues[txn] = values;
    lastReads[txn] = reads;
    return wroteNew;
  }

  private static boolean contains(Loc[] set, Loc loc) {
    for (Loc l : set) {
      if (l.equals(loc)) {
        return true;
      }
    }
    return false;
  }

  /** True if every read of {@code txn}'s last incarnation would still see the same version. */
  boolean validate(int txn) {
    for (Read r : lastReads[txn]) {
      ConcurrentSkipListMap<Integer, Cell> chain = data.get(r.loc());
      Map.Entry<Integer, Cell> e = chain == null ? null : chain.lowerEntry(txn);
      if (e == null) {
        if (r.txn() != BASE) {
          return false;
        }
      } else if (e.getValue().estimate() || e.getKey() != r.txn() || e.getValue().incarnation() != r.incarnation()) {
        return false;
      }
    }
    return true;
  }

  /** Marks {@code txn}'s writes as estimates: readers wait for its re-execution instead of reading stale data. */
  void convertWritesToEstimates(int txn) {
    for (Loc l : lastWrites[txn]) {
      data.get(l).put(txn, new Cell(0, 0, true));
    }
  }

  Loc[] writes(int txn) {
    return lastWrites[txn];
  }

  long[] values(int txn) {
    return lastValues[txn];
  }
}
