package dev.weft.ec.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
   * regular file. The kinds of special file are OutputPathsTest's; here: refused before anything is created.
   */
  @Test
  void aSpecialFileOutputIsRefusedBeforeAnythingIsCreated() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("null-link"), Path.of("/dev/null"));
    UsageException e = assertThrows(UsageException.class, () -> OutputFiles.createTemp(link));
    assertTrue(e.getMessage().startsWith(link + ": is a device, fifo or socket"), e.getMessage());
    assertTrue(Files.isSymbolicLink(link));
    try (var left = Files.list(dir)) {
      assertEquals(1, left.count(), "no temporary file was created");
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
