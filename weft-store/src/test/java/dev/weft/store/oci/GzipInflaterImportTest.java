package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.gzip.Gunzip;
import dev.weft.store.repo.Repository;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gzip image imports to the same repository, byte for byte, whichever inflater reads its layers. */
class GzipInflaterImportTest {
  @TempDir
  Path dir;

  @Test
  void isalAndJavaInflatersGiveAByteIdenticalRepository() throws IOException {
    assumeTrue(Gunzip.Inflater.ISAL.available(), "ISA-L inflate not available: " + Gunzip.describe());
    Path layout = TestImages.writeLayout(dir.resolve("layout"), "v1", TestImages.layers(), "gzip", "gzip", "gzip");
    Map<String, String> java = importWith(Gunzip.Inflater.JAVA, layout, dir.resolve("java"));
    Map<String, String> isal = importWith(Gunzip.Inflater.ISAL, layout, dir.resolve("isal"));
    assertEquals(java, isal);
    assertEquals(3, java.keySet().stream().filter(k -> k.startsWith("streams/oci-layer-")).count(), java.keySet().toString());
  }

  private static Map<String, String> importWith(Gunzip.Inflater inflater, Path layout, Path repoDir) throws IOException {
    Repository repo = Repository.open(repoDir, true);
    try (TaskPool pool = TaskPool.create(2)) {
      new ImageImporter(repo, pool, ProgressListener.NONE, inflater).importImage(layout + ":v1", "test/img:v1");
    }
    return ImportExportTest.snapshot(repoDir);
  }
}
