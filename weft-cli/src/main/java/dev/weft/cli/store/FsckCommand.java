package dev.weft.cli.store;

import dev.weft.cli.CliContext;
import dev.weft.runtime.ExitCodes;
import dev.weft.store.maint.Fsck;
import dev.weft.store.repo.Repository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft fsck}: checks the repository. */
@Command(name = "fsck", mixinStandardHelpOptions = true,
    description = {"Re-hash every object in parallel and check every stream, ref and OCI digest.",
        "Exit 3 naming each bad object or stream; exit 0 when all is well.",
        "With --repair the exit is 0 once every problem found was removed: what was found and removed is "
            + "printed (and listed under \"problems\" and \"removed\" with --json), so a script tells \"was clean\" "
            + "from \"was repaired\" by an empty \"removed\"."})
public final class FsckCommand implements Callable<Integer> {
  @Option(names = "--repair", description = "Remove bad objects, the streams that need them and dangling refs, so the next import refetches them.")
  boolean repair;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    Repository repo = ctx.repository(false);
    Fsck.Report r = new Fsck(repo, ctx.pool(), ctx.progress()).run(repair);
    if (ctx.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", r.ok());
      m.put("objects", r.objects());
      m.put("streams", r.streams());
      m.put("refs", r.refs());
      m.put("problems", r.problems());
      m.put("removed", r.removed());
      ctx.printJson(m);
    } else {
      r.problems().forEach(p -> ctx.err().println("weft: fsck: " + p));
      r.removed().forEach(p -> ctx.out().println("removed " + p));
      ctx.out().printf("checked %,d objects, %,d streams, %,d refs: %s%n", r.objects(), r.streams(), r.refs(),
          r.ok() ? "ok" : r.problems().size() + " problems" + (repair ? " (repaired; re-import to refetch)" : ""));
    }
    return r.ok() || repair ? 0 : ExitCodes.BAD_DATA;
  }
}
