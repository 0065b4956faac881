package dev.weft.bench.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  /**
   * What a SIGKILLed run leaves is removed by the next run: a directory whose lock nobody holds. One whose
   * lock another process holds (a live run), one without the lock file, and this JVM's own stay; and
   * scanning this JVM's own does not drop its lock (closing any descriptor of a file would, with the
   * POSIX locks the JDK uses).
   */
  @Test
  void theNextRunRemovesOnlyDirectoriesWhoseRunIsGone() throws Exception {
    String prefix = "weft-scratch-orphan-test-" + ProcessHandle.current().pid() + "-";
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path killed = Files.createTempDirectory(tmp, prefix);
    Files.writeString(killed.resolve(ScratchDir.OWNER), "12345\n");
    Files.writeString(killed.resolve("layer.tar"), "data");
    Path unmarked = Files.createTempDirectory(tmp, prefix);
    Path live = Files.createTempDirectory(tmp, prefix);
    Files.writeString(live.resolve(ScratchDir.OWNER), "");
    Process holder = child("hold", live.resolve(ScratchDir.OWNER));
    try {
      assertTrue(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine()
          .equals("locked"));
      java.io.StringWriter log = new java.io.StringWriter();
      try (ScratchDir mine = ScratchDir.create(prefix, new java.io.PrintWriter(log))) {
        assertFalse(Files.exists(killed), "a directory nobody holds is removed");
        assertTrue(log.toString().contains(killed.toString()), log.toString());
        assertTrue(Files.isDirectory(live), "another process's live run is kept");
        assertTrue(Files.isDirectory(unmarked), "a directory without the lock file is not ours to remove");
        assertTrue(ScratchDir.orphans(tmp, prefix).isEmpty());
        assertTrue(Files.isDirectory(mine.path()));
        Process probe = child("probe", mine.path().resolve(ScratchDir.OWNER));
        assertEquals("busy", new String(probe.getInputStream().readAllBytes()).trim(),
            "this JVM still holds its own lock after the scans");
      }
    } finally {
      holder.destroyForcibly().waitFor();
      ImportBench.deleteTree(live);
      Files.deleteIfExists(unmarked);
    }
  }

  private static Process child(String mode, Path file) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), mode,
        file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** A second process: "hold FILE" locks it and waits; "probe FILE" says whether its lock is free or busy. */
  public static final class LockProbe {
    public static void main(String[] a) throws Exception {
      try (var ch = java.nio.channels.FileChannel.open(Path.of(a[1]), java.nio.file.StandardOpenOption.WRITE)) {
        if (a[0].equals("hold")) {
          ch.lock();
          System.out.println("locked");
          System.out.flush();
          Thread.sleep(120_000);
        } else {
          System.out.println(ch.tryLock() == null ? "busy" : "free");
        }
      }
    }
  }
}
