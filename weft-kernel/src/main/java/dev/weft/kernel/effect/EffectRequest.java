package dev.weft.kernel.effect;

import java.time.Duration;

/**
 * A request, emitted by a handler, to run the registered deterministic computation {@code function} on
 * {@code input}. The limits apply per call: {@code timeout}, {@code heapBytes} (worker JVMs only) and
 * {@code nice} (worker JVMs only). {@code placement} chooses the shared pool (trusted code) or a warm child
 * JVM (isolation); {@code mode} how a value is journaled. The input array is owned by the request.
 */
public record EffectRequest(String function, byte[] input, Duration timeout, long heapBytes, int nice,
    Placement placement, ResultMode mode) {

  public EffectRequest {
    if (function == null || function.isEmpty()) {
      throw new IllegalArgumentException("effect needs a function name");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("effect timeout must be positive, got " + timeout);
    }
  }

  /** Where the computation runs. */
  public enum Placement {
    /** On the shared task pool: fast, trusted code only (a timeout cancels but cannot kill it). */
    POOL,
    /** In a warm child JVM: isolated, killed with its process tree on timeout, heap-limited. */
    WORKER
  }

  /** How a successful value is journaled. */
  public enum ResultMode {
    /** The bytes inside the outcome event. */
    INLINE,
    /** SHA-256 in the event, bytes in the content-addressed blob store (stored once). */
    BLOB,
    /** SHA-256 only: "the result of effect k of event e", recomputed and checked on replay. */
    REFERENCE
  }
}
