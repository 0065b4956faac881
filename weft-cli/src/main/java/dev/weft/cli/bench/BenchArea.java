package dev.weft.cli.bench;

/**
 * One area of {@code weft bench} (runtime, ec, import, kernel, analysis, locks…). Implementations live in
 * weft-bench, which carries the peers and JMH, and are found with {@link java.util.ServiceLoader}.
 */
public interface BenchArea {
  /** The name typed after {@code weft bench}. */
  String name();

  /** One line for {@code weft bench --help}. */
  String description();

  /** Runs the benchmarks, reporting each measurement through {@code out}. */
  void run(BenchContext ctx, BenchOutput out) throws Exception;
}
