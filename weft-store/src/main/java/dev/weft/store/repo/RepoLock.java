package dev.weft.store.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The repository lock: shared for imports and reads that add data, exclusive for gc and repair. Between
 * processes it is a {@link FileChannel#lock} on {@code REPO/.lock}; inside one JVM (where file locks do not
 * exclude each other) a read-write lock per repository does the same job, and the file lock is held while
 * any thread of this JVM holds the repository.
 *
 * <p>A command that only reads (export, unpack, fsck without repair) may hold the shared lock through a
 * read-only descriptor, so it works on a repository it cannot write (another user's, or a read-only mount);
 * where even that is impossible ({@code .lock} missing and not creatable) it reads without the file lock,
 * since nobody who could run gc has used the repository.
 */
public final class RepoLock implements AutoCloseable {
  private static final Map<Path, Holder> HOLDERS = new ConcurrentHashMap<>();
  /** How long a lock may be busy before the waiting command says so. */
  static final long NOTICE_AFTER_MS = 500;
  private static final long POLL_MS = 25;

  private final Holder holder;
  private final boolean exclusive;
  private boolean released;

  private RepoLock(Holder holder, boolean exclusive) {
    this.holder = holder;
    this.exclusive = exclusive;
  }

  /**
   * Takes the lock. When it is not free within {@link #NOTICE_AFTER_MS}, {@code onWait} gets one line saying
   * what it waits for (and which process holds it, when the system says), then the wait goes on: a command
   * queued behind a long gc or import must not look hung. Interrupting the waiting thread cancels the wait
   * ({@link CancellationException}).
   */
  static RepoLock acquire(Path lockFile, boolean exclusive, boolean readOnly, Consumer<String> onWait) {
    Holder h = HOLDERS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), Holder::new);
    Lock l = exclusive ? h.rw.writeLock() : h.rw.readLock();
    try {
      if (!l.tryLock() && !l.tryLock(NOTICE_AFTER_MS, TimeUnit.MILLISECONDS)) {
        onWait.accept(waitingMessage(h.file, "another command of this process"));
        l.lockInterruptibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("cancelled while waiting for the repository lock " + h.file);
    }
    try {
      h.enter(exclusive, readOnly, onWait);
    } catch (RuntimeException e) {
      l.unlock();
      throw e;
    }
    return new RepoLock(h, exclusive);
  }

  private static String waitingMessage(Path file, String holder) {
    return "waiting for the repository lock " + file + ", held by " + holder + "…";
  }

  public boolean exclusive() {
    return exclusive;
  }

  @Override
  public void close() {
    if (released) {
      return;
    }
    released = true;
    holder.exit();
    (exclusive ? holder.rw.writeLock() : holder.rw.readLock()).unlock();
  }

  /** Per-repository state: the JVM-local lock and the file lock shared by this JVM's holders. */
  private static final class Holder {
    final ReentrantReadWriteLock rw = new ReentrantReadWriteLock(true);
    final Path file;
    private int holders; // guarded by this
    private FileChannel channel; // guarded by this
    private FileLock fileLock; // guarded by this

    Holder(Path file) {
      this.file = file;
    }

    synchronized void enter(boolean exclusive, boolean readOnly, Consumer<String> onWait) {
      // The first holder takes the file lock for the JVM. So does a writer joining readers that hold none
      // (they could not even open .lock): it must not write unlocked, and fails here as in a JVM of its own.
      if (holders > 0 && (channel != null || readOnly)) {
        holders++;
        return;
      }
      FileChannel ch = null;
      try {
        ch = open(readOnly && !exclusive);
        if (ch == null) {
          holders++; // a reader of a repository nobody could write: see the class comment
          return;
        }
        FileLock l = ch.tryLock(0, Long.MAX_VALUE, !exclusive);
        // Polled for a moment (another command may be just finishing), then one notice and a blocking wait.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NOTICE_AFTER_MS);
        while (l == null && System.nanoTime() < deadline) {
          Thread.sleep(POLL_MS);
          l = ch.tryLock(0, Long.MAX_VALUE, !exclusive);
        }
        if (l == null) {
          onWait.accept(waitingMessage(file, LockHolders.describe(file)));
          l = ch.lock(0, Long.MAX_VALUE, !exclusive);
        }
        channel = ch;
        fileLock = l;
        holders++;
      } catch (InterruptedException | java.nio.channels.FileLockInterruptionException
          | java.nio.channels.ClosedByInterruptException e) {
        closeQuietly(ch);
        Thread.currentThread().interrupt();
        throw new CancellationException("cancelled while waiting for the repository lock " + file);
      } catch (IOException e) {
        closeQuietly(ch);
        throw new UncheckedIOException("cannot lock " + file, e);
      }
    }

    private static void closeQuietly(FileChannel ch) {
      if (ch != null) {
        try {
          ch.close(); // releases any lock taken through it
        } catch (IOException ignored) {
          // nothing to retry
        }
      }
    }

    /** The lock file opened for writing, or, for a reader that may not write it, for reading or null. */
    private FileChannel open(boolean readOnly) throws IOException {
      try {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      } catch (java.nio.file.FileSystemException e) { // no permission, or a read-only file system
        if (!readOnly || e instanceof java.nio.file.NoSuchFileException) {
          throw e;
        }
        try {
          return FileChannel.open(file, StandardOpenOption.READ); // a shared lock needs only read access
        } catch (java.nio.file.NoSuchFileException noLockFile) {
          return null;
        }
      }
    }

    synchronized void exit() {
      if (--holders == 0) {
        closeQuietly();
      }
    }

    private void closeQuietly() {
      try {
        if (fileLock != null) {
          fileLock.release();
        }
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // releasing a lock on close cannot be retried; the OS drops it with the descriptor
      } finally {
        fileLock = null;
        channel = null;
      }
    }
  }
}
