package dev.weft.cli.ec;

import dev.weft.cli.CliContext;
import dev.weft.ec.codec.Backend;
import dev.weft.ec.codec.BackendChoice;
import dev.weft.ec.files.ShardDirectory;
import dev.weft.ec.files.ShardStatus;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weft ec}: Reed–Solomon erasure coding of plain files into shard directories. */
@Command(name = "ec", mixinStandardHelpOptions = true,
    description = {"Erasure-code a file into K data + M parity shard files and rebuild it from any K of them.",
        "Parity is byte-identical to ISA-L and Hadoop's RS coder (Cauchy matrix over GF(2^8))."},
    subcommands = {EcCommand.Encode.class, EcCommand.Decode.class, EcCommand.Verify.class, EcCommand.Repair.class,
        DatasetCommands.Put.class, DatasetCommands.Get.class, DatasetCommands.Rm.class})
public final class EcCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The {@code --ec-backend} option every subcommand takes. */
  static final class BackendOption {
    @Option(names = "--ec-backend", paramLabel = "auto|java|isal", defaultValue = "auto",
        description = "Coding kernel: java (Vector API), isal (Intel ISA-L via FFM, if libisal is installed) "
            + "or auto (ISA-L when installed, else java; the choice and why are printed under --debug). "
            + "Default: ${DEFAULT-VALUE}.")
    Backend backend = Backend.AUTO;

    /** The chosen kernel; under --debug the choice and its reason go to stderr. */
    GfKernel kernel(CliContext ctx) {
      BackendChoice choice;
      try {
        choice = backend.choose();
      } catch (IllegalStateException e) {
        throw new UsageException(e.getMessage());
      }
      if (ctx.global().debug()) {
        ctx.err().println("weft: ec backend " + choice.kernel().name() + " (" + choice.reason() + ")");
        ctx.err().flush();
      }
      return choice.kernel();
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = {"Split INPUT into K data shards plus M parity shards in OUTDIR, with OUTDIR/manifest.json.",
          "Streams in stripes: memory is (2K + M) x --shard-size bytes whatever the input size "
              + "(the next stripe is read while the current one is encoded and written)."})
  static final class Encode implements Callable<Integer> {
    @Option(names = {"-k", "--data"}, required = true, paramLabel = "K", description = "Data shards (1..255).")
    int k;

    @Option(names = {"-m", "--parity"}, required = true, paramLabel = "M",
        description = "Parity shards (1..255, K + M <= 256): up to M shards may be lost.")
    int m;

    @Option(names = "--shard-size", paramLabel = "BYTES", defaultValue = "1048576",
        description = {"Stripe unit (not the shard file size): bytes of each shard per stripe.",
            "The input is cut into stripes of K x BYTES; smaller inputs use one smaller stripe.",
            "Buffers take (2K + M) x BYTES. 1 to 1073741824 (1 GiB). Default: ${DEFAULT-VALUE}."})
    long shardSize;

    @Option(names = "--matrix", paramLabel = "cauchy|vandermonde|xor", defaultValue = "cauchy",
        description = "Generator matrix: cauchy (ISA-L/Hadoop compatible), vandermonde "
            + "(Backblaze JavaReedSolomon / klauspost compatible) or xor (M must be 1: parity = XOR of the data, "
            + "klauspost's WithFastOneParityMatrix; coded without table lookups). Default: ${DEFAULT-VALUE}.")
    String matrix;

    @Parameters(index = "0", paramLabel = "INPUT", description = "The file to encode.")
    Path input;

    @Parameters(index = "1", paramLabel = "OUTDIR", description = "Directory for the shards and manifest.json.")
    Path outDir;

    @picocli.CommandLine.Mixin
    BackendOption backend = new BackendOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      MatrixKind kind = switch (matrix) {
        case "cauchy" -> MatrixKind.CAUCHY;
        case "vandermonde" -> MatrixKind.VANDERMONDE;
        case "xor" -> MatrixKind.XOR;
        default -> throw new UsageException("--matrix must be cauchy, vandermonde or xor, got '" + matrix + "'");
      };
      GfKernel kernel = backend.kernel(ctx);
      long started = System.nanoTime();
      ShardDirectory sd = ShardDirectory.encode(input, outDir,
          new ShardDirectory.EncodeOptions(k, m, shardSize, kind, kernel), ctx.pool(), ctx.progress());
      double seconds = (System.nanoTime() - started) / 1e9;
      var man = sd.manifest();
      if (ctx.json()) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("op", "encode");
        o.put("dir", outDir.toString());
        o.put("k", k);
        o.put("m", m);
        o.put("length", man.length());
        o.put("shard_length", man.shardLength());
        o.put("stripe_unit", man.stripeUnit());
        o.put("backend", kernel.name());
        o.put("memory_bytes", ShardDirectory.memoryBudget(k, m, man.stripeUnit()));
        o.put("seconds", seconds);
        ctx.printJson(o);
      } else if (!ctx.quiet()) {
        ctx.out().printf("encoded %s (%,d bytes) into %d + %d shards of %,d bytes in %s (%s, %.2f s, buffers %,d bytes)%n",
            input, man.length(), k, m, man.shardLength(), outDir, kernel.name(), seconds,
            ShardDirectory.memoryBudget(k, m, man.stripeUnit()));
      }
      return 0;
    }
  }

  @Command(name = "decode", mixinStandardHelpOptions = true,
      description = {"Rebuild the original file from any K intact shards of OUTDIR into OUTPUT.",
          "Missing or corrupt shards are named on stderr; with more than M of them nothing is written (exit 3)."})
  static final class Decode implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUTDIR", description = "A shard directory made by 'weft ec encode'.")
    Path dir;

    @Parameters(index = "1", paramLabel = "OUTPUT", description = "Where to write the rebuilt file (replaced atomically).")
    Path output;

    @picocli.CommandLine.Mixin
    BackendOption backend = new BackendOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      GfKernel kernel = backend.kernel(ctx);
      ShardDirectory sd = ShardDirectory.open(dir);
      List<ShardStatus> status = sd.check(ctx.pool(), ctx.progress());
      List<ShardStatus> bad = reportBad(ctx, dir, status);
      sd.decode(status, output, kernel, ctx.pool(), ctx.progress());
      if (ctx.json()) {
        ctx.printJson(result("decode", dir, status, bad, Map.of("output", output.toString(), "length", sd.manifest().length(),
            "backend", kernel.name())));
      } else if (!ctx.quiet()) {
        ctx.out().printf("decoded %s into %s (%,d bytes; %d shard(s) rebuilt in memory)%n", dir, output,
            sd.manifest().length(), bad.size());
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Check every shard of OUTDIR against the manifest (size and SHA-256), and the manifest's",
          "length against the shards' last stripe (tail_sha256 and zero padding, as decode checks it).",
          "Exit 0 if all are intact, 3 if any is missing or corrupt or the length is wrong (each is named)."})
  static final class Verify implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUTDIR", description = "A shard directory made by 'weft ec encode'.")
    Path dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      ShardDirectory sd = ShardDirectory.open(dir);
      List<ShardStatus> status = sd.check(ctx.pool(), ctx.progress());
      List<ShardStatus> bad = status.stream().filter(s -> !s.ok()).toList();
      boolean repairable = bad.size() <= sd.manifest().m();
      // One stripe at most, so the Java kernel on this thread; skipped by the library when too few are intact.
      String lengthProblem = null;
      try {
        sd.checkLength(status, Kernels.bestJava());
      } catch (BadDataException e) {
        lengthProblem = e.getMessage();
      }
      if (ctx.json()) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("repairable", repairable && lengthProblem == null);
        extra.put("length_ok", lengthProblem == null);
        ctx.printJson(result("verify", dir, status, bad, extra));
      } else {
        for (ShardStatus s : bad) {
          ctx.err().println("weft: " + dir + ": " + s.describe());
        }
        if (!ctx.quiet()) {
          ctx.out().printf("%s: %d of %d shards intact%s%n", dir, status.size() - bad.size(), status.size(),
              bad.isEmpty() ? "" : repairable ? "; repairable with 'weft ec repair'" : "; too many lost to repair");
        }
      }
      if (lengthProblem != null) {
        // The shards named above may be the cause; the manifest's length is the line that fails the run.
        ctx.err().flush();
        throw new BadDataException(lengthProblem);
      }
      if (!bad.isEmpty()) {
        ctx.err().flush();
        throw new BadDataException(dir + ": " + bad.size() + " of " + status.size() + " shards missing or corrupt");
      }
      return 0;
    }
  }

  @Command(name = "repair", mixinStandardHelpOptions = true,
      description = {"Rewrite the missing or corrupt shards of OUTDIR from the intact ones.",
          "Each rebuilt shard is checked against the manifest before it replaces the bad one."})
  static final class Repair implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUTDIR", description = "A shard directory made by 'weft ec encode'.")
    Path dir;

    @picocli.CommandLine.Mixin
    BackendOption backend = new BackendOption();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      CliContext ctx = CliContext.of(spec);
      GfKernel kernel = backend.kernel(ctx);
      ShardDirectory sd = ShardDirectory.open(dir);
      List<ShardStatus> status = sd.check(ctx.pool(), ctx.progress());
      List<ShardStatus> bad = reportBad(ctx, dir, status);
      sd.repair(status, kernel, ctx.pool(), ctx.progress());
      if (ctx.json()) {
        ctx.printJson(result("repair", dir, status, bad, Map.of("backend", kernel.name())));
      } else if (!ctx.quiet()) {
        ctx.out().printf(bad.isEmpty() ? "%s: all %d shards intact, nothing to repair%n"
            : "%s: rewrote %d of %d shards%n", dir, bad.isEmpty() ? status.size() : bad.size(), status.size());
      }
      return 0;
    }
  }

  /** Names each bad shard on stderr (also with --json, where stdout carries only the result). */
  static List<ShardStatus> reportBad(CliContext ctx, Path dir, List<ShardStatus> status) {
    List<ShardStatus> bad = status.stream().filter(s -> !s.ok()).toList();
    for (ShardStatus s : bad) {
      ctx.err().println("weft: " + dir + ": " + s.describe()); // as 'ec verify' names them
    }
    ctx.err().flush();
    return bad;
  }

  static Map<String, Object> result(String op, Path dir, List<ShardStatus> status, List<ShardStatus> bad,
      Map<String, Object> extra) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("op", op);
    o.put("dir", dir.toString());
    o.put("shards", status.size());
    o.put("bad", bad.stream().map(s -> Map.of("index", s.index(), "file", s.file(), "state",
        s.state().name().toLowerCase(java.util.Locale.ROOT))).toList());
    o.putAll(extra);
    return o;
  }
}
