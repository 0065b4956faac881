package dev.weft.bench.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary directory for a benchmark's generated images and repositories (hundreds of MB), removed on
 * every way out: {@link #close()} on return, error or Ctrl-C (the interrupt ends the run through the
 * try-with-resources), and a shutdown hook for SIGTERM or a JVM exit while the run is still going.
 */
final class ScratchDir implements AutoCloseable {
  private final Path path;
  private final Thread hook;

  private ScratchDir(Path path) {
    this.path = path;
    this.hook = new Thread(this::deleteQuietly, "weft-bench-scratch-cleanup");
  }

  static ScratchDir create(String prefix) throws IOException {
    ScratchDir d = new ScratchDir(Files.createTempDirectory(prefix));
    Runtime.getRuntime().addShutdownHook(d.hook);
    return d;
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
