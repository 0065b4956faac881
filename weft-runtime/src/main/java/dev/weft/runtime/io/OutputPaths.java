package dev.weft.runtime.io;

import dev.weft.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks on a path the user asked weft to write a result to. */
public final class OutputPaths {
  private OutputPaths() {}

  /** True if {@code output} names (or links to) something that exists and is neither a file nor a directory. */
  public static boolean isSpecial(Path output) {
    return Files.exists(output) && !Files.isRegularFile(output) && !Files.isDirectory(output);
  }

  /**
   * Refuses (exit 2) an output path naming a device, fifo or socket, or a link to one. weft writes results
   * to a temporary file renamed over the path, so that a failure never leaves half a result; renaming over
   * {@code /dev/null} or a named pipe would replace it with a regular file (as root, {@code /dev/null} for
   * every process on the machine).
   */
  public static void requireReplaceable(Path output) {
    if (isSpecial(output)) {
      throw new UsageException(output + ": is a device, fifo or socket; give a regular file path"
          + " (the result is written to a temporary file renamed into place)");
    }
  }
}
