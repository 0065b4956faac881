package dev.weft.cli.ec;

import dev.weft.cli.CliContext;
import dev.weft.cli.demo.DemoStep;
import dev.weft.ec.codec.Backend;
import dev.weft.ec.dataset.DirectoryBlockStore;
import dev.weft.ec.dataset.EcDataset;
import dev.weft.ec.files.ShardDirectory;
import dev.weft.ec.files.ShardStatus;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.progress.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The erasure-coding part of {@code weft demo}: encodes 64 MiB of generated data into 10 + 4 shards,
 * deletes two and corrupts one, decodes and repairs; then stores it as a dataset, loses blocks and reads
 * it back. Everything under {@code demoDir/ec}.
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
    Path blocks = dir.resolve("blocks");
    for (Path p : List.of(shards, blocks)) {
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

    DirectoryBlockStore store = new DirectoryBlockStore(blocks);
    t0 = System.nanoTime();
    EcDataset.Stored st = EcDataset.put(input, store,
        new EcDataset.PutOptions(10, 4, EcDataset.DEFAULT_BLOCK_SIZE, MatrixKind.CAUCHY, kernel), ctx.pool(),
        ProgressListener.NONE);
    out.printf("stored as dataset %s: %d steps of 10 + 4 blocks of 64 KiB in %s (%.0f ms)%n", st.id(),
        st.manifest().steps(), blocks, (System.nanoTime() - t0) / 1e6);
    var man = st.manifest();
    for (int row : new int[] {0, 5, 12}) {
      Files.delete(store.pathOf(man.blocks().get(man.blockIndex(row, 42))));
    }
    out.println("deleted 3 blocks of column 42");
    Path got = dir.resolve("dataset.bin");
    EcDataset.Report r = EcDataset.get(st.id(), store, got, kernel, true, ctx.pool(), ProgressListener.NONE);
    out.printf("read back into %s: %d blocks rebuilt in columns %s, %s%n", got, r.rebuiltBlocks(), r.damagedSteps(),
        Arrays.equals(data, Files.readAllBytes(got)) ? "identical to the input" : "DIFFERENT from the input");
    out.printf("try: ./weft ec verify %s ; ./weft ec get %s --store %s -o out.bin%n", shards, st.id(), blocks);
    out.flush();
  }
}
