package dev.weft.runtime.pool;

import dev.weft.runtime.limit.NamedLimit;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A structured scope (the JoinSet model): children forked here run on the pool; the first failure
 * cancels the siblings; {@link #join()} waits for all of them and rethrows that first failure;
 * {@link #close()} cancels whatever is still running and waits for every child, even when the body threw.
 * No child outlives its scope.
 *
 * <pre>{@code
 * try (Scope scope = pool.openScope()) {
 *   Task<byte[]> a = scope.fork(() -> hash(x));
 *   Task<byte[]> b = scope.fork(() -> hash(y));
 *   scope.join();
 *   use(a.join(), b.join());
 * }
 * }</pre>
 *
 * <p>A pool thread that joins a scope runs its not-yet-started children itself, so nested scopes never
 * deadlock a fixed-size pool. If the joining thread is interrupted (its own task was cancelled), the scope
 * cancels its children and waits for them before rethrowing, which propagates cancellation downwards.
 *
 * <p>Helper-limited scopes ({@link TaskPool#openScope(NamedLimit)}): children wait in a queue, oldest
 * first, and pool threads run them only while they hold a permit of the helper limit (one permit per
 * helper thread, which runs queued children until the queue is empty). When no permit is free and no
 * helper of this scope is running, the forking thread runs the queue itself at once (caller runs), so
 * with no permit to be had every child runs on the owner, in fork order, and no child ever waits for a
 * pool thread. {@link #join()} and {@link #runWaiting()} let the owner run queued children instead of
 * blocking. The children of one scope then use at most the limit's permits of pool threads at once.
 */
public final class Scope implements AutoCloseable {
  private final TaskPool pool;
  /** Children not yet stopped; stopped children are dropped so a long-lived scope stays small. */
  private final Set<Task<?>> live = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition allStopped = lock.newCondition();
  private int running; // guarded by lock
  private long forks; // guarded by lock; lets a helping joiner notice children forked while it waits
  private volatile boolean cancelled;
  private boolean closed; // confined to the owner thread
  /** Null: children go to the pool as soon as forked. Else the permits helper threads must hold. */
  private final NamedLimit helpers;
  /** Children of a helper-limited scope that nobody started yet, oldest first. */
  private final ConcurrentLinkedQueue<Task<?>> waiting = new ConcurrentLinkedQueue<>();
  /** Helper threads of this scope that hold a permit and run {@link #waiting}. */
  private final AtomicInteger helpersRunning = new AtomicInteger();

  Scope(TaskPool pool) {
    this(pool, null);
  }

  Scope(TaskPool pool, NamedLimit helpers) {
    this.pool = pool;
    this.helpers = helpers;
  }

  /** Forks a child. After a failure or cancel, new children are cancelled at once and never run. */
  public <T> Task<T> fork(Callable<T> work) {
    if (closed) {
      throw new IllegalStateException("scope is closed");
    }
    Task<T> task = new Task<>(work, this);
    lock.lock();
    try {
      running++;
    } finally {
      lock.unlock();
    }
    live.add(task);
    if (cancelled) {
      task.cancel();
    } else if (helpers != null) {
      queueOrRun(task);
    } else {
      pool.execute(task);
      lock.lock();
      try {
        forks++;
        allStopped.signalAll(); // wake a joiner on a pool thread so it can run this child itself
      } finally {
        lock.unlock();
      }
    }
    return task;
  }

  /** Forks a child that returns nothing. */
  public Task<Void> fork(Runnable work) {
    return fork(() -> {
      work.run();
      return null;
    });
  }

  /** See the class comment: a helper takes the child if a permit is free, else the caller runs it now. */
  private void queueOrRun(Task<?> task) {
    waiting.add(task);
    NamedLimit.Permit permit = helpers.tryAcquire();
    if (permit != null) {
      helpersRunning.incrementAndGet();
      java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
      Task<Void> helper = pool.submit(() -> {
        started.set(true);
        help(permit);
        return null;
      });
      // A helper cancelled before it ran (the pool is closing) still gives its permit back.
      helper.completion().whenComplete((v, e) -> {
        if (!started.get()) {
          permit.close();
          helperStopped();
        }
      });
    } else if (helpersRunning.get() == 0) {
      runWaiting();
    }
    // else a helper of this scope is running; it re-checks the queue after giving its permit back
  }

  /** A helper: runs queued children until none is left, then gives the permit back (or takes it again). */
  private void help(NamedLimit.Permit first) {
    NamedLimit.Permit permit = first;
    try {
      while (true) {
        try {
          for (Task<?> t; (t = waiting.poll()) != null; ) {
            t.tryRunInline();
          }
        } finally {
          permit.close();
        }
        // A child forked after the queue looked empty, while we still held the permit, found no permit and
        // a helper running, so it was left to us.
        if (waiting.isEmpty() || (permit = helpers.tryAcquire()) == null) {
          return; // if the permit went elsewhere, the owner runs the child at its next fork or join
        }
      }
    } finally {
      helperStopped();
    }
  }

  /** A helper gave its permit back for good: joiners also wait for that, so no helper outlives the scope. */
  private void helperStopped() {
    lock.lock();
    try {
      helpersRunning.decrementAndGet();
      allStopped.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs on the calling thread, oldest first, the children of a helper-limited scope that no helper has
   * started yet, until none is left or the thread is interrupted. Returns whether it ran any. A plain
   * scope's children are on the pool already: nothing to do.
   */
  public boolean runWaiting() {
    boolean ran = false;
    while (runOneWaiting()) {
      ran = true;
    }
    return ran;
  }

  /**
   * Runs the oldest child no helper has started yet on the calling thread, e.g. to free bytes the owner
   * waits for and then go on with its own work at once. Returns false when there was none, or when the
   * calling thread is interrupted (a cancelled owner stops doing queued work: the scope's cancel stops it).
   */
  public boolean runOneWaiting() {
    while (!Thread.currentThread().isInterrupted()) {
      Task<?> t = waiting.poll();
      if (t == null) {
        return false;
      }
      if (TaskPool.isPoolThread() ? t.tryRunInline() : t.runOnCaller()) {
        return true;
      }
      // a child cancelled meanwhile: look at the next one
    }
    return false;
  }

  void childStopped(Task<?> task, Throwable failure) {
    live.remove(task);
    if (failure != null && firstFailure.compareAndSet(null, failure)) {
      cancelChildren();
    }
    lock.lock();
    try {
      if (--running == 0) {
        allStopped.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Cancels every child (non-blocking); children forked afterwards are cancelled at once. */
  public void cancel() {
    cancelChildren();
  }

  private void cancelChildren() {
    cancelled = true;
    for (Task<?> t : live) {
      t.cancel();
    }
  }

  /**
   * Waits for every child. Throws the first failure (unchecked as is, checked wrapped in
   * {@link java.util.concurrent.CompletionException}). If this thread is interrupted while waiting,
   * cancels the children, waits for them to stop, and throws {@link CancellationException} with the
   * interrupt status set.
   */
  public void join() {
    boolean interrupted = awaitAll(true);
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while joining a scope");
    }
    Throwable failure = firstFailure.get();
    if (failure != null) {
      throw Task.rethrow(failure);
    }
  }

  /** True if a child failed or the scope was cancelled. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Number of children that have not stopped yet. */
  public int pending() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns true if the wait was interrupted (children are then cancelled and stopped). A pool thread
   * runs children nobody has started yet instead of blocking, including children forked while it waits
   * ({@link #fork} wakes it), so nested scopes never deadlock a fixed-size pool.
   */
  private boolean awaitAll(boolean help) {
    boolean interrupted = false;
    boolean helping = help && TaskPool.isPoolThread();
    while (true) {
      long seenForks;
      lock.lock();
      try {
        seenForks = forks;
      } finally {
        lock.unlock();
      }
      if (helpers != null && help && !interrupted && !Thread.currentThread().isInterrupted()) {
        runWaiting(); // any owner, not only a pool thread: nobody else may be allowed to run them
      } else if (helping && !interrupted && !Thread.currentThread().isInterrupted()) {
        for (Task<?> t : live) {
          t.tryRunInline();
        }
      }
      lock.lock();
      try {
        if (running == 0 && helpersRunning.get() == 0) {
          break;
        }
        if (helping && !interrupted && forks != seenForks) {
          continue; // a child was forked while we helped: try to run it too
        }
        try {
          if (interrupted) {
            allStopped.awaitUninterruptibly();
          } else {
            allStopped.await();
          }
        } catch (InterruptedException e) {
          interrupted = true;
          lock.unlock();
          try {
            cancelChildren();
          } finally {
            lock.lock();
          }
        }
      } finally {
        lock.unlock();
      }
    }
    if (Thread.currentThread().isInterrupted()) {
      interrupted = true;
      cancelChildren();
    }
    return interrupted;
  }

  /** Cancels children still running and waits for all of them to stop. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pending() > 0) {
      cancelChildren();
    }
    boolean interrupted = awaitAll(false);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
