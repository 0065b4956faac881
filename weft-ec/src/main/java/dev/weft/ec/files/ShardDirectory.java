package dev.weft.ec.files;

import dev.weft.ec.buffer.ShardBuffers;
import dev.weft.ec.codec.ParallelCoder;
import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.codec.TooManyErasuresException;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.io.Fsync;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A directory of k + m shard files plus {@code manifest.json}: encode a file into one, check it, decode
 * it back, repair damaged shards. Everything streams stripe by stripe, so memory is bounded by
 * {@link #memoryBudget} — (2k + m) × stripe unit bytes of native buffers — whatever the file size. Reading
 * the next stripe overlaps coding, hashing and writing the current one, which run on the pool.
 *
 * <p>Nothing is published half-written: shards and outputs are written under temporary names and renamed
 * into place only when complete (the manifest last on encode); on any failure the temporaries are removed.
 */
public final class ShardDirectory {
  /** The default stripe unit: 1 MiB per shard per stripe. */
  public static final long DEFAULT_STRIPE_UNIT = 1 << 20;

  private final Path dir;
  private final ShardManifest manifest;

  private ShardDirectory(Path dir, ShardManifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
  }

  public ShardManifest manifest() {
    return manifest;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Bytes of buffers the streaming operations here use, the stated memory bound: (2k + m) stripe units —
   * the data (or source) cells twice, so the next stripe is read while the current one is coded and
   * written, and one set of parity (or rebuilt) cells.
   */
  public static long memoryBudget(int k, int m, long stripeUnit) {
    return (long) (2 * k + m) * stripeUnit;
  }

  /** The stripe unit used for an input: the requested one, or less when the whole input fits one stripe. */
  public static long stripeUnit(long length, int k, long requested) {
    if (length == 0) {
      return 0;
    }
    long perShard = (length + k - 1) / k;
    return Math.max(1, Math.min(requested, perShard));
  }

  /** Opens a shard directory by reading and checking its manifest. */
  public static ShardDirectory open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new UsageException(dir + ": not a directory");
    }
    return new ShardDirectory(dir, ShardManifest.read(dir.resolve(ShardManifest.FILE_NAME)));
  }

  /** Settings for {@link #encode}. */
  public record EncodeOptions(int k, int m, long stripeUnit, MatrixKind matrix, GfKernel kernel) {}

  /**
   * Encodes {@code input} into {@code outDir} (created if needed; it must not already hold a manifest).
   */
  public static ShardDirectory encode(Path input, Path outDir, EncodeOptions opt, TaskPool pool,
      ProgressListener progress) throws IOException {
    ReedSolomon rs;
    try {
      rs = ReedSolomon.create(opt.k(), opt.m(), opt.matrix(), opt.kernel());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (opt.stripeUnit() < 1 || opt.stripeUnit() > ShardManifest.MAX_STRIPE_UNIT) {
      throw new UsageException("--shard-size must be between 1 byte and " + ShardManifest.MAX_STRIPE_UNIT
          + " bytes (1 GiB), got " + opt.stripeUnit());
    }
    OutputFiles.checkInputFile(input);
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new UsageException(outDir + ": OUTDIR exists and is not a directory");
    }
    // Created here (with any missing parents): a failed or cancelled encode removes them again, innermost
    // first and only while empty, leaving nothing behind.
    List<Path> createdDirs = OutputFiles.missingDirs(outDir);
    Files.createDirectories(outDir);
    if (Files.exists(outDir.resolve(ShardManifest.FILE_NAME))) {
      throw new UsageException(outDir + " already holds a shard set (manifest.json); choose an empty directory");
    }
    checkNoForeignFiles(outDir);
    int k = opt.k();
    int n = k + opt.m();
    long length = Files.size(input);
    String tailSha256 = null;
    long unit = stripeUnit(length, k, opt.stripeUnit());
    long stripes = unit == 0 ? 0 : (length + unit * k - 1) / (unit * k);
    int width = Math.max(2, Integer.toString(n - 1).length());
    List<Path> temps = new ArrayList<>();
    List<ShardManifest.Shard> entries = new ArrayList<>();
    ParallelCoder coder = new ParallelCoder(rs, pool);
    boolean done = false;
    try (Arena arena = Arena.ofShared();
        FileChannel in = FileChannel.open(input, StandardOpenOption.READ);
        ProgressTask task = ProgressTask.start(progress, "encode " + input.getFileName(), length, "bytes")) {
      // Two sets of data cells: the next stripe is read into one while the other is encoded, hashed and
      // written on the pool. Parity cells are only touched by that work, so one set suffices.
      MemorySegment[][] data = {ShardBuffers.allocate(arena, k, unit), ShardBuffers.allocate(arena, k, unit)};
      MemorySegment[] parity = ShardBuffers.allocate(arena, opt.m(), unit);
      FileChannel[] outs = new FileChannel[n];
      MessageDigest[] digests = new MessageDigest[n];
      try {
        for (int i = 0; i < n; i++) {
          Path tmp = outDir.resolve(".tmp-" + shardName(i, width));
          temps.add(tmp);
          outs[i] = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
          digests[i] = sha256();
        }
        if (stripes > 0) {
          readStripe(in, data[0], unit, task);
        }
        for (long s = 0; s < stripes; s++) {
          checkInterrupted();
          MemorySegment[] cells = concat(data[(int) (s & 1)], parity);
          try (Scope scope = pool.openScope()) {
            scope.fork(() -> {
              coder.encode(cells, 0, unit);
              hashAndWrite(pool, cells, digests, outs);
            });
            if (s + 1 < stripes) {
              readStripe(in, data[(int) ((s + 1) & 1)], unit, task);
            }
            scope.join();
          } catch (UncheckedIOException e) {
            throw e.getCause();
          }
        }
        if (stripes > 0) {
          // Binds the manifest's length: the shard hashes cover the padding but not where the input ends.
          tailSha256 = tailHash(data[(int) ((stripes - 1) & 1)], length - (stripes - 1) * unit * k);
        }
        for (FileChannel c : outs) {
          c.force(true);
        }
      } finally {
        for (FileChannel c : outs) {
          if (c != null) {
            c.close();
          }
        }
      }
      for (int i = 0; i < n; i++) {
        String name = shardName(i, width);
        Files.move(temps.get(i), outDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        entries.add(new ShardManifest.Shard(i, name, HexFormat.of().formatHex(digests[i].digest())));
      }
      // DESIGN.md §3: the shards' names are durable before the manifest that publishes them, and the
      // manifest (forced by write) is durable before encode reports success.
      Fsync.directory(outDir);
      ShardManifest manifest = new ShardManifest(ShardManifest.FORMAT, opt.matrix().id(), k, opt.m(), length, unit,
          stripes * unit, entries, tailSha256);
      Path tmpManifest = outDir.resolve(".tmp-" + ShardManifest.FILE_NAME);
      temps.add(tmpManifest);
      manifest.write(tmpManifest);
      Files.move(tmpManifest, outDir.resolve(ShardManifest.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
      Fsync.directory(outDir);
      OutputFiles.syncCreatedParents(createdDirs);
      done = true;
      return new ShardDirectory(outDir, manifest);
    } finally {
      if (!done) {
        for (Path t : temps) {
          Files.deleteIfExists(t);
        }
        // Shards already renamed into place without a manifest are useless; remove them too.
        for (ShardManifest.Shard e : entries) {
          Files.deleteIfExists(outDir.resolve(e.file()));
        }
        OutputFiles.removeCreatedDirs(createdDirs);
      }
    }
  }

  /**
   * Refuses (exit 2) an OUTDIR holding anything but temporaries of an earlier, interrupted encode: the
   * final renames replace files named like shards, and a user's file of that name must not be lost.
   */
  private static void checkNoForeignFiles(Path outDir) throws IOException {
    try (var entries = Files.list(outDir)) {
      var foreign = entries.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".tmp-")).sorted()
          .findFirst();
      if (foreign.isPresent()) {
        throw new UsageException(outDir + ": OUTDIR is not empty (it holds " + foreign.get()
            + ") and is not a weft shard set; choose an empty or new directory");
      }
    }
  }

  /** SHA-256 of the first {@code bytes} bytes of the cells, in order: the input's part of the last stripe. */
  private static String tailHash(MemorySegment[] cells, long bytes) {
    MessageDigest md = sha256();
    long left = bytes;
    for (MemorySegment cell : cells) {
      long n = Math.min(left, cell.byteSize());
      if (n > 0) {
        md.update(cell.asSlice(0, n).asByteBuffer());
      }
      left -= n;
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[1 << 16]);

  /** True when every byte of {@code s} is zero. */
  private static boolean allZero(MemorySegment s) {
    for (long p = 0; p < s.byteSize(); p += ZEROS.byteSize()) {
      long n = Math.min(ZEROS.byteSize(), s.byteSize() - p);
      if (MemorySegment.mismatch(s, p, p + n, ZEROS, 0, n) != -1) {
        return false;
      }
    }
    return true;
  }

  /** Reads the next k cells of the input, zero-filling past its end. */
  private static void readStripe(FileChannel in, MemorySegment[] cells, long unit, ProgressTask task)
      throws IOException {
    for (MemorySegment cell : cells) {
      long got = readFully(in, cell.asByteBuffer());
      if (got < unit) {
        cell.asSlice(got).fill((byte) 0);
      }
      task.advance(got);
    }
  }

  /**
   * Hashes each cell into its shard's digest and appends it to its shard file, one task per shard: shards
   * are independent, so SHA-256 — the slowest step — runs on every core.
   */
  private static void hashAndWrite(TaskPool pool, MemorySegment[] cells, MessageDigest[] digests, FileChannel[] outs) {
    try (Scope scope = pool.openScope()) {
      for (int i = 0; i < cells.length; i++) {
        int shard = i;
        scope.fork(() -> {
          ByteBuffer b = cells[shard].asByteBuffer();
          digests[shard].update(b.duplicate());
          try {
            writeFully(outs[shard], b);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
      scope.join();
    }
  }

  private static MemorySegment[] concat(MemorySegment[] a, MemorySegment[] b) {
    MemorySegment[] out = new MemorySegment[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Checks every shard's size and SHA-256, one shard per task on the pool. */
  public List<ShardStatus> check(TaskPool pool, ProgressListener progress) throws IOException {
    List<ShardManifest.Shard> shards = manifest.shards();
    List<Task<ShardStatus>> tasks = new ArrayList<>();
    try (ProgressTask task = ProgressTask.start(progress, "check " + dir.getFileName(),
        manifest.shardLength() * shards.size(), "bytes");
        Scope scope = pool.openScope()) {
      for (ShardManifest.Shard s : shards) {
        tasks.add(scope.fork(() -> checkOne(s, task)));
      }
      scope.join();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<ShardStatus> out = new ArrayList<>();
    for (Task<ShardStatus> t : tasks) {
      out.add(t.join());
    }
    return out;
  }

  private ShardStatus checkOne(ShardManifest.Shard s, ProgressTask task) {
    Path file = dir.resolve(s.file());
    try {
      if (!Files.isRegularFile(file)) {
        // A link to nothing counts as missing (repair replaces the link); a directory or other non-file in
        // the shard's place is named as such, and repair refuses to remove it (see repair).
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
          return new ShardStatus(s.index(), s.file(), ShardStatus.State.NOT_A_FILE, "a directory");
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(file)) {
          return new ShardStatus(s.index(), s.file(), ShardStatus.State.NOT_A_FILE, "not a regular file");
        }
        return new ShardStatus(s.index(), s.file(), ShardStatus.State.MISSING, null);
      }
      long size = Files.size(file);
      if (size != manifest.shardLength()) {
        return new ShardStatus(s.index(), s.file(), ShardStatus.State.WRONG_SIZE,
            size + " bytes, expected " + manifest.shardLength());
      }
      MessageDigest md = sha256();
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        while (ch.read(buf.clear()) > 0) {
          checkInterrupted();
          buf.flip();
          task.advance(buf.remaining());
          md.update(buf);
        }
      }
      boolean ok = HexFormat.of().formatHex(md.digest()).equals(s.sha256());
      return new ShardStatus(s.index(), s.file(), ok ? ShardStatus.State.OK : ShardStatus.State.CORRUPT, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Rebuilds the original file into {@code output} from the shards {@code status} marks intact.
   *
   * @throws BadDataException when more than m shards are bad, or a rebuilt shard does not match the
   *     manifest; {@code output} is then left untouched
   * @throws UsageException when {@code output} is a directory or lies inside this shard directory
   */
  public void decode(List<ShardStatus> status, Path output, GfKernel kernel, TaskPool pool,
      ProgressListener progress) throws IOException {
    OutputFiles.checkOutput(output, dir, "the shard set");
    int k = manifest.k();
    boolean[] present = presentFlags(status);
    boolean[] wanted = new boolean[present.length];
    for (int i = 0; i < k; i++) {
      wanted[i] = !present[i];
    }
    // Decided before anything is created, so a hopeless decode leaves no directories behind either.
    sources(present);
    OutputFiles.PendingOutput pending = OutputFiles.createTemp(output);
    boolean done = false;
    try (FileChannel out = FileChannel.open(pending.temp(), StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long[] remaining = {manifest.length()};
      long lastStripe = manifest.stripes() - 1;
      long unit = manifest.stripeUnit();
      stream(present, wanted, kernel, pool, progress, "decode", (cells, stripe) -> {
        if (stripe == lastStripe) {
          checkLastStripe(cells);
        }
        for (int i = 0; i < k; i++) {
          long n = Math.min(remaining[0], unit);
          writeFully(out, cells[i].asSlice(0, n).asByteBuffer());
          remaining[0] -= n;
        }
      });
      out.force(true);
      out.close();
      pending.publish();
      done = true;
    } finally {
      if (!done) {
        pending.discard();
      }
    }
  }

  /**
   * What {@code weft ec verify} adds to the shard hashes: the manifest's {@code length} checked against the
   * shards, as decode checks it, without decoding the file. Reads the last stripe's cells of k intact shards,
   * rebuilds that stripe's missing data cells with {@code kernel} (one stripe, on this thread) and applies
   * {@link #checkLastStripe}. Does nothing for an empty input or when fewer than k shards are intact (then
   * nothing can be read, and the shard statuses already say so).
   *
   * @throws BadDataException naming {@code manifest.json} when {@code length} does not match the shards
   */
  public void checkLength(List<ShardStatus> status, GfKernel kernel) throws IOException {
    boolean[] present = presentFlags(status);
    if (manifest.length() == 0 || countTrue(present) < manifest.k()) {
      return;
    }
    int k = manifest.k();
    int n = present.length;
    int[] sources = sources(present);
    boolean[] used = new boolean[n];
    boolean[] wanted = new boolean[n];
    for (int s : sources) {
      used[s] = true;
    }
    for (int i = 0; i < k; i++) {
      wanted[i] = !used[i];
    }
    long unit = manifest.stripeUnit();
    FileChannel[] ins = new FileChannel[n];
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment[] cells = ShardBuffers.allocate(arena, n, unit);
      for (int s : sources) {
        ins[s] = FileChannel.open(dir.resolve(manifest.shards().get(s).file()), StandardOpenOption.READ);
        ins[s].position((manifest.stripes() - 1) * unit);
      }
      readSources(ins, sources, cells, unit);
      try {
        ReedSolomon.create(k, manifest.m(), manifest.matrixKind(), kernel).reconstruct(cells, used, wanted, 0, unit);
      } catch (TooManyErasuresException e) {
        throw new BadDataException(dir + ": " + e.getMessage());
      }
      checkLastStripe(cells);
    } finally {
      for (FileChannel c : ins) {
        if (c != null) {
          c.close();
        }
      }
    }
  }

  /**
   * Fails unless the last stripe's data cells agree with the manifest's {@code length}: the input's bytes in
   * them must hash to {@code tail_sha256} (when the manifest has one) and everything past {@code length} must
   * be zero padding.
   */
  private void checkLastStripe(MemorySegment[] cells) {
    if (manifest.length() == 0) {
      return;
    }
    long unit = manifest.stripeUnit();
    long tail = manifest.tailLength();
    boolean paddingZero = true;
    for (int i = 0; i < manifest.k(); i++) {
      long n = Math.clamp(tail - i * unit, 0, unit);
      paddingZero &= allZero(cells[i].asSlice(n));
    }
    boolean hashOk = manifest.tailSha256() == null
        || manifest.tailSha256().equals(tailHash(cells, tail));
    if (!hashOk || !paddingZero) {
      throw new BadDataException(dir.resolve(ShardManifest.FILE_NAME) + ": length " + manifest.length()
          + " does not match the shards (" + (hashOk ? "non-zero bytes past the end" : "the last stripe differs from tail_sha256")
          + "); the manifest is damaged");
    }
  }

  /**
   * Rewrites every shard {@code status} marks bad from the intact ones; each rebuilt shard is checked
   * against the manifest's SHA-256 before it replaces the bad one. Returns the repaired shards.
   */
  public List<ShardStatus> repair(List<ShardStatus> status, GfKernel kernel, TaskPool pool, ProgressListener progress)
      throws IOException {
    boolean[] present = presentFlags(status);
    boolean[] wanted = new boolean[present.length];
    List<ShardStatus> bad = new ArrayList<>();
    for (ShardStatus s : status) {
      if (!s.ok()) {
        wanted[s.index()] = true;
        bad.add(s);
      }
    }
    if (bad.isEmpty()) {
      return bad;
    }
    for (ShardStatus s : bad) {
      if (s.state() == ShardStatus.State.NOT_A_FILE) {
        // Replacing it would delete whatever the user put there (a directory and its contents): the shard
        // set is damaged (exit 3) and nothing is written until it is moved away.
        throw new BadDataException(dir.resolve(s.file()) + ": is " + s.detail() + " in the place of shard "
            + s.index() + "; repair does not remove it: move it away and run repair again (nothing was written)");
      }
    }
    List<Path> temps = new ArrayList<>();
    FileChannel[] outs = new FileChannel[present.length];
    boolean done = false;
    try {
      for (ShardStatus s : bad) {
        Path tmp = dir.resolve(".tmp-" + s.file());
        temps.add(tmp);
        outs[s.index()] = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
      }
      stream(present, wanted, kernel, pool, progress, "repair", (cells, stripe) -> {
        for (ShardStatus s : bad) {
          writeFully(outs[s.index()], cells[s.index()].asByteBuffer());
        }
      });
      for (ShardStatus s : bad) {
        outs[s.index()].force(true);
        outs[s.index()].close();
        Files.move(dir.resolve(".tmp-" + s.file()), dir.resolve(s.file()), StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      }
      Fsync.directory(dir);
      done = true;
    } finally {
      for (FileChannel c : outs) {
        if (c != null) {
          c.close();
        }
      }
      if (!done) {
        for (Path t : temps) {
          Files.deleteIfExists(t);
        }
      }
    }
    return bad;
  }

  /** Receives each stripe's cells once the wanted ones are rebuilt. */
  @FunctionalInterface
  private interface StripeSink {
    void accept(MemorySegment[] cells, long stripe) throws IOException;
  }

  /**
   * Reads the first k intact shards stripe by stripe, rebuilds the wanted missing cells, hashes every
   * rebuilt shard for comparison with the manifest, and hands each stripe to {@code sink}.
   */
  private void stream(boolean[] present, boolean[] wanted, GfKernel kernel, TaskPool pool, ProgressListener progress,
      String what, StripeSink sink) throws IOException {
    int k = manifest.k();
    int n = k + manifest.m();
    ReedSolomon rs = ReedSolomon.create(k, manifest.m(), manifest.matrixKind(), kernel);
    ParallelCoder coder = new ParallelCoder(rs, pool);
    int[] sources = sources(present);
    boolean[] used = new boolean[n];
    for (int s : sources) {
      used[s] = true;
    }
    long unit = manifest.stripeUnit();
    MessageDigest[] digests = new MessageDigest[n];
    for (int i = 0; i < n; i++) {
      if (wanted[i] && !present[i]) {
        digests[i] = sha256();
      }
    }
    FileChannel[] ins = new FileChannel[n];
    try (Arena arena = Arena.ofShared();
        ProgressTask task = ProgressTask.start(progress, what + " " + dir.getFileName(),
            manifest.stripes() * unit * k, "bytes")) {
      // The source cells twice — the next stripe is read into one set while the other is rebuilt and
      // handed to the sink on the pool — and the rebuilt cells once, shared by both sets.
      MemorySegment[] shared = ShardBuffers.allocate(arena, n, unit);
      MemorySegment[][] sets = {shared.clone(), shared.clone()};
      MemorySegment[] second = ShardBuffers.allocate(arena, sources.length, unit);
      for (int j = 0; j < sources.length; j++) {
        int s = sources[j];
        sets[1][s] = second[j];
        ins[s] = FileChannel.open(dir.resolve(manifest.shards().get(s).file()), StandardOpenOption.READ);
      }
      long stripes = manifest.stripes();
      if (stripes > 0) {
        readSources(ins, sources, sets[0], unit);
      }
      for (long stripe = 0; stripe < stripes; stripe++) {
        checkInterrupted();
        MemorySegment[] cells = sets[(int) (stripe & 1)];
        long current = stripe;
        try (Scope scope = pool.openScope()) {
          scope.fork(() -> {
            try {
              coder.reconstruct(cells, used, wanted, 0, unit);
            } catch (TooManyErasuresException e) {
              throw new BadDataException(dir + ": " + e.getMessage());
            }
            for (int i = 0; i < n; i++) {
              if (digests[i] != null) {
                digests[i].update(cells[i].asByteBuffer());
              }
            }
            try {
              sink.accept(cells, current);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            task.advance(unit * k);
          });
          if (stripe + 1 < stripes) {
            readSources(ins, sources, sets[(int) ((stripe + 1) & 1)], unit);
          }
          scope.join();
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
    } finally {
      for (FileChannel c : ins) {
        if (c != null) {
          c.close();
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (digests[i] != null) {
        String got = HexFormat.of().formatHex(digests[i].digest());
        if (!got.equals(manifest.shards().get(i).sha256())) {
          throw new BadDataException(dir + ": rebuilt shard " + manifest.shards().get(i).file()
              + " does not match the manifest's sha256; the manifest does not match the shards");
        }
      }
    }
  }

  /** The first k intact shards, or a {@link BadDataException} when fewer than k are intact. */
  private int[] sources(boolean[] present) {
    int k = manifest.k();
    int n = present.length;
    int[] sources = new int[k];
    int found = 0;
    for (int i = 0; i < n && found < k; i++) {
      if (present[i]) {
        sources[found++] = i;
      }
    }
    if (found < k) {
      throw new BadDataException(dir + ": " + (n - countTrue(present)) + " of " + n
          + " shards are missing or corrupt, more than the " + manifest.m() + " parity shards can rebuild");
    }
    return sources;
  }

  private void readSources(FileChannel[] ins, int[] sources, MemorySegment[] cells, long unit) throws IOException {
    for (int s : sources) {
      if (readFully(ins[s], cells[s].asByteBuffer()) != unit) {
        throw new BadDataException(dir.resolve(manifest.shards().get(s).file()) + ": shorter than the manifest says");
      }
    }
  }

  private boolean[] presentFlags(List<ShardStatus> status) {
    boolean[] present = new boolean[manifest.k() + manifest.m()];
    for (ShardStatus s : status) {
      present[s.index()] = s.ok();
    }
    return present;
  }

  private static int countTrue(boolean[] b) {
    int c = 0;
    for (boolean x : b) {
      c += x ? 1 : 0;
    }
    return c;
  }

  static String shardName(int index, int width) {
    return String.format("shard-%0" + width + "d.bin", index);
  }

  private static long readFully(FileChannel ch, ByteBuffer buf) throws IOException {
    long total = 0;
    while (buf.hasRemaining()) {
      int r = ch.read(buf);
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }

  private static void checkInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new java.util.concurrent.CancellationException("cancelled");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
