package dev.weft.runtime.pool;

import dev.weft.runtime.limit.Limits;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process's one pool of platform threads for CPU work. Subsystems never make their own pools; they
 * cap their own concurrency with named {@link Limits} at the call site.
 *
 * <p>Submitting returns a {@link Task}; a task's exception completes the task and never kills or leaks a
 * worker. {@link #close()} cancels queued work, interrupts running tasks and waits (bounded) for them.
 */
public final class TaskPool implements AutoCloseable {
  /** Upper bound for {@code --threads}. */
  public static final int MAX_THREADS = 4096;

  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  private final int parallelism;
  private final ThreadPoolExecutor executor;
  private final Limits limits;
  /** The workers, so close() can cancel the tasks they run through their Task. */
  private final Set<PoolThread> workers = ConcurrentHashMap.newKeySet();

  /**
   * A worker thread, which knows the task it runs (written only by itself). A subclass rather than a
   * thread-local: telling a pool thread from another and finding its task are then one type check.
   */
  private static final class PoolThread extends Thread {
    volatile Task<?> running;

    PoolThread(Runnable body, String name) {
      super(body, name);
    }
  }

  private TaskPool(int parallelism, Limits limits) {
    this.parallelism = parallelism;
    this.limits = limits;
    int poolId = POOL_IDS.incrementAndGet();
    AtomicInteger threadIds = new AtomicInteger();
    ThreadFactory factory = runnable -> {
      PoolThread t = new PoolThread(() -> {
        PoolThread self = (PoolThread) Thread.currentThread();
        workers.add(self);
        try {
          runnable.run();
        } finally {
          workers.remove(self);
        }
      }, "weft-pool-" + poolId + "-" + threadIds.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.executor = new ThreadPoolExecutor(parallelism, parallelism, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), factory);
    executor.prestartAllCoreThreads();
  }

  /**
   * Creates a pool.
   *
   * @param threads worker count; 0 means all available processors
   * @throws IllegalArgumentException if threads is below 0 or above {@link #MAX_THREADS}
   */
  public static TaskPool create(int threads) {
    return create(threads, new Limits());
  }

  public static TaskPool create(int threads, Limits limits) {
    return new TaskPool(resolveThreads(threads), limits);
  }

  /** Maps the {@code --threads} value to a worker count: 0 = available processors. */
  public static int resolveThreads(int threads) {
    if (threads < 0 || threads > MAX_THREADS) {
      throw new IllegalArgumentException("threads must be 0 (all processors) or 1.." + MAX_THREADS + ", got " + threads);
    }
    return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
  }

  /**
   * Records {@code task} as the one the calling pool thread runs (so close() cancels it) and returns the
   * previous one; a no-op returning null off the pool.
   */
  static Task<?> swapRunning(Task<?> task) {
    if (!(Thread.currentThread() instanceof PoolThread self)) {
      return null;
    }
    Task<?> previous = self.running;
    self.running = task;
    return previous;
  }

  /** True when the calling thread is a worker of some TaskPool. */
  public static boolean isPoolThread() {
    return Thread.currentThread() instanceof PoolThread;
  }

  public int parallelism() {
    return parallelism;
  }

  /** The named limits and byte budgets subsystems use to cap themselves. */
  public Limits limits() {
    return limits;
  }

  /** Submits CPU work outside any scope. */
  public <T> Task<T> submit(Callable<T> work) {
    Task<T> task = new Task<>(work, null);
    execute(task);
    return task;
  }

  /** Opens a structured scope whose children run on this pool. */
  public Scope openScope() {
    return new Scope(this);
  }

  /**
   * Opens a scope whose children run on at most as many pool threads at once as {@code helpers} grants
   * permits, and otherwise on the thread that forks them (see {@link Scope}): for a reader whose thread
   * counts as one of the threads the user asked for. The limit may be shared by several scopes.
   *
   * @throws IllegalStateException on a pool thread: joining waits for helpers already submitted to the
   *     pool, which a pool thread could be the only one able to start (a one-thread pool deadlocks)
   */
  public Scope openScope(dev.weft.runtime.limit.NamedLimit helpers) {
    if (isPoolThread()) {
      throw new IllegalStateException("a helper-limited scope must be opened by a thread outside the pool "
          + "(its join waits for helpers that only pool threads start)");
    }
    return new Scope(this, java.util.Objects.requireNonNull(helpers));
  }

  void execute(Task<?> task) {
    try {
      executor.execute(new Launch(task));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      task.cancel();
    }
  }

  /** Tasks queued and not yet started. */
  public int queued() {
    return executor.getQueue().size();
  }

  /** Tasks running right now. */
  public int active() {
    return executor.getActiveCount();
  }

  /** A snapshot of the pool and of every named limit and byte budget created so far. */
  public PoolMetrics metrics() {
    return new PoolMetrics(parallelism, active(), queued(), executor.getCompletedTaskCount(), limits.metrics());
  }

  /**
   * Cancels queued work, interrupts running tasks and waits up to 10 seconds for them to stop.
   */
  @Override
  public void close() {
    List<Runnable> queued = new ArrayList<>();
    executor.shutdown();
    executor.getQueue().drainTo(queued);
    for (Runnable r : queued) {
      if (r instanceof Launch launch) {
        launch.task.cancel(); // completes it as cancelled; it never ran
      }
    }
    // Cancel running tasks through their Task, so each completes as cancelled once its work stopped.
    for (PoolThread worker : workers) {
      Task<?> t = worker.running;
      if (t != null) {
        t.cancel();
      }
    }
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        System.err.println("weft: pool threads still running 10 s after close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The queue entry for a task, so {@link #close()} can reach the tasks it drains. */
  private record Launch(Task<?> task) implements Runnable {
    @Override
    public void run() {
      PoolThread self = (PoolThread) Thread.currentThread();
      self.running = task;
      try {
        task.run();
      } finally {
        self.running = null;
      }
    }
  }
}
