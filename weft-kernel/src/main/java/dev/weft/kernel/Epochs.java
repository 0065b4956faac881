package dev.weft.kernel;

import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.journal.DurableFiles;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.machine.Handler;
import dev.weft.kernel.snapshot.Snapshot;
import dev.weft.kernel.snapshot.SnapshotStore;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.io.Fsync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;

/**
 * Offline epoch management. {@link #roll} ends the current epoch: it restores the state, writes it as the
 * new epoch's {@code base.snap} and creates the epoch directory recording the code that will write it.
 * {@link #chop} deletes the oldest epochs (and snapshots older than what remains), which is safe because
 * every epoch after the first starts from its base snapshot.
 */
public final class Epochs {
  private Epochs() {}

  /** The new epoch. */
  public static Layout.Epoch roll(Path dir, Handler handler, Computations computations, Consumer<String> notes) {
    try (Locked l = lock(dir)) {
      Layout.recover(dir).forEach(notes);
      SnapshotStore.removeTemporaries(Restore.snapshotDir(dir)).forEach(notes);
      Layout layout = Layout.read(dir);
      if (layout.epochs().isEmpty()) {
        throw new UsageException(dir + ": not a journal (no epoch directories)");
      }
      Restore.Restored r = Restore.run(layout, handler, computations, true, notes);
      if (r.tail() != null) {
        throw new UsageException(dir + ": " + r.tail().describe() + "; open it with weft kernel run first");
      }
      int number = layout.current().number() + 1;
      Snapshot base = new Snapshot(r.lastSeq(), r.state(), r.pending());
      // The base snapshot is written inside the epoch's temporary directory: the epoch appears with it or not at all.
      return Layout.createEpoch(dir, number, r.lastSeq() + 1, handler.code(),
          tmp -> SnapshotStore.writeFile(tmp.resolve(Restore.BASE_SNAPSHOT), base));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes all but the newest {@code keep} epochs; returns the deleted ones. */
  public static List<Layout.Epoch> chop(Path dir, int keep) {
    if (keep < 1) {
      throw new UsageException("--keep must be at least 1, got " + keep);
    }
    try (Locked l = lock(dir)) {
      Layout.recover(dir);
      Layout layout = Layout.read(dir);
      List<Layout.Epoch> epochs = layout.epochs();
      if (epochs.size() <= keep) {
        return List.of();
      }
      List<Layout.Epoch> doomed = epochs.subList(0, epochs.size() - keep);
      long newFirst = epochs.get(epochs.size() - keep).firstSeq();
      // Oldest first, each renamed out of the journal (epoch-NNNNNN.tmp, which open removes) before it is
      // deleted: a crash part-way leaves a journal starting at a later epoch, never a half-deleted epoch
      // (deleting in place removes epoch.properties before the segments).
      DurableFiles.uninterruptibly(() -> {
        for (Layout.Epoch e : doomed) {
          Path gone = e.dir().resolveSibling(e.dir().getFileName() + ".tmp");
          DurableFiles.deleteTree(gone);
          Files.move(e.dir(), gone, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          Fsync.directory(dir);
          DurableFiles.deleteTree(gone);
        }
        return null;
      });
      SnapshotStore snaps = new SnapshotStore(Restore.snapshotDir(dir));
      for (Path p : snaps.list()) {
        if (SnapshotStore.seqOf(p) < newFirst - 1) {
          Files.delete(p);
        }
      }
      return List.copyOf(doomed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Locked(FileChannel channel, FileLock lock) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      lock.release();
      channel.close();
    }
  }

  private static Locked lock(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new UsageException(dir + ": no such journal directory");
    }
    FileChannel ch = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = Kernel.tryLock(ch);
    if (lock == null) {
      ch.close();
      throw new UsageException(dir + ": journal is in use by another weft process");
    }
    return new Locked(ch, lock);
  }
}
