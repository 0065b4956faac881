package dev.weft.kernel.effect;

import dev.weft.runtime.limit.DeclaredLimit;
import dev.weft.runtime.limit.LimitDeclarations;
import java.util.List;

/** The named limits this module asks the task pool's {@code Limits} for, so {@code --limit} knows them. */
public final class KernelLimits implements LimitDeclarations {
  @Override
  public List<DeclaredLimit> limits() {
    return List.of(new DeclaredLimit("kernel.effects", "effects the kernel runs at once on the pool"));
  }
}
