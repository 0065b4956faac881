package dev.weft.runtime.worker;

import java.time.Duration;

/**
 * How a worker call ended. {@link Success} and {@link Failed} are deterministic results of the function;
 * the other three are infrastructure outcomes the caller may retry (the kernel never journals them).
 */
public sealed interface WorkerOutcome {
  /**
   * The function returned.
   *
   * @param elapsed the function's own running time, measured inside the worker
   */
  record Success(byte[] output, Duration elapsed) implements WorkerOutcome {}

  /** The function threw; the worker stays in service. */
  record Failed(String exceptionClass, String message, String stackTrace) implements WorkerOutcome {}

  /** The function ran past its timeout; the worker's whole process tree was killed. */
  record TimedOut(Duration timeout) implements WorkerOutcome {}

  /** The worker ran out of a resource, e.g. an {@link OutOfMemoryError} under its heap limit; it was replaced. */
  record ResourceExceeded(String what) implements WorkerOutcome {}

  /** The worker process died (or never started); it was replaced. */
  record Crashed(int exitCode, String stderrTail) implements WorkerOutcome {}
}
