package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.maint.Fsck;
import dev.weft.store.repo.Repository;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancelTest {
  @TempDir
  Path dir;

  static byte[] bigLayer(int files, int size, int seed) throws IOException {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    byte[] base = TestImages.data(size, seed);
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      for (int i = 0; i < files; i++) {
        byte[] content = base.clone();
        java.nio.ByteBuffer.wrap(content).putInt(seed * 1000 + i); // distinct objects
        TestImages.file(t, "f" + i, content, 0644);
      }
    }
    return bo.toByteArray();
  }

  /** At 1 thread the reader does all the work itself (caller runs); at 2 a helper works beside it. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
  void cancelInTheMiddleLeavesAConsistentRepositoryAndRerunFinishes(int threads) throws Exception {
    List<byte[]> layers = List.of(bigLayer(32, 1 << 20, 1), bigLayer(32, 1 << 20, 2), bigLayer(3, 1000, 3));
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", layers, "none", "zstd");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    CountDownLatch progressed = new CountDownLatch(1);
    CountDownLatch interruptSent = new CountDownLatch(1);
    ProgressListener listener = new ProgressListener() {
      @Override
      public void advanced(ProgressTask task, long delta) {
        if (task.parent() == null && task.done() > task.total() / 4) {
          progressed.countDown();
          // Hold the layer readers here until the interrupt is on its way: otherwise a test thread that
          // waits long for a CPU after the latch could find the whole import finished, nothing to cancel.
          // Returns at once when the interrupt (or the cancel it causes) reaches this reader; bounded so a
          // broken cancel shows as the failures below rather than a hang.
          try {
            interruptSent.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    };
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    // A small byte budget keeps the importer mid-layer when the interrupt comes.
    try (TaskPool pool = TaskPool.create(threads, new Limits(Map.of("store.import.bytes", 2L << 20)))) {
      Thread importer = new Thread(() -> {
        try {
          new ImageImporter(repo, pool, listener).importImage(layout + ":v1", null);
        } catch (Throwable t) {
          outcome.set(t);
        }
      });
      importer.start();
      assertTrue(progressed.await(30, TimeUnit.SECONDS), "import made progress");
      long t0 = System.nanoTime();
      importer.interrupt(); // what Ctrl-C does to the CLI's main thread
      interruptSent.countDown();
      importer.join(30_000);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertInstanceOf(CancellationException.class, outcome.get());
      assertTrue(seconds < 2, "stopped in " + seconds + " s");
      assertEquals(List.of(), repo.listTempFiles(), "no temporary files left");
      assertTrue(repo.refs("").isEmpty(), "the image was not published");
      assertTrue(new Fsck(repo, pool).run(false).ok());
      assertEquals(0, pool.limits().budget("store.import.bytes", 1).metrics().inUse(), "budget returned");
      long finished = repo.streamNames().size(); // layers that completed before the cancel are linked
      ImportReport rerun = new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", null);
      assertEquals("v1", rerun.name());
      assertEquals(3 - finished, rerun.layers().stream().filter(ImportReport.LayerResult::imported).count(),
          "the re-run reuses the layers that had finished");
      assertTrue(new Fsck(repo, pool).run(false).ok());
    }
  }
}
