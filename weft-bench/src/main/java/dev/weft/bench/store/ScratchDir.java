package dev.weft.bench.store;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A temporary directory for a benchmark's generated images and repositories (hundreds of MB), removed on
 * every way out: {@link #close()} on return, error or Ctrl-C (the interrupt ends the run through the
 * try-with-resources), and a shutdown hook for SIGTERM or a JVM exit while the run is still going.
 *
 * <p>A SIGKILL (or an out-of-memory kill) runs none of these, and the import bench keeps tens of GB there.
 * So a run holds a lock on its directory's {@value #OWNER} file for as long as it lives (the kernel drops
 * it with the process, however it ends), and {@link #create} removes the directories of the same prefix,
 * owned by this user, whose lock nobody holds. A lock rather than a pid and start time: those compare
 * wrong across pid namespaces and when the boot time the JDK derives them from moves.
 */
final class ScratchDir implements AutoCloseable {
  /** The lock file of a scratch directory; it also names the owner's pid, for people. */
  static final String OWNER = ".owner";

  /** The scratch directories of this JVM's live runs. */
  private static final java.util.Set<Path> OWN = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path path;
  private final FileChannel ownerChannel;
  private final Thread hook;

  private ScratchDir(Path path, FileChannel ownerChannel) {
    this.path = path;
    this.ownerChannel = ownerChannel;
    this.hook = new Thread(this::deleteQuietly, "weft-bench-scratch-cleanup");
  }

  /**
   * A new scratch directory in {@code java.io.tmpdir}, after removing the ones of the same prefix left by a
   * killed run (each removal, or failure to remove, is reported to {@code log}).
   */
  static ScratchDir create(String prefix, PrintWriter log) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    for (Path orphan : orphans(tmp, prefix)) {
      try {
        ImportBench.deleteTree(orphan);
        log.printf("bench: removed %s, left by a run that was killed%n", orphan);
      } catch (IOException e) {
        log.printf("bench: could not remove %s, left by a run that was killed: %s%n", orphan, e);
      }
      log.flush();
    }
    Path dir = Files.createTempDirectory(tmp, prefix);
    FileChannel owner = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    owner.lock(); // held until this JVM ends; close() releases it with the channel
    owner.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes()));
    ScratchDir d = new ScratchDir(dir, owner);
    OWN.add(dir.toAbsolutePath());
    Runtime.getRuntime().addShutdownHook(d.hook);
    return d;
  }

  /**
   * The directories {@code prefix*} in {@code dir} that belong to this user and whose {@value #OWNER} lock
   * nobody holds (its run has ended without cleaning up). Directories without the file (a run killed before
   * it wrote it, or older versions) and other users' are left alone.
   */
  static List<Path> orphans(Path dir, String prefix) throws IOException {
    List<Path> found = new ArrayList<>();
    long uid = dev.weft.store.fs.NativeFs.uid();
    try (var entries = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path p : entries) {
        // This JVM's own: never opened here, since closing any descriptor of a file drops the process's
        // POSIX lock on it (the JDK's file locks are fcntl locks).
        if (OWN.contains(p.toAbsolutePath())
            || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            || ((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() != uid
            || !Files.isRegularFile(p.resolve(OWNER), LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (FileChannel ch = FileChannel.open(p.resolve(OWNER), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
          FileLock l = ch.tryLock();
          if (l != null) {
            found.add(p); // nobody holds it: the run that made p is gone
          }
        } catch (OverlappingFileLockException | IOException notOurs) {
          // held through another channel of this JVM, or unreadable: not ours to judge
        }
      }
    }
    return found;
  }

  Path path() {
    return path;
  }

  private void deleteQuietly() {
    try {
      ImportBench.deleteTree(path);
    } catch (IOException | RuntimeException e) {
      // the run may still be writing here during shutdown; remove what can be removed
    }
  }

  @Override
  public void close() throws IOException {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      return; // the hook is running and removes the directory
    }
    try {
      ImportBench.deleteTree(path);
    } finally {
      ownerChannel.close();
      OWN.remove(path.toAbsolutePath());
    }
  }
}
