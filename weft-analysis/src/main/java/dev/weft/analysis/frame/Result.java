package dev.weft.analysis.frame;

import java.util.function.Supplier;

/**
 * A booked action's result. Nothing runs when it is booked; the first {@link #get()} on any result of a
 * dataframe runs every action booked on it in one pass.
 */
public final class Result<T> {
  private final Plan plan;
  private final Supplier<T> value;

  Result(Plan plan, Supplier<T> value) {
    this.plan = plan;
    this.value = value;
  }

  public T get() {
    plan.run();
    return value.get();
  }
}
