package dev.weft.kernel.effect;

import java.util.concurrent.CompletableFuture;

/**
 * Runs effects. The future completes with an {@link Outcome} and never exceptionally: errors inside the
 * computation are {@link Outcome.Failed}, infrastructure errors {@link Outcome.Bail}.
 */
public interface EffectExecutor {
  CompletableFuture<Outcome> run(EffectRequest request);
}
