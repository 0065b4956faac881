package dev.weft.runtime.worker;

/**
 * A function a worker process runs by name. Implementations are registered in
 * {@code META-INF/services/dev.weft.runtime.worker.WorkerFunction} on the worker's class path and need a
 * public no-argument constructor; one instance serves every call in a worker, one call at a time.
 *
 * <p>The function must be deterministic: the same input gives the same output, and an exception it
 * throws is a deterministic failure (reported as {@link WorkerOutcome.Failed}) rather than an
 * infrastructure problem.
 */
public interface WorkerFunction {
  /** The name callers use, e.g. {@code kernel.ledger-work} or {@code analysis.fill}. */
  String name();

  /** Computes the output; anything printed to {@code System.out} goes to the worker's stderr instead. */
  byte[] apply(byte[] input) throws Exception;
}
