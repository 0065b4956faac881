package dev.weft.runtime.limit;

import java.util.List;

/**
 * Implemented by each module that asks {@link Limits} for named limits or budgets, and registered as a
 * {@link java.util.ServiceLoader} service ({@code META-INF/services/dev.weft.runtime.limit.LimitDeclarations}).
 * The module that uses a limit is the one that names it; the CLI collects them all ({@link Limits#declared})
 * so a misspelt {@code --limit} name is refused before the command starts instead of silently ignored.
 */
public interface LimitDeclarations {
  /** The limits and budgets this module may ask for. */
  List<DeclaredLimit> limits();
}
