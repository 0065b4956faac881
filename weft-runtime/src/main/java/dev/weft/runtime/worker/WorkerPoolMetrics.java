package dev.weft.runtime.worker;

/**
 * A snapshot of a {@link WorkerPool}.
 *
 * @param maxWorkers the most worker processes alive at once
 * @param live worker processes alive now (idle, busy or starting)
 * @param idle started workers waiting for a call
 * @param started worker processes started so far (cold starts, including replacements)
 * @param calls calls that reached a worker
 * @param succeeded calls that returned {@link WorkerOutcome.Success}
 * @param failed calls that returned {@link WorkerOutcome.Failed}
 * @param timedOut calls that returned {@link WorkerOutcome.TimedOut}
 * @param resourceExceeded calls that returned {@link WorkerOutcome.ResourceExceeded}
 * @param crashed calls that returned {@link WorkerOutcome.Crashed}
 * @param interrupted calls whose caller was interrupted (the worker was killed)
 */
public record WorkerPoolMetrics(int maxWorkers, int live, int idle, long started, long calls, long succeeded,
    long failed, long timedOut, long resourceExceeded, long crashed, long interrupted) {}
