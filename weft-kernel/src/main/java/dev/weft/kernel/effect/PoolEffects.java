package dev.weft.kernel.effect;

import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs effects of {@link EffectRequest.Placement#POOL} on the shared task pool, at most
 * {@code kernel.effects} at once (default: the pool's parallelism). At the timeout the outcome is
 * {@link Outcome.TimedOut} and the task is interrupted; the computation gets a {@link Deadline} and gives
 * its thread back at its next {@link Deadline#checkDeadline} (cooperative: Java cannot stop trusted code
 * that never checks, which keeps its thread until it returns; untrusted code belongs in worker JVMs, which
 * are killed). A task still queued at its deadline never starts. Heap limits and nice are not enforced here.
 */
public final class PoolEffects implements EffectExecutor {
  private final TaskPool pool;
  private final Computations computations;
  private final NamedLimit limit;

  public PoolEffects(TaskPool pool, Computations computations) {
    this.pool = pool;
    this.computations = computations;
    this.limit = pool.limits().limit("kernel.effects", pool.parallelism());
  }

  @Override
  public CompletableFuture<Outcome> run(EffectRequest request) {
    Computation c = computations.find(request.function());
    if (c == null) {
      return CompletableFuture.completedFuture(new Outcome.Failed("dev.weft.kernel.effect.UnknownComputation",
          "no computation named " + request.function() + " is registered", ""));
    }
    long started = System.nanoTime();
    Deadline deadline = Deadline.after(request.timeout());
    Task<byte[]> task = pool.submit(() -> {
      try (NamedLimit.Permit p = limit.acquire()) {
        if (deadline.passed()) {
          throw new DeadlineExceededException(); // waited out its time in the queue: do not start it
        }
        return c.apply(request.input(), deadline);
      }
    });
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    task.completion().toCompletableFuture()
        .orTimeout(request.timeout().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((value, error) -> {
          if (error == null) {
            result.complete(new Outcome.Value(value));
          } else if (unwrap(error) instanceof TimeoutException || unwrap(error) instanceof DeadlineExceededException) {
            // Whichever noticed first, the clock here or the computation's checkDeadline: timed out.
            task.cancel();
            result.complete(new Outcome.TimedOut(Duration.ofNanos(System.nanoTime() - started)));
          } else if (task.isCancelled()) {
            result.complete(new Outcome.Bail("cancelled: the pool is shutting down"));
          } else {
            result.complete(failed(unwrap(error)));
          }
        });
    return result;
  }

  static Outcome failed(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return new Outcome.ResourceExceeded("heap");
    }
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return new Outcome.Failed(t.getClass().getName(), String.valueOf(t.getMessage()), trace.toString());
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
