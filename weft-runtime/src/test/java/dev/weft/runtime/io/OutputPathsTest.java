package dev.weft.runtime.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.runtime.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputPathsTest {
  @TempDir Path dir;

  /**
   * QA round 11: {@code weft cat STREAM -o /dev/null} renamed its temporary file over {@code /dev/null}. A
   * device, a fifo and a link to a device are refused; a regular file, a new path and a directory (which
   * the callers refuse with their own message) pass.
   */
  @Test
  void devicesFifosAndLinksToThemAreRefused() throws Exception {
    Path fifo = dir.resolve("pipe");
    int rc;
    try {
      rc = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
    } catch (IOException noMkfifo) {
      rc = -1;
    }
    assumeTrue(rc == 0, "mkfifo not available");
    Path link = Files.createSymbolicLink(dir.resolve("null-link"), Path.of("/dev/null"));
    for (Path special : new Path[] {fifo, link, Path.of("/dev/null")}) {
      UsageException e = assertThrows(UsageException.class, () -> OutputPaths.requireReplaceable(special));
      assertTrue(e.getMessage().startsWith(special + ": is a device, fifo or socket"), e.getMessage());
    }
    OutputPaths.requireReplaceable(Files.writeString(dir.resolve("file"), "x"));
    OutputPaths.requireReplaceable(dir.resolve("new"));
    OutputPaths.requireReplaceable(dir);
  }
}
