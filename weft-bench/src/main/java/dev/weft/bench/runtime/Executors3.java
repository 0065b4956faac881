package dev.weft.bench.runtime;

import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The three pools the benchmark compares, behind one small interface: submit {@code n} tasks of
 * {@code taskNanos} each from one outside thread, then join them all. These peers are benchmark
 * baselines, the only place besides the runtime where weft makes a pool.
 */
sealed interface Executors3 extends AutoCloseable {
  String name();

  /** Submits n tasks, joins them all, returns a checksum of their results. */
  long submitAndJoin(int n, long taskNanos) throws Exception;

  @Override
  void close();

  static Executors3 create(String impl, int threads) {
    return switch (impl) {
      case "weft" -> new Weft(TaskPool.create(threads));
      case "forkjoin" -> new Fjp(new ForkJoinPool(threads));
      case "threadpool" -> new Tpe(new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>()));
      default -> throw new IllegalArgumentException(impl);
    };
  }

  record Weft(TaskPool pool) implements Executors3 {
    @Override
    public String name() {
      return "weft";
    }

    @Override
    @SuppressWarnings("unchecked")
    public long submitAndJoin(int n, long taskNanos) {
      Task<Long>[] tasks = new Task[n];
      for (int i = 0; i < n; i++) {
        tasks[i] = pool.submit(() -> Busy.spin(taskNanos));
      }
      long sum = 0;
      for (Task<Long> t : tasks) {
        sum += t.join();
      }
      return sum;
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  record Fjp(ForkJoinPool pool) implements Executors3 {
    @Override
    public String name() {
      return "forkjoin";
    }

    @Override
    @SuppressWarnings("unchecked")
    public long submitAndJoin(int n, long taskNanos) {
      ForkJoinTask<Long>[] tasks = new ForkJoinTask[n];
      for (int i = 0; i < n; i++) {
        tasks[i] = pool.submit(() -> Busy.spin(taskNanos));
      }
      long sum = 0;
      for (ForkJoinTask<Long> t : tasks) {
        sum += t.join();
      }
      return sum;
    }

    @Override
    public void close() {
      pool.shutdownNow();
      pool.close();
    }
  }

  record Tpe(ThreadPoolExecutor pool) implements Executors3 {
    @Override
    public String name() {
      return "threadpool";
    }

    @Override
    @SuppressWarnings("unchecked")
    public long submitAndJoin(int n, long taskNanos) throws ExecutionException, InterruptedException {
      Future<Long>[] tasks = new Future[n];
      for (int i = 0; i < n; i++) {
        tasks[i] = pool.submit(() -> Busy.spin(taskNanos));
      }
      long sum = 0;
      for (Future<Long> t : tasks) {
        sum += t.get();
      }
      return sum;
    }

    @Override
    public void close() {
      pool.shutdownNow();
      pool.close();
    }
  }
}
