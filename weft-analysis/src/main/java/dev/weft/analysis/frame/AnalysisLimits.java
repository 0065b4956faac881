package dev.weft.analysis.frame;

import dev.weft.runtime.limit.DeclaredLimit;
import dev.weft.runtime.limit.LimitDeclarations;
import java.util.List;

/** The named limits this module asks the task pool's {@code Limits} for, so {@code --limit} knows them. */
public final class AnalysisLimits implements LimitDeclarations {
  @Override
  public List<DeclaredLimit> limits() {
    return List.of(new DeclaredLimit(Plan.CHUNK_LIMIT, "event chunks read and filled at once by analyze"));
  }
}
