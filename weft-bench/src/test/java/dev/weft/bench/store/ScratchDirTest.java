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
      try (ScratchDir d = ScratchDir.create("weft-scratch-test-", new java.io.PrintWriter(java.io.Writer.nullWriter()))) {
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

  /** What a SIGKILLed run leaves is removed by the next run; a live owner's and an unmarked one are kept. */
  @Test
  void theNextRunRemovesOnlyDirectoriesWhoseOwnerIsGone() throws Exception {
    String prefix = "weft-scratch-orphan-test-" + ProcessHandle.current().pid() + "-";
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Process dead = new ProcessBuilder("true").start();
    ProcessHandle deadHandle = dead.toHandle();
    long deadStart = deadHandle.info().startInstant().orElseThrow().toEpochMilli();
    dead.waitFor();
    Path killed = Files.createTempDirectory(tmp, prefix);
    Files.writeString(killed.resolve(ScratchDir.OWNER), deadHandle.pid() + " " + deadStart);
    Files.writeString(killed.resolve("layer.tar"), "data");
    Path unmarked = Files.createTempDirectory(tmp, prefix);
    Path reused = Files.createTempDirectory(tmp, prefix); // a live pid, but another process's start time
    Files.writeString(reused.resolve(ScratchDir.OWNER), ProcessHandle.current().pid() + " 12345");
    java.io.StringWriter log = new java.io.StringWriter();
    try (ScratchDir live = ScratchDir.create(prefix, new java.io.PrintWriter(log))) {
      assertFalse(Files.exists(killed), "a dead owner's directory is removed");
      assertFalse(Files.exists(reused), "a reused pid does not keep a directory");
      assertTrue(Files.isDirectory(unmarked), "a directory without an owner file is not ours to remove");
      assertTrue(log.toString().contains(killed.toString()), log.toString());
      assertTrue(ScratchDir.orphans(tmp, prefix).isEmpty(), "the running owner's directory is no orphan");
      assertTrue(Files.isDirectory(live.path()));
    } finally {
      Files.deleteIfExists(unmarked);
    }
  }
}
