package dev.weft.bench.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScratchDirTest {
  @Test
  void closeRemovesTheTreeEvenAfterAFailure() throws IOException {
    Path[] seen = new Path[1];
    assertThrows(IllegalStateException.class, () -> {
      try (ScratchDir d = ScratchDir.create("weft-scratch-test-")) {
        seen[0] = d.path();
        Files.createDirectories(d.path().resolve("a/b"));
        Files.writeString(d.path().resolve("a/b/f"), "x");
        Files.setAttribute(d.path().resolve("a"), "unix:mode", 0500); // read-only dirs must go too
        assertTrue(Files.exists(d.path().resolve("a/b/f")));
        throw new IllegalStateException("bench failed");
      }
    });
    assertFalse(Files.exists(seen[0]));
  }
}
