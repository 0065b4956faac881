package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.limit.Limits;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.maint.Fsck;
import dev.weft.store.repo.Repository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers split side by side share one byte budget. Each reader gathers small files into a batch before
 * handing it to the pool; a reader that waited for bytes while holding an unforked batch would wait
 * for the others, which wait for it.
 */
class SmallBudgetTest {
  @TempDir
  Path dir;

  @Test
  void layersSharingATinyBudgetNeverDeadlock() throws Exception {
    // Four layers of 3 KiB files under a 10 KiB budget: every reader's open batch plus one more file
    // overflows the budget once the other readers hold theirs.
    List<byte[]> layers = List.of(CancelTest.bigLayer(40, 3 << 10, 1), CancelTest.bigLayer(40, 3 << 10, 2),
        CancelTest.bigLayer(40, 3 << 10, 3), CancelTest.bigLayer(40, 3 << 10, 4));
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", layers, "none");
    for (int threads : new int[] {1, 2, 8}) {
      Repository repo = Repository.open(dir.resolve("repo-" + threads), true);
      try (TaskPool pool = TaskPool.create(threads, new Limits(Map.of("store.import.bytes", 10L << 10)))) {
        ImportReport report = assertTimeoutPreemptively(Duration.ofSeconds(60),
            () -> new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", null));
        assertEquals(4, report.layers().size());
        assertTrue(new Fsck(repo, pool).run(false).ok());
        assertEquals(0, pool.limits().budget("store.import.bytes", 1).metrics().inUse(), "budget returned");
      }
    }
  }
}
