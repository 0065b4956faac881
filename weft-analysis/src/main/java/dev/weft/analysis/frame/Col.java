package dev.weft.analysis.frame;

/**
 * A handle to one value per event: a column read from the file or one made by {@code define}. Obtained
 * from a {@link DataFrame}; read inside lambdas with {@link Event#get(Col)}.
 */
public final class Col {
  enum Source {
    FLOAT,
    DOUBLE,
    INT,
    DEFINED
  }

  final String name;
  final Source source;
  /** Index into the plan's raw columns of that type, or into its defines. */
  final int slot;
  final Plan plan;

  Col(Plan plan, String name, Source source, int slot) {
    this.plan = plan;
    this.name = name;
    this.source = source;
    this.slot = slot;
  }

  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return name;
  }
}
