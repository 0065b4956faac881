package dev.weft.cli.ec;

import dev.weft.cli.CliContext;
import dev.weft.cli.demo.DemoStep;
import dev.weft.ec.codec.Backend;
import dev.weft.ec.dataset.EcDataset;
import dev.weft.ec.files.ShardDirectory;
import dev.weft.ec.files.ShardStatus;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.dataset.RepositoryDatasets;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.ObjectId;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The erasure-coding part of {@code weft demo}: encodes 64 MiB of generated data into 10 + 4 shards,
 * deletes two and corrupts one, decodes and repairs; then stores it as a dataset in the repository
 * ({@code weft put --ec}), loses blocks and reads it back with {@code weft get --repair}. Files under
 * {@code demoDir/ec}, the dataset in {@code --repo}.
 */
public final class EcDemoStep implements DemoStep {
  @Override
  public String title() {
    return "erasure coding";
  }

  @Override
  public void run(CliContext ctx, Path demoDir) throws Exception {
    PrintWriter out = ctx.out();
    Path dir = demoDir.resolve("ec");
    Path shards = dir.resolve("shards");
    for (Path p : List.of(shards)) {
      if (Files.exists(p)) {
        try (var walk = Files.walk(p)) {
          walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
    Files.createDirectories(dir);
    Path input = dir.resolve("sample.bin");
    byte[] data = new byte[64 << 20];
    new Random(2026).nextBytes(data);
    Files.write(input, data);
    GfKernel kernel = Backend.AUTO.kernel();

    long t0 = System.nanoTime();
    ShardDirectory sd = ShardDirectory.encode(input, shards,
        new ShardDirectory.EncodeOptions(10, 4, ShardDirectory.DEFAULT_STRIPE_UNIT, MatrixKind.CAUCHY, kernel),
        ctx.pool(), ProgressListener.NONE);
    out.printf("encoded %s (64 MiB) into 10 + 4 shards in %s: %.0f ms (%s kernel, %d threads)%n", input, shards,
        (System.nanoTime() - t0) / 1e6, kernel.name(), ctx.pool().parallelism());
    Files.delete(shards.resolve("shard-02.bin"));
    Files.delete(shards.resolve("shard-11.bin"));
    byte[] s7 = Files.readAllBytes(shards.resolve("shard-07.bin"));
    s7[12345] ^= 0x40;
    Files.write(shards.resolve("shard-07.bin"), s7);
    out.println("deleted shard-02.bin and shard-11.bin, flipped a bit in shard-07.bin");
    List<ShardStatus> status = sd.check(ctx.pool(), ProgressListener.NONE);
    status.stream().filter(s -> !s.ok()).forEach(s -> out.println("  found: " + s.describe()));
    Path decoded = dir.resolve("decoded.bin");
    sd.decode(status, decoded, kernel, ctx.pool(), ProgressListener.NONE);
    out.printf("decoded into %s: %s%n", decoded,
        Arrays.equals(data, Files.readAllBytes(decoded)) ? "identical to the input" : "DIFFERENT from the input");
    sd.repair(status, kernel, ctx.pool(), ProgressListener.NONE);
    long intact = sd.check(ctx.pool(), ProgressListener.NONE).stream().filter(ShardStatus::ok).count();
    out.printf("repaired: %d of 14 shards intact again%n", intact);

    Repository repo = ctx.repository(true);
    t0 = System.nanoTime();
    EcDataset.Stored st = RepositoryDatasets.put(input, repo,
        new EcDataset.PutOptions(10, 4, EcDataset.DEFAULT_BLOCK_SIZE, MatrixKind.CAUCHY, kernel), ctx.pool(),
        ProgressListener.NONE);
    out.printf("weft put --ec 10+4: dataset %s, %d steps of 10 + 4 blocks of 64 KiB in %s (%.0f ms)%n", st.id(),
        st.manifest().steps(), ctx.repo(), (System.nanoTime() - t0) / 1e6);
    var man = st.manifest();
    for (int row : new int[] {0, 5, 12}) {
      Files.deleteIfExists(repo.objectPath(ObjectId.parseOrNull(man.blocks().get(man.blockIndex(row, 42)))));
    }
    out.println("deleted the objects of 3 blocks of column 42 from the repository");
    Path got = dir.resolve("dataset.bin");
    EcDataset.Report r = RepositoryDatasets.get(st.id(), repo, got, kernel, true, ctx.pool(), ProgressListener.NONE)
        .report();
    out.printf("weft get --repair into %s: %d blocks rebuilt in columns %s and stored back, %s%n", got,
        r.rebuiltBlocks(), r.damagedSteps(),
        Arrays.equals(data, Files.readAllBytes(got)) ? "identical to the input" : "DIFFERENT from the input");
    out.printf("try: ./weft ec verify %s ; ./weft --repo %s get %s -o out.bin ; ./weft --repo %s rm %s%n", shards,
        ctx.repo(), st.id(), ctx.repo(), st.id());
    out.flush();
  }
}
