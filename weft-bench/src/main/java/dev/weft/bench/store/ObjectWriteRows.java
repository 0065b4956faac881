package dev.weft.bench.store;

import dev.weft.cli.bench.BenchOutput;
import dev.weft.store.fs.TmpfileWriter;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The per-object cost of writing the bench layer's objects, apart from reading and hashing the layer
 * (docs/bench/store.md, round 7): the CPU the writing thread spends per object (user and kernel, from
 * ThreadMXBean) through {@code Repository.storeObject}, and through the cheapest crash-safe file creation
 * alone ({@code open(O_TMPFILE)}, {@code write}, {@code linkat}, {@code close}, no existence check). Both
 * write the layer's object count with the layer's object sizes (regular files over 64 bytes; contents
 * random, each object different), one thread, each run into a new directory. {@code layer_cpu_s} is that
 * per-object cost times the objects: what writing them costs one core, to set against {@code
 * budget_cpu_s}, the whole import's CPU at 250 MB/s per core.
 */
final class ObjectWriteRows {
  /** Files above this go through the piecewise path in an import; capped here so one buffer serves all. */
  private static final int MAX_SIZE = 8 << 20;
  private static final int INLINE_MAX = 64;

  private ObjectWriteRows() {}

  static void emit(Path work, List<Path> files, double tarMb, int runs, BenchOutput out) throws IOException {
    int[] sizes = files.stream().mapToLong(ObjectWriteRows::size).filter(s -> s > INLINE_MAX)
        .mapToInt(s -> (int) Math.min(s, MAX_SIZE)).toArray();
    long bytes = Arrays.stream(sizes).asLongStream().sum();
    byte[] data = new byte[Arrays.stream(sizes).max().orElse(1)];
    new Random(7).nextBytes(data);
    ObjectId[] ids = new ObjectId[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      stamp(data, i);
      ids[i] = FsVerity.digest(data, 0, sizes[i]);
    }
    row(out, "weft", "object-write", sizes, bytes, tarMb, runs, work, (dir, i) -> {
      stamp(data, i);
      dir.repo.storeObject(ids[i], data, 0, sizes[i]);
    });
    if (!TmpfileWriter.supported(work)) {
      return; // no O_TMPFILE here: the import writes through temporary names, and there is no such floor row
    }
    row(out, "o_tmpfile", "file-create-floor", sizes, bytes, tarMb, runs, work, (dir, i) -> {
      stamp(data, i);
      String hex = ids[i].hex();
      TmpfileWriter.writeNew(dir.prefix(hex), hex.substring(2), data, 0, sizes[i]);
    });
  }

  private interface Write {
    void write(Target dir, int i) throws IOException;
  }

  /** Where one run writes: a new repository, and its {@code objects/XX} directories made up front. */
  private record Target(Repository repo, Path objects) {
    Path prefix(String hex) {
      return objects.resolve(hex.substring(0, 2));
    }
  }

  private static void row(BenchOutput out, String impl, String op, int[] sizes, long bytes, double tarMb, int runs,
      Path work, Write w) throws IOException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[] cpu = new double[runs];
    double[] user = new double[runs];
    for (int r = 0; r < runs; r++) {
      Path dir = work.resolve(op + "-" + r);
      Repository repo = Repository.open(dir, true);
      Path objects = dir.resolve("objects");
      for (int p = 0; p < 256; p++) {
        Files.createDirectories(objects.resolve(HexFormat.of().toHexDigits((byte) p)));
      }
      Target t = new Target(repo, objects);
      long c0 = mx.getCurrentThreadCpuTime();
      long u0 = mx.getCurrentThreadUserTime();
      for (int i = 0; i < sizes.length; i++) {
        w.write(t, i);
      }
      cpu[r] = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / sizes.length;
      user[r] = (mx.getCurrentThreadUserTime() - u0) / 1e3 / sizes.length;
      repo.barrier();
    }
    // Not deleted here (the scratch directory goes at the end of the bench): ext4 without a journal skips
    // recently freed inodes when it allocates, so creating files right after deleting their siblings can
    // cost several times as much per file (docs/bench/store.md, round 7).
    int mid = medianIndex(cpu);
    out.row(impl, op, 1).param("objects", sizes.length).param("object_mb", Math.round(bytes / 1e5) / 10.0)
        .param("user_us", round1(user[mid])).param("kernel_us", round1(cpu[mid] - user[mid]))
        .param("layer_cpu_s", Math.round(cpu[mid] * sizes.length / 1e3) / 1e3)
        .param("budget_cpu_s", Math.round(tarMb / 250 * 100) / 100.0)
        .emit(round1(cpu[mid]), "us/object");
  }

  /** The run with the median CPU per object. */
  private static int medianIndex(double[] v) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
    return order[v.length / 2];
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** Makes object i's bytes differ from every other's (the first 4 bytes of the shared buffer). */
  private static void stamp(byte[] data, int i) {
    data[0] = (byte) i;
    data[1] = (byte) (i >>> 8);
    data[2] = (byte) (i >>> 16);
    data[3] = (byte) (i >>> 24);
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0; // a file gone since the layer was written: not an object of it either
    }
  }
}
