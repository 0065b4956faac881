package dev.weft.runtime.limit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of named limits and byte budgets. A subsystem asks for its limit by name with its default
 * size; an override given here (from the CLI's {@code --limit name=value}) wins, so every limit is
 * configurable without the subsystem knowing where configuration comes from.
 */
public final class Limits {
  private final Map<String, Long> overrides;
  private final Map<String, NamedLimit> limits = new ConcurrentHashMap<>();
  private final Map<String, ByteBudget> budgets = new ConcurrentHashMap<>();

  public Limits() {
    this(Map.of());
  }

  /**
   * @param overrides limit or budget name to the size to use instead of the subsystem's default
   * @throws IllegalArgumentException if a size is below 1 or a limit's permits would not fit an int
   */
  public Limits(Map<String, Long> overrides) {
    overrides.forEach((name, size) -> {
      if (size == null || size < 1) {
        throw new IllegalArgumentException("limit " + name + " must be at least 1, got " + size);
      }
    });
    this.overrides = Map.copyOf(overrides);
  }

  /** The concurrency limit called {@code name}, created with {@code defaultPermits} unless overridden. */
  public NamedLimit limit(String name, int defaultPermits) {
    // A permit count beyond int range means "unlimited" in practice: clamp rather than fail.
    return limits.computeIfAbsent(name,
        n -> new NamedLimit(n, (int) Math.min(Integer.MAX_VALUE, overrides.getOrDefault(n, (long) defaultPermits))));
  }

  /** The byte budget called {@code name}, created with {@code defaultBytes} unless overridden. */
  public ByteBudget budget(String name, long defaultBytes) {
    return budgets.computeIfAbsent(name, n -> new ByteBudget(n, overrides.getOrDefault(n, defaultBytes)));
  }

  /**
   * Override names no subsystem has asked for so far, sorted: after a command ran, these are most likely
   * misspelt, and the CLI warns about them.
   */
  public List<String> unusedOverrides() {
    return overrides.keySet().stream().filter(n -> !limits.containsKey(n) && !budgets.containsKey(n)).sorted().toList();
  }

  /**
   * Every limit and budget the modules on the class path declare ({@link LimitDeclarations} services),
   * sorted by name.
   */
  public static List<DeclaredLimit> declared() {
    java.util.TreeMap<String, DeclaredLimit> all = new java.util.TreeMap<>();
    for (LimitDeclarations d : java.util.ServiceLoader.load(LimitDeclarations.class, Limits.class.getClassLoader())) {
      d.limits().forEach(l -> all.putIfAbsent(l.name(), l));
    }
    return List.copyOf(all.values());
  }

  /** Snapshots of every limit and budget created so far, sorted by name. */
  public List<LimitMetrics> metrics() {
    List<LimitMetrics> all = new ArrayList<>();
    limits.values().forEach(l -> all.add(l.metrics()));
    budgets.values().forEach(b -> all.add(b.metrics()));
    all.sort(java.util.Comparator.comparing(LimitMetrics::name));
    return all;
  }
}
