package dev.weft.kernel.effect;

/**
 * A registered deterministic computation an effect can name: same input, same output (or same exception).
 * Registered with {@code META-INF/services/dev.weft.kernel.effect.Computation} or {@link Computations#with}.
 */
public interface Computation {
  String name();

  byte[] apply(byte[] input) throws Exception;
}
