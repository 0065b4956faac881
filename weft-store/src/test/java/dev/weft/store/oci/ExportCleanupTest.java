package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.maint.Fsck;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An export that fails or is cancelled before publishing leaves no trace; progress counts the tar bytes. */
class ExportCleanupTest {
  @TempDir
  Path dir;

  /** A repository holding "big": a small layer and two of 16 MiB, so the small one finishes first. */
  private Repository repoWithImage(TaskPool pool) throws IOException {
    List<byte[]> layers = List.of(CancelTest.bigLayer(2, 1000, 3), CancelTest.bigLayer(16, 1 << 20, 1),
        CancelTest.bigLayer(16, 1 << 20, 2));
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", layers, "none", "none", "none");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "big");
    return repo;
  }

  /**
   * Exports "big" on a thread of its own and interrupts it (as Ctrl-C does) once the first layer blob is
   * in place, so there is a published blob for the cleanup to remove. Returns what the export threw.
   */
  private Throwable cancelledExport(Repository repo, TaskPool pool, Path out, String compression)
      throws InterruptedException {
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread[] exporter = new Thread[1];
    ProgressListener cancelAfterFirstLayer = new ProgressListener() {
      @Override
      public void finished(ProgressTask task) {
        if (task.parent() != null) { // a layer bar ends after its blob was renamed into place
          exporter[0].interrupt();
        }
      }
    };
    exporter[0] = Thread.ofPlatform().unstarted(() -> {
      try {
        new ImageExporter(repo, pool, cancelAfterFirstLayer).export("big", out, compression);
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    exporter[0].start();
    exporter[0].join(60_000);
    assertFalse(exporter[0].isAlive());
    return outcome.get();
  }

  /** Every file and directory under {@code root} with its content's digest ("dir" for directories). */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (var s = Files.walk(root)) {
      for (Path p : s.toList()) {
        m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : TestImages.sha256(Files.readAllBytes(p)));
      }
    }
    return m;
  }

  @Test
  void cancelledExportToANewDirectoryLeavesNothingAndTheRerunSucceeds() throws Exception {
    try (TaskPool pool = TaskPool.create(2)) {
      Repository repo = repoWithImage(pool);
      Path out = dir.resolve("new/BE"); // its parent is missing too: both are the export's to remove
      assertNotNull(cancelledExport(repo, pool, out, "none"), "the export was cancelled");
      assertFalse(Files.exists(dir.resolve("new")), "no directory left behind");

      new ImageExporter(repo, pool).export("big", out, "none");
      assertTrue(Files.isRegularFile(out.resolve("index.json")));
      assertTrue(new Fsck(repo, pool).run(false).ok());
    }
  }

  @Test
  void cancelledExportIntoALayoutLeavesItAsItWas() throws Exception {
    try (TaskPool pool = TaskPool.create(2)) {
      Repository repo = repoWithImage(pool);
      Path layout = dir.resolve("layout"); // the source layout: index.json, oci-layout, blobs
      Map<String, String> before = snapshot(layout);
      // gzip is not the layout's compression: the layer blobs written are new there, as is the manifest.
      assertNotNull(cancelledExport(repo, pool, layout, "gzip"), "the export was cancelled");
      assertEquals(before, snapshot(layout));
    }
  }

  @Test
  void aDirectoryHoldingOnlyAnEmptyBlobsTreeIsTakenAsEmpty() throws Exception {
    try (TaskPool pool = TaskPool.create(2)) {
      Repository repo = repoWithImage(pool);
      Path left = Files.createDirectories(dir.resolve("left/blobs/sha256")).getParent().getParent();
      new ImageExporter(repo, pool).export("big", left, "none");
      assertTrue(Files.isRegularFile(left.resolve("index.json")));

      Path notEmpty = Files.createDirectories(dir.resolve("other/blobs/sha256")).getParent().getParent();
      Files.writeString(notEmpty.resolve("blobs/sha256/notes"), "mine");
      assertThrows(UsageException.class, () -> new ImageExporter(repo, pool).export("big", notEmpty, "none"));
      assertEquals(List.of(notEmpty.resolve("blobs/sha256/notes")), Files.walk(notEmpty).filter(Files::isRegularFile).toList());
    }
  }

  @Test
  void progressCountsEveryTarByteOverallAndPerLayer() throws Exception {
    try (TaskPool pool = TaskPool.create(2)) {
      Repository repo = repoWithImage(pool);
      Map<ProgressTask, Long> advanced = new ConcurrentHashMap<>();
      ProgressListener recorder = new ProgressListener() {
        @Override
        public void advanced(ProgressTask task, long delta) {
          advanced.merge(task, delta, Long::sum);
        }
      };
      new ImageExporter(repo, pool, recorder).export("big", dir.resolve("out"), "gzip");
      StoredImage img = StoredImage.load(repo, "big");
      long tarBytes = 0;
      for (StoredImage.StoredLayer l : img.layers()) {
        tarBytes += SplitStream.load(repo, l.streamId(), l.streamName()).streamSize();
      }
      ProgressTask overall = advanced.keySet().stream().filter(t -> t.parent() == null).findFirst().orElseThrow();
      assertEquals("export big", overall.name());
      assertEquals(tarBytes, overall.total());
      assertEquals(tarBytes, advanced.get(overall));
      List<ProgressTask> layers = advanced.keySet().stream().filter(t -> t.parent() == overall).toList();
      assertEquals(3, layers.size());
      for (ProgressTask l : layers) {
        assertEquals(l.total(), advanced.get(l), l.name());
      }
    }
  }

  @Test
  void rebuildingStopsWithinALargeObjectWhenInterrupted() throws Exception {
    // Export, fsck and cat rebuild through cat(); one object can take seconds to write behind a compressor,
    // and before, the interrupt was only checked between objects (Ctrl-C on an export of a JDK image
    // took 7 s to act).
    try (TaskPool pool = TaskPool.create(2)) {
      Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", List.of(CancelTest.bigLayer(1, 8 << 20, 4)), "none");
      Repository repo = Repository.open(dir.resolve("repo"), true);
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "one");
      StoredImage.StoredLayer l = StoredImage.load(repo, "one").layers().get(0);
      SplitStream ss = SplitStream.load(repo, l.streamId(), l.streamName());
      long[] written = {0};
      // The tar header comes first, inline; the interrupt comes once the file's object is being written.
      java.io.OutputStream interruptingInTheObject = new java.io.OutputStream() {
        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          written[0] += len;
          if (written[0] > 4096) {
            Thread.currentThread().interrupt();
          }
        }
      };
      try {
        assertThrows(java.util.concurrent.CancellationException.class, () -> ss.cat(repo, interruptingInTheObject));
      } finally {
        Thread.interrupted();
      }
      assertTrue(written[0] < 1 << 20, written[0] + " bytes written after the interrupt");
    }
  }
}
