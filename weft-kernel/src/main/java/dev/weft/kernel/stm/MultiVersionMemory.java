package dev.weft.kernel.stm;

import dev.weft.kernel.state.StateMap;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Block-STM's multi-version memory: for every location, the values written by each transaction of the
 * window (its latest incarnation), or an estimate marker when that transaction is being re-executed.
 * A read by transaction {@code t} sees the write of the highest transaction below {@code t}, else the base
 * state. Thread-safe; owned by one {@link Speculative} run.
 */
final class MultiVersionMemory {
  /** A location: (space, key). */
  record Loc(int space, long key) {}

  /** A version of a location: a written value, or an estimate (its writer is being re-executed). */
  record Cell(long value, boolean estimate) {}

  /**
   * What a transaction read at a location: the value (and the default it passed for an absent key).
   * Validation compares values, not versions: a handler that reads the same values behaves the same, so a
   * re-execution of a writer that wrote the same value again does not abort its readers.
   */
  record Read(Loc loc, long value, long absent) {}

  /** Marker for "read the base state". */
  static final int BASE = -1;

  private final Map<Loc, Versions> data;
  private final StateMap base;
  private final Loc[][] lastWrites;
  private final long[][] lastValues;
  private final Read[][] lastReads;

  MultiVersionMemory(StateMap base, int size) {
    this.base = base;
    this.data = new ConcurrentHashMap<>(Math.max(16, size * 2)); // about two written keys per event: no resizing
    this.lastWrites = new Loc[size][];
    this.lastValues = new long[size][];
    this.lastReads = new Read[size][];
  }

  /** The result of a read: the value written by {@code txn} (or {@link #BASE}), or blocked on {@code txn}. */
  record Lookup(int txn, long value, boolean blocked) {}

  Lookup read(Loc loc, int txn, long absent) {
    Versions chain = data.get(loc);
    if (chain != null) {
      Versions.Table t = chain.table;
      int i = t.below(txn);
      if (i >= 0) {
        Cell c = t.cells[i];
        return new Lookup(t.txns[i], c.value(), c.estimate());
      }
    }
    return new Lookup(BASE, base.get(loc.space(), loc.key(), absent), false);
  }

  /**
   * Records an incarnation's read and write sets; returns true if it wrote a location the previous
   * incarnation did not (so later transactions must be revalidated).
   */
  boolean record(int txn, Read[] reads, Loc[] writes, long[] values) {
    for (int i = 0; i < writes.length; i++) {
      data.computeIfAbsent(writes[i], l -> new Versions()).put(txn, new Cell(values[i], false));
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

  /** True if every read of {@code txn}'s last incarnation would still see the same value. */
  boolean validate(int txn) {
    for (Read r : lastReads[txn]) {
      Lookup now = read(r.loc(), txn, r.absent());
      if (now.blocked() || now.value() != r.value()) {
        return false;
      }
    }
    return true;
  }

  /** Marks {@code txn}'s writes as estimates: readers wait for its re-execution instead of reading stale data. */
  void convertWritesToEstimates(int txn) {
    for (Loc l : lastWrites[txn]) {
      data.get(l).put(txn, new Cell(0, true));
    }
  }

  /**
   * The versions of one location, sorted by transaction: an immutable table replaced on every write under
   * the object's lock and read without locking. A location has a handful of writers per window, so copying
   * is cheaper than a concurrent skip list.
   */
  static final class Versions {
    record Table(int[] txns, Cell[] cells) {
      /** Index of the highest transaction below {@code txn}, or -1. */
      int below(int txn) {
        int i = Arrays.binarySearch(txns, txn);
        return (i >= 0 ? i : -i - 1) - 1;
      }
    }

    private static final Table EMPTY = new Table(new int[0], new Cell[0]);
    volatile Table table = EMPTY;

    synchronized void put(int txn, Cell cell) {
      Table t = table;
      int i = Arrays.binarySearch(t.txns, txn);
      if (i >= 0) {
        Cell[] cells = t.cells.clone();
        cells[i] = cell;
        table = new Table(t.txns, cells);
        return;
      }
      int at = -i - 1;
      int n = t.txns.length;
      int[] txns = new int[n + 1];
      Cell[] cells = new Cell[n + 1];
      System.arraycopy(t.txns, 0, txns, 0, at);
      System.arraycopy(t.cells, 0, cells, 0, at);
      txns[at] = txn;
      cells[at] = cell;
      System.arraycopy(t.txns, at, txns, at + 1, n - at);
      System.arraycopy(t.cells, at, cells, at + 1, n - at);
      table = new Table(txns, cells);
    }

    synchronized void remove(int txn) {
      Table t = table;
      int i = Arrays.binarySearch(t.txns, txn);
      if (i < 0) {
        return;
      }
      int n = t.txns.length;
      int[] txns = new int[n - 1];
      Cell[] cells = new Cell[n - 1];
      System.arraycopy(t.txns, 0, txns, 0, i);
      System.arraycopy(t.cells, 0, cells, 0, i);
      System.arraycopy(t.txns, i + 1, txns, i, n - i - 1);
      System.arraycopy(t.cells, i + 1, cells, i, n - i - 1);
      table = new Table(txns, cells);
    }
  }

  Loc[] writes(int txn) {
    return lastWrites[txn];
  }

  long[] values(int txn) {
    return lastValues[txn];
  }
}
