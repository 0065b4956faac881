package dev.weft.kernel.effect;

import dev.weft.runtime.worker.CallLimits;
import dev.weft.runtime.worker.WorkerOutcome;
import dev.weft.runtime.worker.WorkerPool;
import java.util.concurrent.CompletableFuture;

/**
 * Runs effects of {@link EffectRequest.Placement#WORKER} in warm child JVMs through the runtime's
 * {@link WorkerPool}, with the request's timeout, heap limit and nice level. The function must be registered
 * as a {@code dev.weft.runtime.worker.WorkerFunction} on the workers' class path. A timeout kills the worker's
 * process tree (the runtime does it) and is journaled as timed out; a crashed worker is a bail.
 */
public final class WorkerEffects implements EffectExecutor {
  private final WorkerPool workers;

  /** Uses (does not own) {@code workers}; its creator closes it. */
  public WorkerEffects(WorkerPool workers) {
    this.workers = workers;
  }

  @Override
  public CompletableFuture<Outcome> run(EffectRequest request) {
    CallLimits limits = new CallLimits(request.timeout(), Math.max(CallLimits.MIN_HEAP_BYTES, request.heapBytes()),
        Math.clamp(request.nice(), 0, 19));
    return workers.callAsync(request.function(), request.input(), limits).handle((outcome, error) -> {
      if (error != null) {
        return new Outcome.Bail("worker call failed: " + error);
      }
      return switch (outcome) {
        case WorkerOutcome.Success s -> new Outcome.Value(s.output());
        case WorkerOutcome.Failed f -> new Outcome.Failed(f.exceptionClass(), f.message(), f.stackTrace());
        case WorkerOutcome.TimedOut t -> new Outcome.TimedOut(t.timeout());
        case WorkerOutcome.ResourceExceeded r -> new Outcome.ResourceExceeded(r.what());
        case WorkerOutcome.Crashed c -> new Outcome.Bail("worker crashed with exit code " + c.exitCode());
      };
    });
  }
}
