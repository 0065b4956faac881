package dev.weft.store.maint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.oci.ImageImporter;
import dev.weft.store.oci.OciNames;
import dev.weft.store.oci.TestImages;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gc stopped half-way never leaves a stream link whose objects are gone. */
class GcCrashTest {
  @TempDir
  Path dir;

  @Test
  void aGcStoppedAfterItsFirstPhaseLeavesEveryLinkedStreamWholeAndAReimportRepublishes() throws IOException {
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", TestImages.layers(), "none", "zstd");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "img");
      assertTrue(repo.removeRef(OciNames.ref("img")));
      List<ObjectId> objectsBefore = repo.listObjects();

      class Killed extends RuntimeException {}
      assertThrows(Killed.class, () -> new Gc(repo, () -> {
        throw new Killed();
      }).run(false));

      // At the kill point: no object deleted yet, and every link still there names a whole stream.
      assertEquals(objectsBefore, repo.listObjects());
      for (String s : repo.streamNames()) {
        ObjectId id = repo.streamId(s).orElseThrow();
        for (ObjectId o : SplitStream.load(repo, id, s).objectRefs()) {
          assertTrue(repo.hasObject(o), s + " names a missing object");
        }
      }
      assertFalse(repo.streamNames().stream().anyMatch(n -> n.startsWith("oci-layer")),
          "the dead layers' links went first: " + repo.streamNames());

      // The image comes back whole, and fsck agrees.
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "img");
      assertTrue(new Fsck(repo, pool).run(false).ok());
    }
  }

  @Test
  void anInterruptedGcStopsBetweenObjectsAndTheNextGcFinishes() throws IOException {
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", TestImages.layers(), "gzip");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "img");
    }
    assertTrue(repo.removeRef(OciNames.ref("img")));
    int objects = repo.listObjects().size();
    assertThrows(java.util.concurrent.CancellationException.class, () -> new Gc(repo, () -> Thread.currentThread().interrupt()).run(false));
    assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");
    assertEquals(objects, repo.listObjects().size(), "stopped before deleting objects");
    Gc.Report rest = new Gc(repo).run(false);
    assertEquals(objects, rest.objects());
    assertTrue(repo.listObjects().isEmpty());
  }
}
