package dev.weft.kernel.snapshot;

import dev.weft.kernel.effect.EffectCodec;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.journal.DurableFiles;
import dev.weft.kernel.state.StateMap;
import dev.weft.runtime.io.Fsync;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * Snapshot files {@code snap-<seq>.snap} in one directory. Format (big-endian, {@code docs/formats/journal.md}):
 * magic "WEFTSNP1", seq u64, state hash u64, entry count u64, entries (space i32, key i64, value i64),
 * pending count u32, pending effects (origin seq u64, index u32, request), CRC32C u32 of all before it.
 * Written to a temporary name, fsynced and renamed, so a snapshot file is complete or absent.
 */
public final class SnapshotStore {
  private static final byte[] MAGIC = "WEFTSNP1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private final Path dir;

  public SnapshotStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /**
   * Writes {@code snap} durably and returns its path: to a temporary name, fsynced, renamed, directory
   * fsynced. Runs {@linkplain DurableFiles#uninterruptibly uninterruptibly}; on failure the temporary file
   * is removed.
   */
  public Path write(Snapshot snap) {
    Path target = dir.resolve(String.format("snap-%020d.snap", snap.seq()));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    DurableFiles.uninterruptiblyUnchecked(() -> {
      Files.createDirectories(dir);
      try {
        writeFile(tmp, snap);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException | RuntimeException e) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      Fsync.directory(dir);
      return null;
    });
    return target;
  }

  /**
   * Deletes {@code *.tmp} files in {@code dir} left by a snapshot write that a crash cut short (call with the
   * journal lock held). Returns one line per removed file.
   */
  public static List<String> removeTemporaries(Path dir) {
    List<String> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    DurableFiles.uninterruptiblyUnchecked(() -> {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".tmp")).sorted().toList()) {
          Files.deleteIfExists(p);
          removed.add("removed " + dir.getFileName() + "/" + p.getFileName() + ", left by an unfinished snapshot write");
        }
      }
      return null;
    });
    return removed;
  }

  /** Writes a snapshot file at {@code path} (no rename). */
  public static void writeFile(Path path, Snapshot snap) throws IOException {
    CRC32C crc = new CRC32C();
    try (OutputStream file = Files.newOutputStream(path);
        CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(file, 1 << 16), crc);
        DataOutputStream out = new DataOutputStream(checked)) {
      out.write(MAGIC);
      out.writeLong(snap.seq());
      out.writeLong(snap.state().hash());
      out.writeLong(snap.state().size());
      IOException[] error = new IOException[1];
      snap.state().forEach((space, key, value) -> {
        if (error[0] == null) {
          try {
            out.writeInt(space);
            out.writeLong(key);
            out.writeLong(value);
          } catch (IOException e) {
            error[0] = e;
          }
        }
      });
      if (error[0] != null) {
        throw error[0];
      }
      out.writeInt(snap.pending().size());
      for (var e : snap.pending().entrySet()) {
        out.writeLong(e.getKey().originSeq());
        out.writeInt(e.getKey().index());
        EffectCodec.write(out, e.getValue());
      }
      out.flush();
      int sum = (int) crc.getValue();
      file.write(new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
      file.flush();
    }
    Fsync.file(path);
  }

  /** Snapshot files, newest first. */
  public List<Path> list() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = new ArrayList<>(files
          .filter(p -> p.getFileName().toString().matches("snap-\\d{20}\\.snap")).sorted().toList());
      java.util.Collections.reverse(all);
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static long seqOf(Path snapshotFile) {
    return Long.parseLong(snapshotFile.getFileName().toString().substring(5, 25));
  }

  /**
   * Reads and checks a snapshot file: CRC, then the state hash recomputed from the entries. Throws
   * {@link IOException} describing the damage.
   */
  public static Snapshot read(Path path) throws IOException {
    CRC32C crc = new CRC32C();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        CheckedInputStream checked = new CheckedInputStream(file, crc);
        DataInputStream in = new DataInputStream(checked)) {
      byte[] magic = new byte[8];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a weft snapshot");
      }
      long seq = in.readLong();
      long hash = in.readLong();
      long count = in.readLong();
      StateMap state = StateMap.empty();
      for (long i = 0; i < count; i++) {
        state = state.put(in.readInt(), in.readLong(), in.readLong());
      }
      int pendingCount = in.readInt();
      SortedMap<Snapshot.EffectKey, EffectRequest> pending = new TreeMap<>();
      for (int i = 0; i < pendingCount; i++) {
        Snapshot.EffectKey key = new Snapshot.EffectKey(in.readLong(), in.readInt());
        pending.put(key, EffectCodec.read(in));
      }
      int expected = (int) crc.getValue();
      int stored = new DataInputStream(file).readInt();
      if (stored != expected) {
        throw new IOException("CRC mismatch");
      }
      if (state.hash() != hash || state.size() != count) {
        throw new IOException("state hash mismatch: recorded " + Long.toHexString(hash) + ", recomputed "
            + Long.toHexString(state.hash()));
      }
      return new Snapshot(seq, state, pending);
    } catch (EOFException e) {
      throw new IOException("cut short");
    } catch (RuntimeException e) {
      throw new IOException("malformed: " + e.getMessage());
    }
  }
}
