package dev.weft.bench.runtime;

import dev.weft.runtime.worker.WorkerFunction;

/** The worker function the round-trip benchmark calls: returns its input, so only the trip is measured. */
public final class Echo implements WorkerFunction {
  public static final String NAME = "bench.echo";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] apply(byte[] input) {
    return input;
  }
}
