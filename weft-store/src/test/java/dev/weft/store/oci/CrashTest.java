package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.maint.Fsck;
import dev.weft.store.maint.Gc;
import dev.weft.store.repo.Repository;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hard kill in the middle of an import: a child JVM imports an image and is killed with SIGKILL (no
 * shutdown hooks, no cleanup, the repository lock dropped by the kernel) once it has written objects. The
 * repository must still pass fsck (objects are renamed into place only when complete; nothing was
 * published), a new import must finish it, and gc must remove the temporary files the child left.
 */
class CrashTest {
  @TempDir
  Path dir;

  /** The child: imports {@code args[1]} into {@code args[0]}, slowed down so the parent can kill it mid-way. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Repository repo = Repository.open(Path.of(args[0]), true);
      ProgressListener slow = new ProgressListener() {
        private long reported;
        private boolean quarter;

        @Override
        public void advanced(ProgressTask task, long delta) {
          if (task.parent() != null) {
            return;
          }
          if (task.done() > task.total() / 4 && !quarter) {
            quarter = true;
            System.out.println("quarter");
            System.out.flush();
          }
          long mib = task.done() >> 20;
          if (mib > reported) {
            reported = mib;
            try {
              if (quarter && hasObjects(Path.of(args[0]))) {
                // Objects are in place: stop reading for good, so however long the parent waits for a
                // CPU the kill still falls inside the import (it cannot finish any more).
                Thread.sleep(Long.MAX_VALUE);
              }
              // ~40 ms per MiB read up to a quarter, then ~150 ms until the first objects land
              Thread.sleep(quarter ? 150 : 40);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
      };
      try (TaskPool pool = TaskPool.create(2, new Limits(Map.of("store.import.bytes", 4L << 20)))) {
        new ImageImporter(repo, pool, slow).importImage(args[1], null);
      }
      System.out.println("finished");
    }
  }

  @Test
  void sigkillMidImportLeavesARepositoryThatPassesFsckAndReimportFinishes() throws Exception {
    // Many small files (batched per task) and one file above the 8 MiB piece size (written piecewise into
    // one temporary file), over two layers.
    byte[] big = TestImages.data(20 << 20, 7);
    java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
    try (var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bo)) {
      t.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.BIGNUMBER_POSIX);
      TestImages.file(t, "big", big, 0644);
    }
    List<byte[]> layers = List.of(CancelTest.bigLayer(600, 32 << 10, 1), bo.toByteArray());
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", layers, "none", "zstd");
    Path repoDir = dir.resolve("repo");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), Child.class.getName(), repoDir.toString(), layout + ":v1")
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("quarter", out.readLine(), "the child imported a quarter of the image");
      // Object writes run on the child's pool behind the reader, so wait until the first ones are in place
      // (the kill must interrupt an import that has written objects, not one that has only read). The child
      // stops reading once it sees them too, so it is still importing when the kill comes.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!hasObjects(repoDir) && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(5);
      }
      assertTrue(child.isAlive(), "the child is still importing when it is killed");
      child.destroyForcibly(); // SIGKILL on Linux
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, child.exitValue(), "killed by SIGKILL");
    } finally {
      child.destroyForcibly();
    }

    Repository repo = Repository.open(repoDir, false);
    assertTrue(repo.refs("").isEmpty(), "the killed import published no image");
    assertFalse(repo.listObjects().isEmpty(), "the child had written objects before it was killed");
    try (TaskPool pool = TaskPool.create(2, new Limits())) {
      Fsck.Report first = new Fsck(repo, pool).run(false);
      assertTrue(first.ok(), "fsck after SIGKILL: " + first.problems());

      ImportReport rerun = new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", null);
      assertEquals("v1", rerun.name());
      assertTrue(new Fsck(repo, pool).run(false).ok());
      for (int i = 0; i < layers.size(); i++) {
        String diffId = TestImages.sha256(layers.get(i));
        assertTrue(repo.hasStream("oci-layer-" + diffId), "layer " + i + " stored");
      }
      new Gc(repo).run(false);
      assertEquals(List.of(), repo.listTempFiles(), "gc removed what the killed import left");
      assertTrue(new Fsck(repo, pool).run(false).ok());
      assertTrue(Files.isDirectory(repoDir.resolve("streams/refs")));
    }
  }

  /** Whether the child has put at least one complete object in place (temporary files do not count). */
  private static boolean hasObjects(Path repoDir) {
    try {
      return !Repository.open(repoDir, false).listObjects().isEmpty();
    } catch (java.io.IOException | RuntimeException e) {
      return false; // not created yet, or a directory changed under the listing: ask again
    }
  }
}
