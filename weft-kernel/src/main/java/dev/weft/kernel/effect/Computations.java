package dev.weft.kernel.effect;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The registry of computations effects may name, by name. Immutable. */
public final class Computations {
  private final Map<String, Computation> byName;

  private Computations(Map<String, Computation> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** Every computation registered through {@link ServiceLoader}. */
  public static Computations discover() {
    Map<String, Computation> found = new TreeMap<>();
    ServiceLoader.load(Computation.class).forEach(c -> found.put(c.name(), c));
    return new Computations(found);
  }

  /** The computation, or null if none has that name. */
  public Computation find(String name) {
    return byName.get(name);
  }
}
