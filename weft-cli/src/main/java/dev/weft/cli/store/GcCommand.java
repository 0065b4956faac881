package dev.weft.cli.store;

import dev.weft.cli.CliContext;
import dev.weft.store.maint.Gc;
import dev.weft.store.repo.Repository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft gc}: removes what no ref reaches. */
@Command(name = "gc", mixinStandardHelpOptions = true,
    description = "Remove streams and objects no ref reaches (under the repository's exclusive lock).")
public final class GcCommand implements Callable<Integer> {
  @Option(names = "--dry-run", description = "Report what would be removed; remove nothing.")
  boolean dryRun;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    Repository repo = ctx.repository(false);
    Gc.Report r = new Gc(repo).run(dryRun);
    if (ctx.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dry_run", r.dryRun());
      m.put("streams", r.streams());
      m.put("objects", r.objects());
      m.put("bytes", r.bytes());
      m.put("temp_files", r.tempFiles());
      m.put("kept_objects", r.keptObjects());
      ctx.printJson(m);
    } else {
      ctx.out().printf("%s %d streams, %,d objects (%,d bytes), %d temporary files; kept %,d objects%n",
          dryRun ? "would remove" : "removed", r.streams().size(), r.objects(), r.bytes(), r.tempFiles(), r.keptObjects());
    }
    return 0;
  }
}
