package dev.weft.store.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.dataset.DatasetManifest;
import dev.weft.ec.dataset.EcDataset;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.maint.Gc;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.ObjectId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryDatasetsTest {
  @TempDir
  Path tmp;

  private Path blockPath(Repository repo, String id) {
    return repo.objectPath(ObjectId.parseOrNull(id));
  }

  @Test
  void gcKeepsEveryBlockAndGetRebuildsLostOnes() throws Exception {
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    Path in = tmp.resolve("in.bin");
    Files.write(in, data);
    Repository repo = Repository.open(tmp.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      EcDataset.Stored st = RepositoryDatasets.put(in, repo,
          new EcDataset.PutOptions(4, 2, 4096, MatrixKind.CAUCHY, Kernels.bestJava()), pool, ProgressListener.NONE);
      repo.putObject(new byte[] {1, 2, 3}); // unreferenced: gc must remove exactly this one
      Gc.Report gc = new Gc(repo).run(false);
      assertEquals(1, gc.objects());
      DatasetManifest man = st.manifest();
      for (String b : man.blocks()) {
        assertTrue(repo.hasObject(ObjectId.parseOrNull(b)), "gc kept block " + b);
      }

      Files.delete(blockPath(repo, man.blocks().get(man.blockIndex(0, 3))));
      Path corrupt = blockPath(repo, man.blocks().get(man.blockIndex(5, 3)));
      byte[] c = Files.readAllBytes(corrupt);
      c[0] ^= 1;
      Files.write(corrupt, c);
      Path out = tmp.resolve("out.bin");
      EcDataset.Report r = RepositoryDatasets.get(st.id(), repo, out, Kernels.bestJava(), true, pool,
          ProgressListener.NONE);
      assertEquals(2, r.damagedBlocks());
      assertArrayEquals(data, Files.readAllBytes(out));
      // --repair healed both the missing and the corrupt object.
      assertEquals(0, RepositoryDatasets.get(st.id(), repo, out, Kernels.bestJava(), false, pool,
          ProgressListener.NONE).damagedBlocks());

      assertThrows(UsageException.class, () -> RepositoryDatasets.get(st.id(), repo,
          blockPath(repo, st.id()), Kernels.bestJava(), false, pool, ProgressListener.NONE));
      assertThrows(UsageException.class, () -> RepositoryDatasets.get("../../meta", repo,
          tmp.resolve("x"), Kernels.bestJava(), false, pool, ProgressListener.NONE));
      assertThrows(BadDataException.class, () -> RepositoryDatasets.get("ab".repeat(32), repo,
          tmp.resolve("x"), Kernels.bestJava(), false, pool, ProgressListener.NONE));
    }
  }
}
