package dev.weft.analysis.io;

import dev.weft.analysis.columnar.Batch;
import java.util.List;

/** Batches already in memory (benchmarks, generated data, tests). */
public final class MemorySource implements EventSource {
  private final List<Batch> batches;
  private int next;

  public MemorySource(List<Batch> batches) {
    this.batches = List.copyOf(batches);
  }

  @Override
  public Batch next() {
    return next < batches.size() ? batches.get(next++) : null;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public long events() {
    return batches.stream().mapToLong(Batch::rows).sum();
  }
}
