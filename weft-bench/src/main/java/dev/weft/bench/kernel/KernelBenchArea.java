package dev.weft.bench.kernel;

import dev.weft.cli.bench.BenchArea;
import dev.weft.cli.bench.BenchContext;
import dev.weft.cli.bench.BenchOutput;
import dev.weft.cli.kernel.KernelBench;
import java.nio.file.Files;

/** {@code weft bench kernel}: the same measurements as {@code weft kernel bench} (one implementation). */
public final class KernelBenchArea implements BenchArea {
  @Override
  public String name() {
    return "kernel";
  }

  @Override
  public String description() {
    return "journal append/replay, sequential vs speculative apply, restart (args: append replay apply live restart)";
  }

  @Override
  public void run(BenchContext ctx, BenchOutput out) throws Exception {
    new KernelBench(out, ctx.log(), ctx.cli().pool(), ctx.quick(), Files.createTempDirectory("weft-kernel-bench"))
        .run(ctx.args());
  }
}
