package dev.weft.cli.bench;

import dev.weft.cli.CliContext;
import dev.weft.runtime.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft bench <area>}: the one entry point for benchmarks against peers in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark an area against its peers in the same run.",
        "With --json: one JSON object per line (bench, impl, op, threads, value, unit, parameters)."})
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "AREA", description = "The area to measure; omit to list them.")
  String area;

  @Parameters(index = "1..*", paramLabel = "ARG", description = "Area-specific arguments.")
  List<String> args = new ArrayList<>();

  @Option(names = "--quick", description = "A short run (fewer sizes and iterations) for smoke tests.")
  boolean quick;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext cli = CliContext.of(spec);
    TreeMap<String, BenchArea> areas = new TreeMap<>();
    ServiceLoader.load(BenchArea.class).forEach(a -> areas.put(a.name(), a));
    if (area == null) {
      if (areas.isEmpty()) {
        cli.out().println("no benchmark areas in this build; run benchmarks through ./weft bench (the bench build)");
      }
      areas.values().forEach(a -> cli.out().printf("  %-10s %s%n", a.name(), a.description()));
      return 0;
    }
    BenchArea chosen = areas.get(area);
    if (chosen == null) {
      throw new UsageException("unknown benchmark area '" + area + "'; known: " + String.join(", ", areas.keySet()));
    }
    chosen.run(new BenchContext(cli, quick, List.copyOf(args)), new BenchOutput(cli, chosen.name()));
    return 0;
  }
}
