package dev.weft.cli.locks;

import dev.weft.cli.CliContext;
import dev.weft.cli.demo.DemoStep;
import java.nio.file.Path;

/** {@code weft demo}'s locks step; the work is in {@link LocksDemo} so tests can run it on their own pool. */
public final class LocksDemoStep implements DemoStep {
  @Override
  public String title() {
    return "locks (barging with 1 ms hand-off)";
  }

  @Override
  public void run(CliContext ctx, Path demoDir) throws Exception {
    LocksDemo.Result r = LocksDemo.run(ctx.pool(), demoDir.resolve("locks"), ctx.out());
    CliContext.jsonMapper().writerWithDefaultPrettyPrinter()
        .writeValue(demoDir.resolve("locks").resolve("summary.json").toFile(), r);
    ctx.out().println("  summary: " + demoDir.resolve("locks").resolve("summary.json").toAbsolutePath());
    ctx.out().flush();
  }
}
