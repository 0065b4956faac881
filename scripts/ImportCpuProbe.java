import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Round-4 probe for issue #4: wall time and process CPU time (all threads, GC and JIT included) per MB of
 * tar for the bench's CPU-only split and for a real import, several iterations in one JVM (the first is
 * a warm-up). Calls ImportBench's own private helpers, so it measures exactly what the bench rows do.
 *
 * <pre>
 *   java -cp .launcher-build/weft-bench.jar scripts/ImportCpuProbe.java gen DIR MB
 *   java -cp .launcher-build/weft-bench.jar scripts/ImportCpuProbe.java cpu|import DIR none|gzip|zstd THREADS N [isal|java]
 *   java -cp .launcher-build/weft-bench.jar scripts/ImportCpuProbe.java inflate DIR gzip 1 N [isal|java]
 * </pre>
 */
public class ImportCpuProbe {
  static final Class<?> BENCH;
  static {
    try {
      BENCH = Class.forName("dev.weft.bench.store.ImportBench");
    } catch (ClassNotFoundException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static Object call(String name, Object... args) throws Exception {
    for (Method m : BENCH.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == args.length) {
        m.setAccessible(true);
        return m.invoke(null, args);
      }
    }
    throw new NoSuchMethodException(name);
  }

  public static void main(String[] a) throws Exception {
    Path dir = Path.of(a[1]);
    if (a[0].equals("gen")) {
      Files.createDirectories(dir);
      @SuppressWarnings("unchecked")
      List<Path> files = (List<Path>) call("collectFiles", Path.of("/usr"), Long.parseLong(a[2]) << 20);
      Path tar = dir.resolve("layer.tar");
      call("writeTar", tar, files);
      for (String c : new String[] {"none", "gzip", "zstd"}) {
        call("writeLayout", dir.resolve("img-" + c), List.of(tar), c);
      }
      System.out.printf("%d files, tar %d bytes%n", files.size(), Files.size(tar));
      return;
    }
    String c = a[2];
    int threads = Integer.parseInt(a[3]);
    int n = Integer.parseInt(a[4]);
    double mb = Files.size(dir.resolve("layer.tar")) / 1e6;
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double[] cpuPerMb = new double[n];
    double[] rate = new double[n];
    double[] readerPerMb = new double[n];
    for (int i = 0; i <= n; i++) {
      Path repo = dir.resolve("repo-" + i);
      long c0 = os.getProcessCpuTime();
      long m0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long[] sw0 = switches();
      double wall = switch (a[0]) {
        case "cpu" -> (double) call("cpuOnly", dir, dir.resolve("img-" + c), c, threads, inflater(a));
        case "inflate" -> inflateOnly(dir, inflater(a));
        case "cpu-inline" -> inlineDigests(dir, c, threads);
        default -> (double) call("importOnce", repo, dir.resolve("img-" + c), threads);
      };
      double cpu = (os.getProcessCpuTime() - c0) / 1e9;
      double reader = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - m0) / 1e9;
      long[] sw1 = switches();
      if (i >= 2) {
        call("deleteTree", dir.resolve("repo-" + (i - 2)));
      }
      System.out.printf("%s %s t=%d run %d: wall %.2f s, %.0f MB/s, cpu %.2f s, %.3f ms/MB, reader thread %.3f ms/MB"
          + " (on CPU %.0f%% of the wall time; %d voluntary, %d involuntary switches)%n",
          a[0], c, threads, i, wall, mb / wall, cpu, 1000 * cpu / mb, 1000 * reader / mb, 100 * reader / wall,
          sw1[0] - sw0[0], sw1[1] - sw0[1]);
      if (i > 0) {
        readerPerMb[i - 1] = 1000 * reader / mb;
        cpuPerMb[i - 1] = 1000 * cpu / mb;
        rate[i - 1] = mb / wall;
      }
    }
    for (int i = Math.max(0, n - 1); i <= n; i++) {
      call("deleteTree", dir.resolve("repo-" + i));
    }
    Arrays.sort(cpuPerMb);
    Arrays.sort(rate);
    Arrays.sort(readerPerMb);
    System.out.printf("MEDIAN %s %s t=%d: %.0f MB/s, %.3f ms CPU per MB, reader thread %.3f ms/MB (n=%d)%n", a[0], c,
        threads, rate[n / 2], cpuPerMb[n / 2], readerPerMb[n / 2], n);
  }

  /** The gzip inflater named by the optional 6th argument (isal|java), else the default. */
  static dev.weft.store.gzip.Gunzip.Inflater inflater(String[] a) {
    return a.length > 5 ? dev.weft.store.gzip.Gunzip.Inflater.valueOf(a[5].toUpperCase(java.util.Locale.ROOT))
        : dev.weft.store.gzip.Gunzip.best();
  }

  /** Round 8: the gzip blob inflated on this thread and thrown away (no hashing, no split): the inflater alone. */
  static double inflateOnly(Path dir, dev.weft.store.gzip.Gunzip.Inflater inflater) throws Exception {
    Path blob;
    try (var s = Files.list(dir.resolve("img-gzip").resolve("blobs/sha256"))) {
      blob = s.max((x, y) -> Long.compare(x.toFile().length(), y.toFile().length())).orElseThrow();
    }
    long t0 = System.nanoTime();
    byte[] buf = new byte[256 << 10];
    try (var in = dev.weft.store.gzip.Gunzip.open(Files.newInputStream(blob), inflater)) {
      while (in.read(buf, 0, buf.length) >= 0) {
        // discard
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Context switches of the calling thread so far: voluntary (it waited), involuntary (it was preempted). */
  static long[] switches() throws java.io.IOException {
    long[] r = new long[2];
    for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
      if (line.startsWith("voluntary_ctxt_switches:")) {
        r[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
        r[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return r;
  }

  /**
   * The round-3 importer's reading path, for comparison: blob and diff_id SHA-256 inline on the reading
   * thread (DigestInputStream), a 256 KiB buffer after the decompressor; objects not written.
   */
  static double inlineDigests(Path dir, String c, int threads) throws Exception {
    Path blob;
    try (var s = Files.list(dir.resolve("img-" + c).resolve("blobs/sha256"))) {
      blob = s.max((x, y) -> Long.compare(x.toFile().length(), y.toFile().length())).orElseThrow();
    }
    var repo = dev.weft.store.repo.Repository.open(dir.resolve("repo-cpu"), true);
    try (var pool = dev.weft.runtime.pool.TaskPool.create(threads, new dev.weft.runtime.limit.Limits())) {
      long t0 = System.nanoTime();
      var blobMd = java.security.MessageDigest.getInstance("SHA-256");
      var diffMd = java.security.MessageDigest.getInstance("SHA-256");
      try (java.io.InputStream raw = new java.security.DigestInputStream(Files.newInputStream(blob), blobMd);
           java.io.InputStream in = switch (c) {
             case "gzip" -> new java.security.DigestInputStream(new java.io.BufferedInputStream(
                 new java.util.zip.GZIPInputStream(raw, 1 << 16), 256 << 10), diffMd);
             case "zstd" -> new java.security.DigestInputStream(new java.io.BufferedInputStream(
                 new com.github.luben.zstd.ZstdInputStream(raw), 256 << 10), diffMd);
             default -> raw;
           }) {
        new dev.weft.store.tar.TarSplitter(repo, pool, pool.limits().budget("store.import.bytes", 256L << 20), "probe",
            false).split(in);
        in.transferTo(java.io.OutputStream.nullOutputStream());
        raw.transferTo(java.io.OutputStream.nullOutputStream());
      }
      blobMd.digest();
      diffMd.digest();
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
