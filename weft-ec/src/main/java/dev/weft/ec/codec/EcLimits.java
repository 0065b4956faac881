package dev.weft.ec.codec;

import dev.weft.runtime.limit.DeclaredLimit;
import dev.weft.runtime.limit.LimitDeclarations;
import java.util.List;

/** The named limits this module asks the task pool's {@code Limits} for, so {@code --limit} knows them. */
public final class EcLimits implements LimitDeclarations {
  @Override
  public List<DeclaredLimit> limits() {
    return List.of(new DeclaredLimit(ParallelCoder.JOBS_LIMIT, "coding jobs run at once by ec encode, decode, repair, put and get"));
  }
}
