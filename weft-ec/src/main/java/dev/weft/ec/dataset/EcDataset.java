package dev.weft.ec.dataset;

import dev.weft.ec.codec.ParallelCoder;
import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.files.OutputFiles;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Erasure-coded datasets over a {@link BlockStore}: {@link #put} stores a file as data blocks in
 * interleaved steps plus parity blocks and a protected manifest; {@link #get} verifies every block and
 * rebuilds missing or corrupt ones from any k of their step (column).
 *
 * <p>Steps are independent, so both directions fork one task per step on the shared pool, under the
 * {@value ParallelCoder#JOBS_LIMIT} limit for the dataset as a whole. A step's buffers ((k + m) blocks)
 * are allocated by its task when it runs, so memory is bounded by pool threads × (k + m) × block size.
 */
public final class EcDataset {
  public static final int DEFAULT_BLOCK_SIZE = 64 * 1024;

  private EcDataset() {}

  /** Settings for {@link #put}. */
  public record PutOptions(int k, int m, int blockSize, MatrixKind matrix, GfKernel kernel) {}

  /** What {@link #put} stored: the dataset id (the manifest's block id) and its manifest. */
  public record Stored(String id, DatasetManifest manifest) {}

  /** What {@link #get} found: blocks missing or corrupt per step, and how many were rebuilt. */
  public record Report(DatasetManifest manifest, int damagedBlocks, int rebuiltBlocks, List<Integer> damagedSteps) {}

  public static Stored put(Path file, BlockStore store, PutOptions opt, TaskPool pool, ProgressListener progress)
      throws IOException {
    ReedSolomon rs;
    try {
      rs = ReedSolomon.create(opt.k(), opt.m(), opt.matrix(), opt.kernel());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (opt.blockSize() < 1) {
      throw new UsageException("block size must be at least 1 byte, got " + opt.blockSize());
    }
    OutputFiles.checkInputFile(file);
    int k = opt.k();
    int n = k + opt.m();
    int bs = opt.blockSize();
    long length = Files.size(file);
    long dataBlocks = (length + bs - 1) / bs;
    long stepsLong = (dataBlocks + k - 1) / k;
    if (stepsLong * n > Integer.MAX_VALUE / 2) {
      throw new UsageException(file + ": too many blocks for block size " + bs + "; use a larger block size");
    }
    int steps = (int) stepsLong;
    String[] ids = new String[steps * n];
    NamedLimit jobs = pool.limits().limit(ParallelCoder.JOBS_LIMIT, pool.parallelism());
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
        ProgressTask task = ProgressTask.start(progress, "ec put " + file.getFileName(), length, "bytes");
        NamedLimit.Permit permit = jobs.acquire();
        Scope scope = pool.openScope()) {
      for (int s = 0; s < steps; s++) {
        int step = s;
        scope.fork(() -> {
          byte[][] shards = new byte[n][bs];
          for (int r = 0; r < k; r++) {
            checkCancelled();
            long block = (long) r * steps + step;
            if (block < dataBlocks) {
              task.advance(readAt(in, ByteBuffer.wrap(shards[r]), block * bs));
            }
          }
          rs.encode(shards, 0, bs);
          for (int r = 0; r < n; r++) {
            ids[r * steps + step] = store.put(shards[r], 0, bs);
          }
          return null;
        });
      }
      scope.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for an " + ParallelCoder.JOBS_LIMIT + " permit");
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    List<String> all = List.of(ids);
    DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT, opt.matrix().id(), k, opt.m(), bs, length,
        dataBlocks, steps, DatasetManifest.root(all.subList(0, (int) dataBlocks)), DatasetManifest.root(all), all);
    byte[] json = manifest.toJson();
    // Blocks first, manifest last: a manifest is only ever published once every block it names is durably
    // stored, and its id is returned (printed) only once the manifest is durable too.
    store.sync();
    String id = store.put(json, 0, json.length);
    store.sync();
    return new Stored(id, manifest);
  }

  /**
   * Rebuilds dataset {@code id} into {@code output} (written under a temporary name, renamed when done).
   *
   * @param repairStore also store rebuilt blocks back, so the next read finds them intact
   * @throws BadDataException when the manifest is missing or corrupt, or a step (column) lost more than m
   *     blocks; the message names the column and {@code output} is left untouched
   * @throws dev.weft.runtime.UsageException when {@code output} is a directory or inside the store's directory
   */
  public static Report get(String id, BlockStore store, Path output, GfKernel kernel, boolean repairStore,
      TaskPool pool, ProgressListener progress) throws IOException {
    OutputFiles.checkNotDirectory(output);
    if (store.directory().isPresent()) {
      OutputFiles.checkOutput(output, store.directory().get(), "the store");
    }
    DatasetManifest man = readManifest(id, store);
    int k = man.k();
    int n = k + man.m();
    int bs = man.blockSize();
    int steps = man.steps();
    ReedSolomon rs = ReedSolomon.create(k, man.m(), man.matrixKind(), kernel);
    AtomicInteger damaged = new AtomicInteger();
    AtomicInteger rebuilt = new AtomicInteger();
    Integer[] damagedSteps = new Integer[steps];
    OutputFiles.PendingOutput pending = OutputFiles.createTemp(output);
    boolean done = false;
    NamedLimit jobs = pool.limits().limit(ParallelCoder.JOBS_LIMIT, pool.parallelism());
    try (FileChannel out = FileChannel.open(pending.temp(), StandardOpenOption.WRITE);
        ProgressTask task = ProgressTask.start(progress, "ec get " + shortId(id), man.length(), "bytes")) {
      try (NamedLimit.Permit permit = jobs.acquire(); Scope scope = pool.openScope()) {
        for (int s = 0; s < steps; s++) {
          int step = s;
          scope.fork(() -> {
            int bad = getStep(man, id, store, rs, step, out, repairStore, rebuilt, task);
            if (bad > 0) {
              damaged.addAndGet(bad);
              damagedSteps[step] = step;
            }
            return null;
          });
        }
        scope.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for an " + ParallelCoder.JOBS_LIMIT + " permit");
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      out.truncate(man.length());
      out.force(true);
      out.close();
      pending.publish();
      done = true;
    } finally {
      if (!done) {
        pending.discard();
      }
    }
    return new Report(man, damaged.get(), rebuilt.get(),
        Arrays.stream(damagedSteps).filter(x -> x != null).toList());
  }

  /** Fetches, verifies and, if needed, rebuilds one step; writes its data blocks. Returns the bad-block count. */
  private static int getStep(DatasetManifest man, String id, BlockStore store, ReedSolomon rs, int step,
      FileChannel out, boolean repairStore, AtomicInteger rebuilt, ProgressTask task) throws IOException {
    int k = man.k();
    int n = k + man.m();
    int bs = man.blockSize();
    byte[][] shards = new byte[n][];
    boolean[] present = new boolean[n];
    int good = 0;
    int bad = 0;
    // Every block of the step is fetched and verified, parity included, so rot is found before it piles up.
    for (int r = 0; r < n; r++) {
      checkCancelled();
      String blockId = man.blocks().get(man.blockIndex(r, step));
      byte[] b = store.get(blockId);
      if (b != null && b.length == bs && store.idOf(b, 0, bs).equals(blockId)) {
        shards[r] = b;
        present[r] = true;
        good++;
      } else {
        bad++;
      }
    }
    if (good < k) {
      throw new BadDataException("dataset " + shortId(id) + ": column " + step + " (step " + step + " of " + man.steps()
          + ") has " + bad + " of " + n + " blocks missing or corrupt, more than the " + man.m() + " parity blocks can rebuild");
    }
    boolean[] wanted = new boolean[n];
    for (int r = 0; r < n; r++) {
      if (shards[r] == null) {
        shards[r] = new byte[bs];
      }
      // Data is always needed for the output; parity only when it goes back into the store.
      wanted[r] = !present[r] && (r < k || repairStore);
    }
    if (bad > 0) {
      rs.reconstruct(shards, present, wanted, 0, bs);
      for (int r = 0; r < n; r++) {
        if (wanted[r]) {
          rebuilt.incrementAndGet();
          if (repairStore) {
            store.put(shards[r], 0, bs);
          }
        }
      }
    }
    for (int r = 0; r < k; r++) {
      long block = (long) r * man.steps() + step;
      if (block < man.dataBlocks()) {
        long pos = block * bs;
        int len = (int) Math.min(bs, man.length() - pos);
        writeAt(out, ByteBuffer.wrap(shards[r], 0, len), pos);
        task.advance(len);
      }
    }
    return bad;
  }

  /** Loads and checks the manifest block {@code id}. */
  public static DatasetManifest readManifest(String id, BlockStore store) throws IOException {
    byte[] json;
    try {
      json = store.get(id);
    } catch (IllegalArgumentException e) {
      json = null;
    }
    if (json == null) {
      throw new BadDataException("dataset " + id + ": no such dataset in the store");
    }
    if (!store.idOf(json, 0, json.length).equals(id)) {
      throw new BadDataException("dataset " + id + ": the manifest block is corrupt (its content does not match its id)");
    }
    return DatasetManifest.parse(json, shortId(id));
  }

  private static String shortId(String id) {
    return id.length() > 16 ? id.substring(0, 16) : id;
  }

  private static void checkCancelled() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("cancelled");
    }
  }

  private static int readAt(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos + total);
      if (r < 0) {
        break;
      }
      total += r;
    }
    return total;
  }

  private static void writeAt(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
  }
}
