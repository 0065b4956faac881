package dev.weft.kernel.effect;

/**
 * A registered deterministic computation an effect can name: same input, same output (or same exception).
 * Registered with {@code META-INF/services/dev.weft.kernel.effect.Computation} or {@link Computations#with}.
 */
public interface Computation {
  String name();

  byte[] apply(byte[] input) throws Exception;

  /**
   * Runs with a deadline: a long computation should call {@link Deadline#checkDeadline} regularly so that a
   * timed-out effect gives its pool thread back (see {@link Deadline}). The default ignores it.
   */
  default byte[] apply(byte[] input, Deadline deadline) throws Exception {
    return apply(input);
  }
}
