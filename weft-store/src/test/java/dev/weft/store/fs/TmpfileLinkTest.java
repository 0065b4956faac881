package dev.weft.store.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both ways of naming an unnamed file (from its descriptor, through /proc) give the same file. */
class TmpfileLinkTest {
  @TempDir
  Path dir;
  private final boolean before = TmpfileWriter.linksFromDescriptor();

  @AfterEach
  void restore() {
    TmpfileWriter.linkThroughProc(!before);
  }

  @Test
  void bothLinkWaysWriteTheSameBytesAndNeverReplaceAName() throws IOException {
    assumeTrue(TmpfileWriter.supported(dir), "no O_TMPFILE here");
    byte[] data = new byte[300_000]; // more than one staging buffer
    new Random(11).nextBytes(data);
    for (boolean proc : new boolean[] {false, true}) {
      TmpfileWriter.linkThroughProc(proc);
      Path sub = Files.createDirectory(dir.resolve(proc ? "proc" : "fd"));
      assertTrue(TmpfileWriter.writeNew(sub, "obj", data, 7, data.length - 7));
      assertFalse(TmpfileWriter.writeNew(sub, "obj", new byte[3], 0, 3), "an existing name is kept");
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 7, data.length), Files.readAllBytes(sub.resolve("obj")));
      try (Stream<Path> s = Files.list(sub)) {
        assertEquals(List.of(sub.resolve("obj")), s.toList(), "nothing but the object");
      }
    }
  }
}
