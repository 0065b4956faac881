package dev.weft.store.maint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.oci.ImageImporter;
import dev.weft.store.oci.TestImages;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsckProgressTest {
  @TempDir
  Path dir;

  @Test
  void reportsObjectsRehashedAndOciBytesRebuilt() throws Exception {
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", TestImages.layers(), "gzip");
    Repository repo = Repository.open(dir.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(repo, pool, ProgressListener.NONE).importImage(layout + ":v1", "img");
      Map<String, ProgressTask> tasks = new ConcurrentHashMap<>();
      Map<String, Long> advanced = new ConcurrentHashMap<>();
      ProgressListener recorder = new ProgressListener() {
        @Override
        public void started(ProgressTask task) {
          tasks.put(task.name(), task);
        }

        @Override
        public void advanced(ProgressTask task, long delta) {
          advanced.merge(task.name(), delta, Long::sum);
        }
      };
      Fsck.Report r = new Fsck(repo, pool, recorder).run(false);
      assertTrue(r.ok(), r.problems().toString());

      ProgressTask objects = tasks.get("fsck: re-hash objects");
      assertEquals("objects", objects.unit());
      assertEquals(r.objects(), objects.total());
      assertEquals(r.objects(), advanced.get(objects.name()));

      long ociBytes = 0;
      for (String s : repo.streamNames()) {
        if (Fsck.ociDigest(s) != null) {
          ociBytes += SplitStream.load(repo, repo.streamId(s).orElseThrow(), s).streamSize();
        }
      }
      ProgressTask rebuilt = tasks.get("fsck: rebuild OCI streams");
      assertEquals(ociBytes, rebuilt.total());
      assertEquals(ociBytes, advanced.get(rebuilt.name()));
      assertTrue(objects.isEnded() && rebuilt.isEnded());
    }
  }
}
