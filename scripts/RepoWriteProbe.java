import dev.weft.store.repo.Repository;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Round-7 probe for issue #4 (docs/bench/store.md "Round 7"): the object write path alone, through the real
 * {@code Repository.storeObject} (existence check, O_TMPFILE, write, link) on one thread, with the fs-verity
 * digest timed apart. N objects whose sizes follow the bench layer's (every object is a regular file over
 * 64 bytes; sizes drawn log-uniformly from 65 B to 96 KiB, mean ≈ 13.4 KB like the /usr layer's 13.6 KB), each with
 * different bytes, into a NEW repository ROOT; then one barrier (syncfs). Prints user and kernel CPU µs per
 * object of the writing thread. ROOT must not exist (ext4 slows down when it reuses recently deleted inodes).
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp weft-bench.jar scripts/RepoWriteProbe.java ROOT N
 * </pre>
 */
public class RepoWriteProbe {
  public static void main(String[] a) throws Exception {
    Path root = Path.of(a[0]);
    int n = Integer.parseInt(a[1]);
    if (Files.exists(root)) {
      throw new IllegalArgumentException(root + " exists; give a new directory");
    }
    Random rnd = new Random(42);
    int[] sizes = new int[n];
    long bytes = 0;
    for (int i = 0; i < n; i++) {
      sizes[i] = (int) Math.round(Math.exp(Math.log(65) + rnd.nextDouble() * (Math.log(96 << 10) - Math.log(65))));
      bytes += sizes[i];
    }
    byte[] data = new byte[96 << 10];
    rnd.nextBytes(data);
    Repository repo = Repository.open(root, true);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    // warm-up in a side repository so the JIT has compiled the path before the counted objects
    Repository warm = Repository.open(root.resolveSibling(root.getFileName() + "-warm"), true);
    for (int i = 0; i < 3000; i++) {
      data[0] = (byte) i;
      data[1] = (byte) (i >> 8);
      data[2] = 0x55;
      warm.putObject(data, 0, 4096 + (i % 5) * 1000);
    }
    long hashCpu = 0;
    long hashUser = 0;
    long c0 = mx.getCurrentThreadCpuTime();
    long u0 = mx.getCurrentThreadUserTime();
    for (int i = 0; i < n; i++) {
      data[0] = (byte) i;
      data[1] = (byte) (i >> 8);
      data[2] = (byte) (i >> 16);
      long h0 = mx.getCurrentThreadCpuTime();
      long hu0 = mx.getCurrentThreadUserTime();
      ObjectId id = FsVerity.digest(data, 0, sizes[i]);
      hashCpu += mx.getCurrentThreadCpuTime() - h0;
      hashUser += mx.getCurrentThreadUserTime() - hu0;
      repo.storeObject(id, data, 0, sizes[i]);
    }
    long cpu = mx.getCurrentThreadCpuTime() - c0 - hashCpu;
    long user = mx.getCurrentThreadUserTime() - u0 - hashUser;
    long s0 = System.nanoTime();
    repo.barrier();
    double sync = (System.nanoTime() - s0) / 1e9;
    System.out.printf("store n=%d bytes=%d (mean %.0f): write path cpu/obj %.1f us (user %.1f, kernel %.1f),"
            + " fs-verity %.1f us/obj; barrier %.2f s; load %s%n",
        n, bytes, (double) bytes / n, cpu / 1e3 / n, user / 1e3 / n, (cpu - user) / 1e3 / n, hashCpu / 1e3 / n, sync,
        Files.readString(Path.of("/proc/loadavg")).trim());
  }
}
