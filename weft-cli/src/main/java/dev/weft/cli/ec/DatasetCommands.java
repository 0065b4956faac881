package dev.weft.cli.ec;

import dev.weft.cli.CliContext;
import dev.weft.ec.dataset.DirectoryBlockStore;
import dev.weft.ec.dataset.EcDataset;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.UsageException;
import dev.weft.store.dataset.RepositoryDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weft put --ec K+M FILE} / {@code weft get ID -o OUT}: erasure-coded datasets in the repository
 * ({@code --repo}; blocks are objects, kept by gc through the ref {@code ec/ID}). The same commands are
 * also {@code weft ec put|get}, and with {@code --store DIR} they use a plain block-store directory instead
 * (ids = SHA-256). One class per command serves both places so the two cannot drift apart.
 */
public final class DatasetCommands {
  private DatasetCommands() {}

  /** Ids in a {@code --store} directory: SHA-256 in lower-case hex. */
  private static final Pattern STORE_ID = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern SHAPE = Pattern.compile("(\\d{1,3})\\+(\\d{1,3})");

  @Command(name = "put", mixinStandardHelpOptions = true,
      description = {"Store FILE as an erasure-coded dataset and print its id.",
          "Blocks are laid out in interleaved steps of K data + M parity blocks with a protected manifest;",
          "the id is the manifest's block id."})
  public static final class Put implements Callable<Integer> {
    @Option(names = "--ec", required = true, paramLabel = "K+M",
        description = "Data and parity blocks per step, e.g. 10+4: K >= 1, M >= 1, K + M <= 256 (up to 3 digits each).")
    String shape;

    @Option(names = "--block-size", paramLabel = "BYTES", defaultValue = "65536",
        description = {"Block size in bytes, 4096 (each block is one object in the store) to 67108864 (64 MiB).",
            "Each step being coded holds (K + M) x BYTES in memory. Default: ${DEFAULT-VALUE}."})
    int blockSize;

    /** Every block is a file: below a page, a file of a few MB would become hundreds of thousands of them. */
    static final int MIN_BLOCK_SIZE = 4096;
    /** Steps are coded in parallel, each holding (K + M) blocks on the heap: bounded so that stays sane. */
    static final int MAX_BLOCK_SIZE = 64 << 20;

    @Option(names = "--store", paramLabel = "DIR",
        description = "Use a block store directory (blocks named by SHA-256 under DIR/xx/...) instead of the repository.")
    Path store;

    @Parameters(index = "0", paramLabel = "FILE", description = "The file to store.")
    Path file;

    @Mixin
    EcCommand.BackendOption backend = new EcCommand.BackendOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      Matcher mt = SHAPE.matcher(shape);
      if (!mt.matches()) {
        throw new UsageException("--ec must look like K+M, e.g. 10+4, got '" + shape + "'");
      }
      if (blockSize < MIN_BLOCK_SIZE) {
        throw new UsageException("--block-size must be at least " + MIN_BLOCK_SIZE
            + " bytes (each block is one object in the store), got " + blockSize);
      }
      if (blockSize > MAX_BLOCK_SIZE) {
        throw new UsageException("--block-size must be at most " + MAX_BLOCK_SIZE + " bytes (64 MiB), got " + blockSize);
      }
      GfKernel kernel = backend.kernel(ctx);
      EcDataset.PutOptions opt = new EcDataset.PutOptions(Integer.parseInt(mt.group(1)),
          Integer.parseInt(mt.group(2)), blockSize, MatrixKind.CAUCHY, kernel);
      EcDataset.Stored st = store != null
          ? EcDataset.put(file, new DirectoryBlockStore(store), opt, ctx.pool(), ctx.progress())
          : RepositoryDatasets.put(file, ctx.repository(true), opt, ctx.pool(), ctx.progress());
      if (ctx.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("op", "put");
        o.put("id", st.id());
        o.put("k", st.manifest().k());
        o.put("m", st.manifest().m());
        o.put("length", st.manifest().length());
        o.put("steps", st.manifest().steps());
        o.put("blocks", st.manifest().blocks().size());
        o.put("backend", kernel.name());
        ctx.printJson(o);
      } else {
        ctx.out().println(st.id());
        if (!ctx.quiet()) {
          ctx.err().printf("stored %s (%,d bytes) as %d steps of %s blocks of %,d bytes in %s%n", file,
              st.manifest().length(), st.manifest().steps(), shape, blockSize, store != null ? store : ctx.repo());
        }
      }
      return 0;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Read dataset ID back into OUT, rebuilding lost blocks.",
          "Every block is verified; missing or corrupt ones are reconstructed from any K of their column.",
          "Fails (exit 3), naming the column, if more than M of a column are gone."})
  public static final class Get implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The dataset id printed by 'weft put'.")
    String id;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Where to write the file.")
    Path output;

    @Option(names = "--store", paramLabel = "DIR", description = "Read from a block store directory instead of the repository.")
    Path store;

    @Option(names = "--repair", description = "Also write rebuilt blocks back into the repository (or store).")
    boolean repair;

    @Mixin
    EcCommand.BackendOption backend = new EcCommand.BackendOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      GfKernel kernel = backend.kernel(ctx);
      EcDataset.Report r;
      if (store != null) {
        if (!Files.isDirectory(store)) {
          throw new UsageException(store + ": store does not exist" + (Files.exists(store) ? " (not a directory)" : ""));
        }
        if (!STORE_ID.matcher(id).matches()) {
          // As for the repository: a malformed id is a usage error (2), an unknown one bad data (3).
          throw new UsageException(id + ": not a dataset id (64 hex digits, as printed by 'weft put')");
        }
        r = EcDataset.get(id, new DirectoryBlockStore(store), output, kernel, repair, ctx.pool(), ctx.progress());
      } else {
        RepositoryDatasets.Got got = RepositoryDatasets.get(id, ctx.repository(false), output, kernel,
            repair, ctx.pool(), ctx.progress());
        r = got.report();
        if (got.streamRepublished() != null) {
          ctx.err().println("weft: dataset " + id + ": " + got.streamRepublished() + "; republished it");
        }
      }
      if (!r.damagedSteps().isEmpty()) {
        ctx.err().println("weft: dataset " + id + ": " + r.damagedBlocks() + " block(s) missing or corrupt in column(s) "
            + r.damagedSteps() + "; rebuilt" + (repair ? " and stored back" : " (use --repair to store them back)"));
      }
      if (ctx.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("op", "get");
        o.put("id", id);
        o.put("output", output.toString());
        o.put("length", r.manifest().length());
        o.put("damaged_blocks", r.damagedBlocks());
        o.put("rebuilt_blocks", r.rebuiltBlocks());
        o.put("damaged_columns", r.damagedSteps());
        o.put("backend", kernel.name());
        ctx.printJson(o);
      } else if (!ctx.quiet()) {
        ctx.out().printf("wrote %s (%,d bytes)%n", output, r.manifest().length());
      }
      return 0;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = {"Delete dataset ID from the repository: drops its ref ec/ID.",
          "Its blocks stay readable until the next 'weft gc', which frees every block no other ref reaches.",
          "Exit 3 if the repository has no dataset ID (as for 'weft get'), 2 if ID is not a dataset id."})
  public static final class Rm implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "The dataset id printed by 'weft put'.")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      RepositoryDatasets.remove(id, ctx.repository(false));
      if (ctx.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("op", "rm");
        o.put("id", id);
        o.put("ref", RepositoryDatasets.refName(id));
        ctx.printJson(o);
      } else if (!ctx.quiet()) {
        ctx.out().printf("removed dataset %s (ref %s); 'weft gc' frees its blocks%n", id, RepositoryDatasets.refName(id));
      }
      return 0;
    }
  }
}
