package dev.weft.runtime.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code fsync(2)} of a path. Both methods open the path read-only (Linux lets a read-only descriptor
 * sync a file, and a directory can only be opened so) and let every error through: a failed fsync means
 * written data may be lost, and on Linux a second fsync would not report the same error again.
 */
public final class Fsync {
  private Fsync() {}

  /** Makes a file's data and metadata durable. */
  public static void file(Path file) throws IOException {
    force(file);
  }

  /**
   * Makes a directory's entries durable: on Linux a created, renamed or removed name survives a power
   * loss only once its directory has been synced (DESIGN.md §3).
   */
  public static void directory(Path dir) throws IOException {
    force(dir);
  }

  private static void force(Path p) throws IOException {
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
