package dev.weft.cli.kernel;

import dev.weft.cli.CliContext;
import dev.weft.cli.bench.BenchOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft kernel bench}: the kernel's benchmarks (also {@code weft bench kernel}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure the kernel's append, replay, apply, live and restart speed.",
        "Ops: durable append, replay read + CRC, replay with apply, sequential vs",
        "speculative apply of the ledger, the live kernel one event at a time vs",
        "speculative micro-batches, restart from snapshot + tail. With --json one",
        "object per line: bench, impl, op, accounts, work_us, threads, value (events/s",
        "or s), unit, state_hash."})
public final class KernelBenchCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "OP", description = "Which: append, replay, apply, live, restart (default: all).")
  List<String> ops = new ArrayList<>();

  @Option(names = "--quick", description = "Short runs (smaller journals, one repetition).")
  boolean quick;

  @Option(names = "--dir", paramLabel = "DIR", description = "Scratch directory (default: a new temporary directory).")
  Path dir;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext cli = CliContext.of(spec);
    Path scratch = dir != null ? dir.resolve("weft-kernel-bench") : Files.createTempDirectory("weft-kernel-bench");
    new KernelBench(new BenchOutput(cli, "kernel"), cli.err(), cli.pool(), quick, scratch).run(ops);
    return 0;
  }
}
