package dev.weft.ec.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.runtime.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFilesTest {
  @TempDir Path dir;

  /**
   * QA round 11: an output written through a temporary file and a rename replaced {@code /dev/null} with a
   * regular file. A device, fifo or socket (or a link to one) is refused before anything is created.
   */
  @Test
  void aSpecialFileOutputIsRefusedAndLeftAsItWas() throws Exception {
    Path fifo = dir.resolve("pipe");
    int rc;
    try {
      rc = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
    } catch (IOException noMkfifo) {
      rc = -1;
    }
    assumeTrue(rc == 0, "mkfifo not available");
    Path link = dir.resolve("null-link");
    Files.createSymbolicLink(link, Path.of("/dev/null"));
    for (Path special : new Path[] {fifo, link}) {
      UsageException e = assertThrows(UsageException.class, () -> OutputFiles.createTemp(special));
      assertTrue(e.getMessage().startsWith(special + ": is a device, fifo or socket"), e.getMessage());
    }
    assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "the fifo is still a fifo");
    assertTrue(Files.isSymbolicLink(link));
    try (var left = Files.list(dir)) {
      assertEquals(2, left.count(), "no temporary file was created");
    }
  }

  @Test
  void aRegularOutputGetsATemporaryNextToIt() throws IOException {
    Path out = dir.resolve("sub/out.bin");
    OutputFiles.PendingOutput p = OutputFiles.createTemp(out);
    Files.writeString(p.temp(), "data");
    p.publish();
    assertEquals("data", Files.readString(out));
    assertFalse(Files.exists(p.temp(), LinkOption.NOFOLLOW_LINKS));
  }
}
