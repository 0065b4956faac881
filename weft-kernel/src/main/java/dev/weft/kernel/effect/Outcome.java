package dev.weft.kernel.effect;

import java.time.Duration;

/**
 * What running an effect produced. Every kind except {@link Bail} is a fact that gets journaled; a bail
 * (worker crash, I/O fault, unknown worker state) never happened as far as the state machine is concerned:
 * nothing is journaled and the effect is retried by policy.
 */
public sealed interface Outcome {
  /** The computation returned a value (array owned by the outcome). */
  record Value(byte[] bytes) implements Outcome {}

  /** The computation threw: deterministic for deterministic code, so it is journaled with its trace. */
  record Failed(String exceptionClass, String message, String trace) implements Outcome {}

  /** The call ran past its timeout (a fact of the environment; never recomputed). */
  record TimedOut(Duration after) implements Outcome {}

  /** The call exceeded a resource limit such as the heap (a fact; never recomputed). */
  record ResourceExceeded(String what) implements Outcome {}

  /** Infrastructure failure: not journaled, retried. */
  record Bail(String why) implements Outcome {}
}
