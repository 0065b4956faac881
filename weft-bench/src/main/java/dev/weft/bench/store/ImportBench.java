package dev.weft.bench.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import dev.weft.cli.bench.BenchArea;
import dev.weft.cli.bench.BenchContext;
import dev.weft.cli.bench.BenchOutput;
import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.gzip.Gunzip;
import dev.weft.store.oci.ImageImporter;
import dev.weft.store.oci.StoreLimits;
import dev.weft.store.repo.Repository;
import dev.weft.store.tar.SplitResult;
import dev.weft.store.stream.HashingReader;
import dev.weft.store.tar.TarSplitter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Generates a root-filesystem-like layer from files on this machine (/usr), as tar, tar+gzip and tar+zstd
 * single-layer images and an 8-layer image, then measures in MB/s of uncompressed tar: weft import with
 * writes (1 and all threads), the CPU-only path (decompress + split + hash, no writes), a repeat import,
 * the many-layer image, {@code ostree commit --tree=tar=} of the same tars and {@code umoci unpack} of the
 * same images. Medians of the runs; every repository is fresh.
 */
public final class ImportBench implements BenchArea {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] COMPRESSIONS = {"none", "gzip", "zstd"};

  @Override
  public String name() {
    return "import";
  }

  @Override
  public String description() {
    return "OCI image import (split streams) vs ostree commit and umoci unpack; --quick for a 16 MB smoke run; runs=N";
  }

  @Override
  public void run(BenchContext ctx, BenchOutput out) throws Exception {
    PrintWriter log = ctx.log();
    // --quick is a smoke test (every row, seconds not minutes); the figures need the full 1.1 GB layer.
    long target = ctx.quick() ? 16L << 20 : 1100L << 20;
    int runs = ctx.quick() ? 1 : 3;
    boolean weft = true;
    boolean peers = true;
    for (String a : ctx.args()) {
      if (a.startsWith("runs=")) {
        runs = Integer.parseInt(a.substring(5)); // fewer runs when the machine is too busy for three
      } else if (a.equals("only=weft")) {
        peers = false;
      } else if (a.equals("only=peers")) {
        weft = false;
      } else {
        throw new dev.weft.runtime.UsageException("bench import: unknown argument '" + a
            + "' (known: runs=N, only=weft, only=peers)");
      }
    }
    int all = ctx.allThreads();
    KEPT.clear(); // outputs of an earlier call went with its scratch directory
    try (ScratchDir scratch = ScratchDir.create("weft-bench-import-", log)) {
      Path work = scratch.path();
      log.printf("bench import: generating a %d MB layer from /usr in %s…%n", target >> 20, work);
      log.flush();
      List<Path> files = collectFiles(Path.of("/usr"), target);
      Path tar = work.resolve("layer.tar");
      writeTar(tar, files);
      long tarBytes = Files.size(tar);
      reserveBytes = 2 * tarBytes + (2L << 30); // one run's output (objects take a little more than the tar) and slack
      double mb = tarBytes / 1e6;
      Map<String, Path> layouts = new java.util.LinkedHashMap<>();
      for (String c : weft ? COMPRESSIONS : new String[] {"none", "gzip"}) {
        layouts.put(c, writeLayout(work.resolve("img-" + c), List.of(tar), c));
      }
      log.printf("bench import: %,d files, tar %,d bytes; runs per point: %d (medians); machine shared with other builds%n",
          files.size(), tarBytes, runs);
      log.flush();

      if (weft) {
        weft(work, files, tar, tarBytes, layouts, runs, all, out, log);
      }
      if (peers) {
        peers(work, tar, layouts, mb, runs, out, log);
      }
    }
  }

  private void weft(Path work, List<Path> files, Path tar, long tarBytes, Map<String, Path> layouts, int runs, int all,
      BenchOutput out, PrintWriter log) throws Exception {
    double mb = tarBytes / 1e6;
    int nLayers = 8;
    List<Path> parts = new ArrayList<>();
    for (int i = 0; i < nLayers; i++) {
      Path p = work.resolve("part" + i + ".tar");
      writeTar(p, files.subList(i * files.size() / nLayers, (i + 1) * files.size() / nLayers));
      parts.add(p);
    }
    Path many = writeLayout(work.resolve("img-many"), parts, "gzip");
    int[] threadCounts = all > 1 ? new int[] {1, all} : new int[] {1};
    // A JVM's first import also compiles the split, hash and write paths (C1 and C2 threads: ≈ 1–4 CPU-s on
    // this VM). One import first, reported on its own as import-cold (what a one-off `weft oci import` pays),
    // so that the rows below measure the steady state of a running JVM.
    Sample cold = medianSample(1, () -> importOnce(fresh(work, "repo", log), layouts.get("none"), all));
    withCpu(out.row("weft", "import-cold", all).param("compression", "none").param("layers", 1), mb, cold)
        .emit(mb / cold.wall(), "MB/s");
    for (String c : COMPRESSIONS) {
      // The CPU-only split has code of its own (no object writes) and each compression its decompressor:
      // one unreported run at all threads (gzip: with the default inflater) compiles them, so that the
      // 1-thread row is not helped by C2 on the second core (round 9: the first of these rows kept 1.2 cores
      // busy, the others 1.0).
      cpuOnly(work, layouts.get(c), c, all, Gunzip.best());
      for (int threads : threadCounts) {
        // gzip: a row per inflater available (ISA-L's igzip and java.util.zip), so the gain shows in one run.
        for (Gunzip.Inflater inflater : c.equals("gzip") ? INFLATERS : List.of(Gunzip.best())) {
          Sample cpu = medianSample(runs, () -> cpuOnly(work, layouts.get(c), c, threads, inflater));
          // The bench thread is the layer's reader here: its CPU per MB is the serial part of the path.
          withInflate(withCpu(out.row("weft", "split-cpu-only", threads).param("compression", c).param("layers", 1),
              mb, cpu), c, inflater)
              .param("reader_ms_per_mb", Math.round(cpu.reader() * 1e6 / mb) / 1000.0)
              .emit(mb / cpu.wall(), "MB/s");
        }
        double[] split = new double[1];
        Sample t = medianSample(runs, () -> {
          Path repo = fresh(work, "repo", log);
          double s = importOnce(repo, layouts.get(c), threads);
          if (c.equals("none")) {
            split[0] = splitStreamBytes(repo);
          }
          return s;
        });
        withInflate(withCpu(out.row("weft", "import", threads).param("compression", c).param("layers", 1), mb, t), c,
            Gunzip.best()).emit(mb / t.wall(), "MB/s");
        if (c.equals("none") && threads == threadCounts[threadCounts.length - 1]) {
          out.row("weft", "splitstream-size", threads).param("compression", c).param("layers", 1)
              .emit(100.0 * split[0] / tarBytes, "% of tar");
        }
      }
    }
    // Repeat import: everything present.
    Path repo = fresh(work, "repo-repeat", log);
    importOnce(repo, layouts.get("gzip"), all);
    double again = median(runs, () -> {
      try (TaskPool pool = pool(all)) {
        return time(() -> new ImageImporter(Repository.open(repo, true), pool, ProgressListener.NONE)
            .importImage(layouts.get("gzip") + ":bench", null));
      }
    });
    out.row("weft", "repeat-import", all).param("compression", "gzip").param("layers", 1).emit(again, "s");
    for (int threads : threadCounts) {
      Sample t = medianSample(runs, () -> importOnce(fresh(work, "repo", log), many, threads));
      withCpu(out.row("weft", "import", threads).param("compression", "gzip").param("layers", nLayers), mb, t)
          .emit(mb / t.wall(), "MB/s");
    }
    ObjectWriteRows.emit(work, files, mb, runs, out); // round 7: the write path's per-object floor
  }

  private void peers(Path work, Path tar, Map<String, Path> layouts, double mb, int runs, BenchOutput out,
      PrintWriter log) throws Exception {
    ostree(work, tar, mb, runs, out, log, "none");
    Path tgz = work.resolve("layer.tar.gz");
    compress(tar, tgz, "gzip");
    ostree(work, tgz, mb, runs, out, log, "gzip");
    umoci(work, layouts.get("none"), mb, runs, out, log, "none");
    umoci(work, layouts.get("gzip"), mb, runs, out, log, "gzip");
    log.println("bench import: umoci (Debian 12's 0.4.7) cannot read zstd layers, so it has no zstd figure");
  }

  private interface Timed {
    double run() throws Exception;
  }

  /**
   * One timed run: wall seconds, the process's CPU seconds (all threads: reader, pool, GC, JIT) and the
   * timing thread's own CPU seconds (the layer's reader on the CPU-only path).
   */
  private record Sample(double wall, double cpu, double reader) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  /** The run with the median wall time, with its CPU time. */
  private static Sample medianSample(int runs, Timed t) throws Exception {
    Sample[] v = new Sample[runs];
    for (int i = 0; i < runs; i++) {
      double wall = t.run();
      v[i] = new Sample(wall, lastCpu, lastThreadCpu); // the CPU of the same interval as the wall time (see time())
    }
    Arrays.sort(v, java.util.Comparator.comparingDouble(Sample::wall));
    return v[runs / 2];
  }

  /**
   * A row's CPU params: how many cores the run kept busy on average (the reader counts as one of the
   * threads since round 6, so about 1.0 at threads 1, plus GC and JIT), and MB per CPU-second, the
   * per-core figure.
   */
  private static BenchOutput.Row withCpu(BenchOutput.Row row, double mb, Sample s) {
    return row.param("cpu_s", Math.round(s.cpu() * 1000) / 1000.0)
        .param("cores_busy", Math.round(s.cpu() / s.wall() * 100) / 100.0)
        .param("mb_per_cpu_s", Math.round(mb / s.cpu() * 10) / 10.0)
        .param("direct_io", dev.weft.store.fs.DirectIo.enabled());
  }

  private static double median(int runs, Timed t) throws Exception {
    double[] v = new double[runs];
    for (int i = 0; i < runs; i++) {
      v[i] = t.run();
    }
    Arrays.sort(v);
    return v[runs / 2];
  }

  private interface Body {
    void run() throws Exception;
  }

  /** Process CPU seconds of the last {@link #time} interval (the bench runs its points one at a time). */
  private static double lastCpu;
  /** CPU seconds of the calling thread in the last {@link #time} interval. */
  private static double lastThreadCpu;

  private static double time(Body b) throws Exception {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = OS.getProcessCpuTime();
    long own0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    b.run();
    double wall = (System.nanoTime() - t0) / 1e9;
    lastCpu = (OS.getProcessCpuTime() - cpu0) / 1e9;
    lastThreadCpu = (threads.getCurrentThreadCpuTime() - own0) / 1e9;
    return wall;
  }

  private static TaskPool pool(int threads) {
    return TaskPool.create(threads, new Limits());
  }

  /** Output directories of the runs so far, oldest first; see {@link #fresh}. */
  private static final java.util.ArrayDeque<Path> KEPT = new java.util.ArrayDeque<>();

  /** Free space {@link #fresh} keeps for the next run's output: set once the layer is known. */
  private static long reserveBytes = 4L << 30;

  /**
   * A new, empty output directory for one run (of weft, ostree or umoci alike). Earlier runs' outputs are
   * kept until the bench ends: ext4 without a journal skips inodes freed in the last 60 s (up to 360 s while
   * their inode table is dirty) when it allocates new ones ({@code recently_deleted} in the inode
   * allocator), so deleting the previous run's 47k files right before a run made that scan a quarter of the
   * import's kernel samples (perf, docs/bench/store.md). Round 7 kept the last three outputs, but deleting
   * the fourth-newest right before a run costs the same. Only when the file system runs short of space are
   * the kept outputs deleted, written back, and left to age past that window before the run starts.
   */
  private static Path fresh(Path work, String base, PrintWriter log) throws Exception {
    long free = Files.getFileStore(work).getUsableSpace();
    if (free < reserveBytes && KEPT.isEmpty()) {
      throw new IOException(work + ": " + (free >> 20) + " MiB free, a run needs about " + (reserveBytes >> 20)
          + " MiB (free some space, or set java.io.tmpdir through WEFT_JAVA_OPTS to a larger file system)");
    }
    if (free < reserveBytes) {
      int n = KEPT.size();
      while (!KEPT.isEmpty()) {
        deleteTree(KEPT.pollFirst());
      }
      exec(List.of("sync"));
      log.printf("bench import: deleted %d earlier outputs for space; waiting 65 s so ext4 does not skip their "
          + "freed inodes during the next run%n", n);
      log.flush();
      Thread.sleep(65_000);
    }
    Path p;
    int i = 0;
    do {
      p = work.resolve(base + "-" + i++);
    } while (Files.exists(p));
    KEPT.addLast(p);
    return p;
  }

  private static double importOnce(Path repoDir, Path layout, int threads) throws Exception {
    try (TaskPool pool = pool(threads)) {
      Repository repo = Repository.open(repoDir, true);
      return time(() -> new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":bench", null));
    }
  }

  private static long splitStreamBytes(Path repoDir) throws IOException {
    Repository repo = Repository.open(repoDir, false);
    long total = 0;
    for (String s : repo.streamNames()) {
      if (s.startsWith("oci-layer-")) {
        total += Files.size(repo.objectPath(repo.streamId(s).orElseThrow()));
      }
    }
    return total;
  }

  /**
   * Decompress, split and hash, writing no objects: the import's reading path (blob digest and, for a
   * compressed layer, diff_id computed on the pool as the importer does) without the repository writes.
   */
  private static double cpuOnly(Path work, Path layout, String compression, int threads, Gunzip.Inflater inflater)
      throws Exception {
    Path blob;
    try (var s = Files.list(layout.resolve("blobs/sha256"))) {
      blob = s.max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
    }
    Path repoDir = work.resolve("repo-cpu");
    deleteTree(repoDir);
    Repository repo = Repository.open(repoDir, true);
    try (TaskPool pool = pool(threads)) {
      // As the importer: this (reading) thread holds one of the import's thread permits, helpers the rest.
      NamedLimit helpers = StoreLimits.importThreads(pool);
      return time(() -> {
        try (NamedLimit.Permit reader = helpers.acquire();
             Scope layer = pool.openScope(helpers);
             HashingReader raw = hashing(Files.newInputStream(blob), layer);
             InputStream in = switch (compression) {
               case "gzip" -> hashing(Gunzip.open(raw, inflater), layer);
               case "zstd" -> hashing(new com.github.luben.zstd.ZstdInputStream(raw), layer);
               default -> raw;
             }) {
          SplitResult r = new TarSplitter(repo, pool, pool.limits().budget("store.import.bytes", 256L << 20),
              "bench", false).split(in, layer);
          if (r.tarBytes() == 0) {
            throw new IllegalStateException("empty tar");
          }
          if (in != raw) {
            ((HashingReader) in).digest();
          }
          raw.digest();
        }
      });
    }
  }

  /** As the importer reads a layer: chunks hashed on the pool (8 × 512 KiB). */
  private static HashingReader hashing(InputStream in, Scope layer) throws java.security.NoSuchAlgorithmException {
    return new HashingReader(in, java.security.MessageDigest.getInstance("SHA-256"), layer, 512 << 10, 8);
  }

  /** The gzip inflaters this machine can run, the default first (ISA-L's when libisal is installed). */
  private static final List<Gunzip.Inflater> INFLATERS = Gunzip.Inflater.ISAL.available()
      ? List.of(Gunzip.Inflater.ISAL, Gunzip.Inflater.JAVA) : List.of(Gunzip.Inflater.JAVA);

  /** A gzip row names its inflater ({@code inflate} = isal or java); other rows are left as they were. */
  private static BenchOutput.Row withInflate(BenchOutput.Row row, String compression, Gunzip.Inflater inflater) {
    return compression.equals("gzip") ? row.param("inflate", inflater.label()) : row;
  }

  private static void ostree(Path work, Path tar, double mb, int runs, BenchOutput out, PrintWriter log, String c)
      throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/ostree"))) {
      log.println("bench import: ostree not installed (apt-get install ostree); skipped");
      return;
    }
    double t = median(runs, () -> {
      Path repo = fresh(work, "ostree-repo", log);
      exec(List.of("ostree", "init", "--repo=" + repo, "--mode=bare-user"));
      return time(() -> exec(List.of("ostree", "commit", "--repo=" + repo, "--branch=bench",
          "--tar-autocreate-parents", "--tree=tar=" + tar)));
    });
    out.row("ostree", "commit-tree-tar", 0).param("compression", c).param("layers", 1).emit(mb / t, "MB/s");
  }

  private static void umoci(Path work, Path layout, double mb, int runs, BenchOutput out, PrintWriter log, String c)
      throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/umoci"))) {
      log.println("bench import: umoci not installed (apt-get install umoci); skipped");
      return;
    }
    double t = median(runs, () -> {
      Path bundle = fresh(work, "umoci-bundle", log);
      return time(() -> exec(List.of("umoci", "unpack", "--rootless", "--image", layout + ":bench", bundle.toString())));
    });
    out.row("umoci", "unpack", 0).param("compression", c).param("layers", 1).emit(mb / t, "MB/s");
  }

  private static void exec(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] o = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + new String(o));
    }
  }

  /** Regular readable files under {@code root} until their sizes add up to {@code target}, in walk order. */
  private static List<Path> collectFiles(Path root, long target) throws IOException {
    List<Path> out = new ArrayList<>();
    long[] total = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
        if (a.isRegularFile() && Files.isReadable(f)) {
          out.add(f);
          total[0] += a.size();
        }
        return total[0] >= target ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return out;
  }

  private static void writeTar(Path tar, List<Path> files) throws IOException {
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(new BufferedOutputStream(Files.newOutputStream(tar), 1 << 20))) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      java.util.Set<Path> dirs = new java.util.HashSet<>();
      for (Path f : files) {
        // Parent directories first, as in a real root filesystem tar (ostree needs them).
        List<Path> missing = new ArrayList<>();
        for (Path d = f.getParent(); d != null && d.getNameCount() > 0 && dirs.add(d); d = d.getParent()) {
          missing.add(0, d);
        }
        for (Path d : missing) {
          TarArchiveEntry de = new TarArchiveEntry(d, d.toString().substring(1) + "/", LinkOption.NOFOLLOW_LINKS);
          t.putArchiveEntry(de);
          t.closeArchiveEntry();
        }
        TarArchiveEntry e = new TarArchiveEntry(f, f.toString().substring(1), LinkOption.NOFOLLOW_LINKS);
        try (InputStream in = Files.newInputStream(f)) {
          long size = Files.size(f);
          e.setSize(size);
          t.putArchiveEntry(e);
          long copied = in.transferTo(t);
          if (copied != size) {
            throw new IOException(f + " changed while being read");
          }
          t.closeArchiveEntry();
        } catch (java.nio.file.AccessDeniedException skipped) {
          // unreadable after all; leave it out
        }
      }
    }
  }

  private static void compress(Path in, Path outFile, String c) throws IOException {
    try (OutputStream o = Files.newOutputStream(outFile);
         OutputStream z = switch (c) {
           case "gzip" -> new GZIPOutputStream(new BufferedOutputStream(o, 1 << 20), 1 << 16);
           case "zstd" -> new ZstdOutputStream(new BufferedOutputStream(o, 1 << 20), 3);
           default -> new BufferedOutputStream(o, 1 << 20);
         }) {
      Files.copy(in, z);
    }
  }

  private static String sha256(Path p) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(p); OutputStream o = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
      in.transferTo(o);
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  /** Writes an OCI layout tagged "bench" with {@code tars} as layers compressed with {@code c}. */
  private static Path writeLayout(Path dir, List<Path> tars, String c) throws Exception {
    Path blobs = dir.resolve("blobs/sha256");
    Files.createDirectories(blobs);
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64");
    config.put("os", "linux");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ArrayNode layers = JSON.createArrayNode();
    for (Path tar : tars) {
      diffIds.add(sha256(tar));
      Path tmp = dir.resolve("layer.tmp");
      compress(tar, tmp, c);
      String d = sha256(tmp);
      long size = Files.size(tmp);
      Files.move(tmp, blobs.resolve(d.substring(7)));
      layers.addObject().put("mediaType", switch (c) {
        case "gzip" -> "application/vnd.oci.image.layer.v1.tar+gzip";
        case "zstd" -> "application/vnd.oci.image.layer.v1.tar+zstd";
        default -> "application/vnd.oci.image.layer.v1.tar";
      }).put("digest", d).put("size", size);
    }
    byte[] cfg = JSON.writeValueAsBytes(config);
    manifest.putObject("config").put("mediaType", "application/vnd.oci.image.config.v1+json")
        .put("digest", put(blobs, cfg)).put("size", cfg.length);
    manifest.set("layers", layers);
    byte[] m = JSON.writeValueAsBytes(manifest);
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode d = index.putArray("manifests").addObject();
    d.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    d.put("digest", put(blobs, m));
    d.put("size", m.length);
    d.putObject("annotations").put("org.opencontainers.image.ref.name", "bench");
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    return dir;
  }

  private static String put(Path blobs, byte[] data) throws Exception {
    String d = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    Files.write(blobs.resolve(d.substring(7)), data);
    return d;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.setAttribute(p, "unix:mode", 0700); // unpacked read-only directories must be emptied too
      try (var s = Files.list(p)) {
        for (Path c : s.toList()) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
