package dev.weft.kernel.stm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Block-STM's collaborative scheduler (Gelashvili et al., 2022): shared execution and validation indices
 * that every worker pulls tasks from, per-transaction status with incarnation numbers, and dependency lists
 * for transactions that read an estimate. Written from the paper's description; the one deliberate change
 * is in {@link #finishValidation}, which decrements the active-task count exactly once when re-incarnation
 * is not possible.
 */
final class Scheduler {
  enum Status { READY, EXECUTING, EXECUTED, ABORTING }

  /** A task: execute or validate incarnation {@code incarnation} of transaction {@code txn}. */
  record Work(int txn, int incarnation, boolean validate) {}

  private final int size;
  private final AtomicInteger executionIdx = new AtomicInteger();
  private final AtomicInteger validationIdx = new AtomicInteger();
  private final AtomicLong decreaseCount = new AtomicLong();
  private final AtomicInteger activeTasks = new AtomicInteger();
  private volatile boolean done;
  private final Status[] status;
  private final int[] incarnation;
  private final List<List<Integer>> dependents;
  private final Object[] locks;

  Scheduler(int size) {
    this.size = size;
    status = new Status[size];
    incarnation = new int[size];
    dependents = new ArrayList<>(size);
    locks = new Object[size];
    for (int i = 0; i < size; i++) {
      status[i] = Status.READY;
      dependents.add(new ArrayList<>());
      locks[i] = new Object();
    }
  }

  boolean done() {
    return done;
  }

  /** Stops every worker (used for the fallback to sequential). */
  void halt() {
    done = true;
  }

  Work nextTask() {
    if (validationIdx.get() < executionIdx.get()) {
      Work w = nextToValidate();
      if (w != null) {
        return w;
      }
    }
    return nextToExecute();
  }

  private void checkDone() {
    long observed = decreaseCount.get();
    if (Math.min(executionIdx.get(), validationIdx.get()) >= size && activeTasks.get() == 0
        && observed == decreaseCount.get()) {
      done = true;
    }
  }

  private Work tryIncarnate(int txn) {
    if (txn < size) {
      synchronized (locks[txn]) {
        if (status[txn] == Status.READY) {
          status[txn] = Status.EXECUTING;
          return new Work(txn, incarnation[txn], false);
        }
      }
    }
    activeTasks.decrementAndGet();
    return null;
  }

  private Work nextToExecute() {
    if (executionIdx.get() >= size) {
      checkDone();
      return null;
    }
    activeTasks.incrementAndGet();
    return tryIncarnate(executionIdx.getAndIncrement());
  }

  private Work nextToValidate() {
    if (validationIdx.get() >= size) {
      checkDone();
      return null;
    }
    activeTasks.incrementAndGet();
    int idx = validationIdx.getAndIncrement();
    if (idx < size) {
      synchronized (locks[idx]) {
        if (status[idx] == Status.EXECUTED) {
          return new Work(idx, incarnation[idx], true);
        }
      }
    }
    activeTasks.decrementAndGet();
    return null;
  }

  /**
   * {@code txn} read an estimate written by {@code blocking}. Returns false if {@code blocking} has meanwhile
   * finished (retry the read at once); else parks {@code txn} until {@code blocking} is re-executed.
   */
  boolean addDependency(int txn, int blocking) {
    synchronized (locks[blocking]) {
      if (status[blocking] == Status.EXECUTED) {
        return false;
      }
      synchronized (locks[txn]) {
        status[txn] = Status.ABORTING;
      }
      dependents.get(blocking).add(txn);
    }
    activeTasks.decrementAndGet();
    return true;
  }

  private void setReady(int txn) {
    synchronized (locks[txn]) {
      incarnation[txn]++;
      status[txn] = Status.READY;
    }
  }

  Work finishExecution(int txn, int inc, boolean wroteNewLocation) {
    List<Integer> deps;
    synchronized (locks[txn]) {
      status[txn] = Status.EXECUTED;
      deps = dependents.get(txn);
      dependents.set(txn, new ArrayList<>());
    }
    int min = Integer.MAX_VALUE;
    for (int d : deps) {
      setReady(d);
      min = Math.min(min, d);
    }
    if (min != Integer.MAX_VALUE) {
      decreaseExecutionIdx(min);
    }
    if (validationIdx.get() > txn) {
      if (wroteNewLocation) {
        decreaseValidationIdx(txn);
      } else {
        return new Work(txn, inc, true);
      }
    }
    activeTasks.decrementAndGet();
    return null;
  }

  boolean tryValidationAbort(int txn, int inc) {
    synchronized (locks[txn]) {
      if (incarnation[txn] == inc && status[txn] == Status.EXECUTED) {
        status[txn] = Status.ABORTING;
        return true;
      }
      return false;
    }
  }

  Work finishValidation(int txn, boolean aborted) {
    if (aborted) {
      setReady(txn);
      decreaseValidationIdx(txn + 1);
      if (executionIdx.get() > txn) {
        synchronized (locks[txn]) {
          if (status[txn] == Status.READY) {
            status[txn] = Status.EXECUTING;
            return new Work(txn, incarnation[txn], false);
          }
        }
      }
    }
    activeTasks.decrementAndGet();
    return null;
  }

  private void decreaseExecutionIdx(int target) {
    executionIdx.accumulateAndGet(target, Math::min);
    decreaseCount.incrementAndGet();
  }

  private void decreaseValidationIdx(int target) {
    validationIdx.accumulateAndGet(target, Math::min);
    decreaseCount.incrementAndGet();
  }
}
