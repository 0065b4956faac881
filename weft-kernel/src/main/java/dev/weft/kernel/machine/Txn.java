package dev.weft.kernel.machine;

import dev.weft.kernel.effect.EffectRequest;

/**
 * What a handler sees while it applies one event: reads and writes at key granularity and effect emission.
 * The sequential executor backs it with the persistent map; the speculative executor records every read
 * and write so it can validate and re-execute. Handlers must reach state only through this interface.
 */
public interface Txn {
  /** The value at (space, key) as of this event (including its own earlier writes), or {@code absent}. */
  long get(int space, long key, long absent);

  void put(int space, long key, long value);

  /** Requests an effect; it is released only after this event is durable. */
  void emit(EffectRequest effect);
}
