import dev.weft.store.fs.DirectIo;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Round-9 probe for issue #4 (docs/notes/store.md "Round 9"): the write path of large objects alone. N objects
 * of SIZE bytes (each with different bytes) through {@code Repository.storeObject} on this platform thread
 * into a new repository under BASE, ROUNDS times; prints the thread's user and kernel CPU per MB written
 * without the fs-verity hashing, the write wall time and the barrier's. Direct or buffered as the process
 * runs ({@code WEFT_DIRECT_IO=off} for buffered); alternate JVMs of both kinds to compare.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp .launcher-build/weft-bench.jar scripts/BigWriteProbe.java BASE N SIZE ROUNDS
 * </pre>
 */
public class BigWriteProbe {
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int n = Integer.parseInt(a[1]);
    int size = Integer.parseInt(a[2]);
    int rounds = Integer.parseInt(a[3]);
    Files.createDirectories(base);
    var mx = ManagementFactory.getThreadMXBean();
    byte[] data = new byte[size];
    new Random(1).nextBytes(data);
    int seq = 0;
    for (int r = 0; r < rounds; r++) {
      Repository repo = Repository.open(base.resolve("repo-" + System.nanoTime()), true);
      long u0 = mx.getCurrentThreadUserTime();
      long c0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long hashNs = 0;
      for (int i = 0; i < n; i++, seq++) {
        data[0] = (byte) seq;
        data[1] = (byte) (seq >> 8);
        data[2] = (byte) (seq >> 16);
        long h0 = mx.getCurrentThreadCpuTime();
        ObjectId id = FsVerity.digest(data, 0, size);
        hashNs += mx.getCurrentThreadCpuTime() - h0;
        repo.storeObject(id, data, 0, size);
      }
      long u1 = mx.getCurrentThreadUserTime();
      long c1 = mx.getCurrentThreadCpuTime();
      long t1 = System.nanoTime();
      repo.barrier();
      long t2 = System.nanoTime();
      double mb = (double) n * size / 1e6;
      System.out.printf("direct I/O %s: user (without hashing) %.3f, kernel %.3f ms per MB; write %.2f s, barrier %.2f s%n",
          DirectIo.enabled() ? "on " : "off", (u1 - u0 - hashNs) / 1e6 / mb, ((c1 - c0) - (u1 - u0)) / 1e6 / mb,
          (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }
  }
}
