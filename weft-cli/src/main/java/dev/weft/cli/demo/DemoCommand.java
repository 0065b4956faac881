package dev.weft.cli.demo;

import dev.weft.cli.CliContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft demo}: weft's main job on its embedded default, one step per workload. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run every workload end to end on generated sample data.",
        "Prints what each step did and where its outputs are; sample data and outputs go to --dir,",
        "the repository to --repo (default ./weft-repo)."})
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--dir", paramLabel = "DIR", description = "Where sample data and outputs go (default: ./weft-demo).")
  Path dir = Path.of("weft-demo");

  @Spec
  CommandSpec spec;

  /** The workloads' steps, in the order the demo runs them. */
  static List<DemoStep> steps() {
    // One line per workload; keep each on its own line so parallel branches merge cleanly.
    List<DemoStep> steps = new java.util.ArrayList<>();
    steps.add(new dev.weft.cli.ec.EcDemoStep());
    steps.add(new dev.weft.cli.store.StoreDemo());
    steps.add(new dev.weft.cli.kernel.KernelDemo());
    steps.add(new dev.weft.cli.analysis.AnalysisDemoStep());
    steps.add(new dev.weft.cli.locks.LocksDemoStep());
    return steps;
  }

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    Files.createDirectories(dir);
    ctx.out().printf("weft demo: %d threads, sample data and outputs in %s, repository in %s%n",
        ctx.pool().parallelism(), dir.toAbsolutePath(), ctx.repo().toAbsolutePath());
    for (DemoStep step : steps()) {
      ctx.out().println();
      ctx.out().println("== " + step.title() + " ==");
      ctx.out().flush();
      step.run(ctx, dir);
    }
    return 0;
  }
}
