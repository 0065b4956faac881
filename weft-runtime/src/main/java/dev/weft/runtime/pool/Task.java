package dev.weft.runtime.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A unit of CPU work submitted to a {@link TaskPool}, with cancellation that is safe for lent buffers.
 *
 * <p>Unlike {@link java.util.concurrent.FutureTask}, a task is <em>done</em> only once its work has really
 * stopped: {@link #cancel()} interrupts a running task, but {@link #join()}, {@link #get()} and
 * {@link #isDone()} report the cancellation only after the work returned or threw. A caller that waited
 * may therefore free or reuse every buffer it lent the task. A task that ignores interruption delays the
 * cancel; it is never abandoned.
 *
 * <p>A task's exception completes the task and never escapes into the pool thread.
 */
public final class Task<T> {
  private static final int NEW = 0;
  private static final int RUNNING = 1;
  /** A cancel() is interrupting the runner; the runner waits for it to finish before it stops. */
  private static final int INTERRUPTING = 2;
  private static final int STOPPED = 3;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Callable<T> work;
  private volatile int state = NEW;
  /** Completed only after the work has stopped. */
  private final CompletableFuture<T> outcome = new CompletableFuture<>();
  private volatile Thread runner;
  private volatile boolean cancelRequested;
  private final Scope scope; // null when submitted outside a scope

  Task(Callable<T> work, Scope scope) {
    this.work = work;
    this.scope = scope;
  }

  /** Runs the work on the calling thread unless it was already started or cancelled. */
  void run() {
    if (!STATE.compareAndSet(this, NEW, RUNNING)) {
      return;
    }
    // runner is written before cancelRequested is read, and cancel() writes cancelRequested before it
    // reads runner: whichever way they interleave, a cancel either sees the runner or is seen here.
    runner = Thread.currentThread();
    execute(true);
  }

  /**
   * Runs the work on the calling thread, which is not a pool thread but the owner of the scope (a reader
   * doing its own work because no helper is free), unless it was already started or cancelled. Unlike
   * {@link #run()} the task does not take over the thread's interrupt status: a cancel marks the task but
   * does not interrupt the owner (no runner is set; a sibling's failure must reach the owner as that
   * failure, not as an interrupt), and an interrupt of the owner (Ctrl-C) that arrives meanwhile stays set.
   */
  boolean runOnCaller() {
    if (!STATE.compareAndSet(this, NEW, RUNNING)) {
      return false;
    }
    execute(false);
    return true;
  }

  /** Calls the work (state RUNNING) and completes the task; {@code ownsThread}: the runner was set by run(). */
  private void execute(boolean ownsThread) {
    T value = null;
    Throwable failure = null;
    try {
      if (cancelRequested) {
        throw new CancellationException("cancelled before it started");
      }
      value = work.call();
    } catch (Throwable t) {
      failure = t;
    }
    // Stop accepting interrupts: wait out a cancel() that is interrupting us right now, so that none can
    // arrive after the stale-interrupt clearing below and hit the next task on this pool thread.
    while (!STATE.compareAndSet(this, RUNNING, STOPPED)) {
      Thread.onSpinWait();
    }
    if (ownsThread) {
      runner = null;
      Thread.interrupted();
    }
    finish(value, failure);
  }

  private void finish(T value, Throwable failure) {
    if (cancelRequested) {
      CancellationException ce = new CancellationException("cancelled");
      if (failure != null && !(failure instanceof CancellationException) && !(failure instanceof InterruptedException)) {
        ce.addSuppressed(failure);
      }
      outcome.completeExceptionally(ce);
    } else if (failure != null) {
      outcome.completeExceptionally(failure);
    } else {
      outcome.complete(value);
    }
    if (scope != null) {
      scope.childStopped(this, cancelRequested ? null : failure);
    }
  }

  /**
   * Requests cancellation: a task that has not started never runs; a running task is interrupted.
   * Returns at once; {@link #join()} or {@link #cancelAndWait()} wait until the work has stopped.
   *
   * @return false if the task had already stopped
   */
  public boolean cancel() {
    if (state == STOPPED) {
      return false;
    }
    cancelRequested = true;
    if (STATE.compareAndSet(this, NEW, STOPPED)) {
      outcome.completeExceptionally(new CancellationException("cancelled before it started"));
      if (scope != null) {
        scope.childStopped(this, null);
      }
      return true;
    }
    // Interrupt only while the runner cannot stop (state INTERRUPTING holds it in run()).
    if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
      try {
        Thread t = runner;
        if (t != null) {
          t.interrupt();
        }
      } finally {
        state = RUNNING;
      }
    }
    return true;
  }

  /** Cancels and waits (uninterruptibly) until the work has stopped, so lent buffers may be released. */
  public void cancelAndWait() {
    cancel();
    awaitStopped();
  }

  /** Waits, without giving up on interrupts, until the work has stopped; re-asserts the interrupt status. */
  public void awaitStopped() {
    boolean interrupted = false;
    while (true) {
      try {
        outcome.handle((v, t) -> null).get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break; // not reachable: handle() never fails
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** True once the work has stopped (returned, thrown or been cancelled before it started). */
  public boolean isDone() {
    return outcome.isDone();
  }

  public boolean isCancelled() {
    return outcome.isCancelled() || (outcome.isCompletedExceptionally() && cancelRequested);
  }

  /**
   * Runs this task on the calling pool thread if nobody started it yet (a joiner helping instead of
   * blocking). The enclosing task's cancellation survives: run() clears the thread's interrupt status
   * when the inline work ends, so it is re-asserted here if the enclosing task was cancelled meanwhile.
   */
  boolean tryRunInline() {
    if (state != NEW) {
      return false;
    }
    Task<?> enclosing = TaskPool.swapRunning(this);
    try {
      run();
    } finally {
      TaskPool.swapRunning(enclosing);
      if (enclosing != null && enclosing.cancelRequested) {
        Thread.currentThread().interrupt();
      }
    }
    return true;
  }

  /**
   * Waits for the result. Unchecked: a failure is rethrown as is when unchecked, else wrapped in a
   * {@link CompletionException}; a cancelled task throws {@link CancellationException} once it stopped.
   * An interrupt of the waiting thread cancels nothing; it surfaces as a {@link CancellationException}
   * with the interrupt status kept. On a pool thread, a task that has not started yet runs inline.
   */
  public T join() {
    helpIfPoolThread();
    try {
      return outcome.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting");
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** As {@link java.util.concurrent.Future#get()}. */
  public T get() throws InterruptedException, ExecutionException {
    helpIfPoolThread();
    return outcome.get();
  }

  /**
   * A pool thread about to block on a task nobody has started runs it itself: with every worker blocked
   * on queued work behind it, a fixed-size pool would otherwise deadlock.
   */
  private void helpIfPoolThread() {
    if (state == NEW && TaskPool.isPoolThread()) {
      tryRunInline();
    }
  }

  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    return outcome.get(timeout, unit);
  }

  /** A read-only view that completes when the work has stopped; cancelling it does not cancel the task. */
  public CompletionStage<T> completion() {
    return outcome.minimalCompletionStage();
  }

  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new CompletionException(t);
  }
}
