package dev.weft.runtime.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of warm child JVMs that run {@link WorkerFunction}s by name (the kernel's effects, the analysis's
 * process mode). Each worker serves one call at a time; workers are keyed by (heap limit, nice level),
 * which are fixed per process, and at most {@link Config#maxWorkers()} live at once: a call that needs a
 * key with no idle worker starts one, evicting an idle worker of another key when the pool is full, or
 * waits for one to come free.
 *
 * <p>On timeout the worker's whole process tree is killed and the call returns
 * {@link WorkerOutcome.TimedOut}; a worker that dies is dropped and the call returns
 * {@link WorkerOutcome.Crashed} (the next call starts a replacement); the caller decides on a retry.
 * Interrupting a caller kills its worker and rethrows {@link InterruptedException}. {@link #close()} kills
 * every child; calls still running then return {@code Crashed}.
 */
public final class WorkerPool implements AutoCloseable {
  /** How long a worker may take to start before the call reports it as crashed. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  /**
   * How worker processes are started.
   *
   * @param maxWorkers the most worker processes alive at once (at least 1)
   * @param classpath the workers' class path; it must hold weft-runtime and the functions' classes
   * @param javaBinary the {@code java} executable
   * @param extraJvmArgs JVM options added before the class path, e.g. {@code -XX:+UseSerialGC}
   */
  public record Config(int maxWorkers, String classpath, Path javaBinary, List<String> extraJvmArgs) {
    public Config {
      if (maxWorkers < 1) {
        throw new IllegalArgumentException("a worker pool needs at least 1 worker, got " + maxWorkers);
      }
      Objects.requireNonNull(classpath, "classpath");
      Objects.requireNonNull(javaBinary, "javaBinary");
      extraJvmArgs = List.copyOf(extraJvmArgs);
    }

    /**
     * One worker per available processor, this JVM's class path and {@code java} binary, and JVM options
     * suited to small single-purpose children: the serial collector, and the Vector API module and native
     * access when this JVM has them, so functions can use what the parent can.
     */
    public static Config defaults() {
      List<String> args = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto"));
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
        args.addAll(List.of("--add-modules", "jdk.incubator.vector"));
      }
      args.add("--enable-native-access=ALL-UNNAMED");
      return new Config(Runtime.getRuntime().availableProcessors(), System.getProperty("java.class.path"),
          Path.of(System.getProperty("java.home"), "bin", "java"), args);
    }

    public Config withMaxWorkers(int maxWorkers) {
      return new Config(maxWorkers, classpath, javaBinary, extraJvmArgs);
    }

    public Config withClasspath(String classpath) {
      return new Config(maxWorkers, classpath, javaBinary, extraJvmArgs);
    }

    public Config withJavaBinary(Path javaBinary) {
      return new Config(maxWorkers, classpath, javaBinary, extraJvmArgs);
    }

    public Config withExtraJvmArgs(List<String> extraJvmArgs) {
      return new Config(maxWorkers, classpath, javaBinary, extraJvmArgs);
    }
  }

  /** What a worker process is fixed to at start. */
  record Key(long heapBytes, int nice) {}

  private final Config config;
  private final String namePrefix;
  private final AtomicInteger workerIds = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();
  private final Map<Key, ArrayDeque<Worker>> idle = new HashMap<>(); // guarded by lock
  private int live; // guarded by lock; counts workers being started too
  private boolean closed; // guarded by lock
  /** Every worker not yet shut down, busy or idle, so close() can reach them all. */
  private final Set<Worker> all = ConcurrentHashMap.newKeySet();

  private final AtomicLong started = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong succeeded = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong resourceExceeded = new AtomicLong();
  private final AtomicLong crashed = new AtomicLong();
  private final AtomicLong interrupted = new AtomicLong();

  private WorkerPool(Config config) {
    this.config = config;
    this.namePrefix = "weft-worker-" + POOL_IDS.incrementAndGet() + "-";
  }

  public static WorkerPool create(Config config) {
    return new WorkerPool(Objects.requireNonNull(config, "config"));
  }

  public Config config() {
    return config;
  }

  /**
   * Runs {@code function} on {@code input} in a worker with {@code limits}; blocks until it ends. Safe to
   * call from many threads at once.
   *
   * @throws InterruptedException if the calling thread was interrupted; the worker was then killed
   * @throws IllegalStateException if the pool is closed, or a worker process cannot be started at all
   *     (the java binary is missing): a configuration error no retry would fix. A worker that starts but
   *     dies before it is ready (a wrong class path, say) is reported as {@link WorkerOutcome.Crashed}.
   */
  public WorkerOutcome call(String function, byte[] input, CallLimits limits) throws InterruptedException {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(limits, "limits");
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Key key = new Key(limits.heapBytes(), limits.nice());
    Worker worker = acquire(key);
    boolean reusable = false;
    try {
      WorkerOutcome startup = awaitStart(worker);
      if (startup != null) {
        return count(startup);
      }
      calls.incrementAndGet();
      CompletableFuture<WorkerOutcome> reply = worker.send(function, input);
      WorkerOutcome outcome;
      try {
        outcome = reply.get(saturatedNanos(limits.timeout()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        worker.destroyTree();
        outcome = new WorkerOutcome.TimedOut(limits.timeout());
      } catch (ExecutionException e) {
        throw new IllegalStateException("worker reply future failed", e.getCause()); // never: completed normally only
      }
      reusable = outcome instanceof WorkerOutcome.Success || outcome instanceof WorkerOutcome.Failed;
      return count(outcome);
    } catch (InterruptedException e) {
      interrupted.incrementAndGet();
      worker.destroyTree();
      throw e;
    } finally {
      release(worker, reusable);
    }
  }

  /**
   * Runs the call on a virtual thread, which only waits for the worker's reply. Cancelling the returned
   * future interrupts that wait, which kills the worker.
   */
  public CompletableFuture<WorkerOutcome> callAsync(String function, byte[] input, CallLimits limits) {
    CompletableFuture<WorkerOutcome> result = new CompletableFuture<>();
    Thread waiter = Thread.ofVirtual().name(namePrefix + "call").unstarted(() -> {
      try {
        result.complete(call(function, input, limits));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    result.whenComplete((v, t) -> {
      if (result.isCancelled()) {
        waiter.interrupt();
      }
    });
    waiter.start();
    return result;
  }

  /** A duration in nanoseconds, capped at about 292 years rather than overflowing. */
  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private WorkerOutcome awaitStart(Worker worker) throws InterruptedException {
    try {
      return worker.started().get(START_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      worker.destroyTree();
      return new WorkerOutcome.Crashed(-1, "worker did not start within " + START_TIMEOUT.toSeconds()
          + " s; stderr: " + worker.stderrTail());
    } catch (ExecutionException e) {
      throw new IllegalStateException("worker start future failed", e.getCause()); // never: completed normally only
    }
  }

  private WorkerOutcome count(WorkerOutcome outcome) {
    AtomicLong counter = switch (outcome) {
      case WorkerOutcome.Success s -> succeeded;
      case WorkerOutcome.Failed f -> failed;
      case WorkerOutcome.TimedOut t -> timedOut;
      case WorkerOutcome.ResourceExceeded r -> resourceExceeded;
      case WorkerOutcome.Crashed c -> crashed;
    };
    counter.incrementAndGet();
    return outcome;
  }

  /** Takes an idle worker for {@code key}, or starts one, evicting an idle worker of another key if full. */
  private Worker acquire(Key key) throws InterruptedException {
    List<Worker> dead = new ArrayList<>();
    try {
      return acquire(key, dead);
    } finally {
      dead.forEach(w -> w.shutdown(0, false));
    }
  }

  private Worker acquire(Key key, List<Worker> dead) throws InterruptedException {
    Worker evicted = null;
    lock.lockInterruptibly();
    try {
      while (true) {
        if (closed) {
          throw new IllegalStateException("worker pool is closed");
        }
        ArrayDeque<Worker> ready = idle.get(key);
        while (ready != null && !ready.isEmpty()) {
          Worker w = ready.pop();
          if (w.isAlive()) {
            return w;
          }
          // It died while idle (killed from outside, say): not this call's failure; start another.
          live--;
          all.remove(w);
          dead.add(w);
        }
        if (live < config.maxWorkers()) {
          live++;
          break;
        }
        evicted = evictIdle();
        if (evicted != null) {
          break; // its slot is ours; live stays the same
        }
        freed.await();
      }
    } finally {
      lock.unlock();
    }
    if (evicted != null) {
      all.remove(evicted);
      evicted.shutdown(0, false);
    }
    try {
      Worker w = Worker.start(key, config, namePrefix + workerIds.incrementAndGet());
      started.incrementAndGet();
      all.add(w);
      return w;
    } catch (IOException | RuntimeException e) {
      lock.lock();
      try {
        live--;
        freed.signal();
      } finally {
        lock.unlock();
      }
      throw new IllegalStateException("cannot start a worker JVM (" + config.javaBinary() + "): " + e.getMessage(), e);
    }
  }

  /** Removes some idle worker (of any key) from the idle lists; caller holds the lock. */
  private Worker evictIdle() {
    for (ArrayDeque<Worker> q : idle.values()) {
      if (!q.isEmpty()) {
        return q.pollLast(); // the least recently used of its key
      }
    }
    return null;
  }

  private void release(Worker worker, boolean reusable) {
    boolean keep;
    lock.lock();
    try {
      keep = reusable && !closed;
      if (keep) {
        idle.computeIfAbsent(worker.key, k -> new ArrayDeque<>()).push(worker);
      } else {
        live--;
      }
      freed.signal();
    } finally {
      lock.unlock();
    }
    if (!keep) {
      all.remove(worker);
      worker.shutdown(0, false);
    }
  }

  public WorkerPoolMetrics metrics() {
    lock.lock();
    try {
      int idleNow = idle.values().stream().mapToInt(ArrayDeque::size).sum();
      return new WorkerPoolMetrics(config.maxWorkers(), live, idleNow, started.get(), calls.get(), succeeded.get(),
          failed.get(), timedOut.get(), resourceExceeded.get(), crashed.get(), interrupted.get());
    } finally {
      lock.unlock();
    }
  }

  /** Kills every worker process (and its descendants) and waits for their pipe threads. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      live -= idle.values().stream().mapToInt(ArrayDeque::size).sum();
      idle.clear();
      freed.signalAll();
    } finally {
      lock.unlock();
    }
    List<Worker> workers = new ArrayList<>(all);
    // Workers hold no state worth a graceful exit: kill them all, then wait for their pipe threads.
    workers.forEach(w -> w.destroyTree());
    workers.forEach(w -> w.shutdown(0, true));
    all.removeAll(workers);
  }
}
