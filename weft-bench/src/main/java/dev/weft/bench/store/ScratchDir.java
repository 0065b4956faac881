package dev.weft.bench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary directory for a benchmark's generated images and repositories (hundreds of MB), removed on
 * every way out: {@link #close()} on return, error or Ctrl-C (the interrupt ends the run through the
 * try-with-resources), and a shutdown hook for SIGTERM or a JVM exit while the run is still going.
 *
 * <p>A SIGKILL (or an out-of-memory kill) runs none of these, and the import bench keeps tens of GB there.
 * So each directory names its owner (pid and start time, {@value #OWNER}), and {@link #create} removes the
 * directories of the same prefix whose owner is no longer running before it makes its own.
 */
final class ScratchDir implements AutoCloseable {
  private final Path path;
  private final Thread hook;

  private ScratchDir(Path path) {
    this.path = path;
    this.hook = new Thread(this::deleteQuietly, "weft-bench-scratch-cleanup");
  }

  /** The file naming the process that owns a scratch directory: "PID START", start in epoch milliseconds. */
  static final String OWNER = ".owner";

  /**
   * A new scratch directory in {@code java.io.tmpdir}, after removing the ones of the same prefix left by a
   * killed run (each removal is reported to {@code log}).
   */
  static ScratchDir create(String prefix, java.io.PrintWriter log) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    for (Path orphan : orphans(tmp, prefix)) {
      ImportBench.deleteTree(orphan);
      log.printf("bench: removed %s, left by a run that was killed%n", orphan);
      log.flush();
    }
    ScratchDir d = new ScratchDir(Files.createTempDirectory(tmp, prefix));
    Runtime.getRuntime().addShutdownHook(d.hook);
    ProcessHandle self = ProcessHandle.current();
    Files.writeString(d.path.resolve(OWNER), self.pid() + " " + startMillis(self));
    return d;
  }

  /**
   * The directories {@code prefix*} in {@code dir} whose owner is not running: no such process, or one that
   * started at another time (the pid was reused). Directories without an owner file are left alone.
   */
  static java.util.List<Path> orphans(Path dir, String prefix) throws IOException {
    java.util.List<Path> found = new java.util.ArrayList<>();
    try (var entries = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path p : entries) {
        String[] owner;
        try {
          owner = Files.readString(p.resolve(OWNER)).trim().split(" ");
        } catch (IOException noOwnerFile) {
          continue;
        }
        if (owner.length != 2 || !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        long pid;
        long start;
        try {
          pid = Long.parseLong(owner[0]);
          start = Long.parseLong(owner[1]);
        } catch (NumberFormatException e) {
          continue;
        }
        boolean running = ProcessHandle.of(pid).map(h -> startMillis(h) == start).orElse(false);
        if (!running) {
          found.add(p);
        }
      }
    }
    return found;
  }

  private static long startMillis(ProcessHandle h) {
    return h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
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
    ImportBench.deleteTree(path);
  }
}
