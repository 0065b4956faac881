package dev.weft.store.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.weft.store.splitstream.SplitStreamWriter;
import dev.weft.store.verity.ObjectId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
          ProgressListener.NONE).report();
      assertEquals(2, r.damagedBlocks());
      assertArrayEquals(data, Files.readAllBytes(out));
      // --repair healed both the missing and the corrupt object.
      assertEquals(0, RepositoryDatasets.get(st.id(), repo, out, Kernels.bestJava(), false, pool,
          ProgressListener.NONE).report().damagedBlocks());

      assertThrows(UsageException.class, () -> RepositoryDatasets.get(st.id(), repo,
          blockPath(repo, st.id()), Kernels.bestJava(), false, pool, ProgressListener.NONE));
      assertThrows(UsageException.class, () -> RepositoryDatasets.get("../../meta", repo,
          tmp.resolve("x"), Kernels.bestJava(), false, pool, ProgressListener.NONE));
      assertThrows(BadDataException.class, () -> RepositoryDatasets.get("ab".repeat(32), repo,
          tmp.resolve("x"), Kernels.bestJava(), false, pool, ProgressListener.NONE));
    }
  }

  private EcDataset.Stored put(Repository repo, TaskPool pool, byte[] data, String name) throws Exception {
    Path in = tmp.resolve(name);
    Files.write(in, data);
    return RepositoryDatasets.put(in, repo,
        new EcDataset.PutOptions(3, 2, 4096, MatrixKind.CAUCHY, Kernels.bestJava()), pool, ProgressListener.NONE);
  }

  @Test
  void getChecksTheStreamAgainstTheManifestAndRepairRepublishesIt() throws Exception {
    byte[] data = new byte[50_000];
    new Random(9).nextBytes(data);
    Repository repo = Repository.open(tmp.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      EcDataset.Stored st = put(repo, pool, data, "a.bin");
      assertNull(RepositoryDatasets.checkStream(repo, st.id(), st.manifest()));
      // A stream that forgot one parity block: gc would delete it, so get must refuse.
      SplitStreamWriter w = new SplitStreamWriter(RepositoryDatasets.CONTENT_TYPE);
      List<String> blocks = st.manifest().blocks();
      w.writeExternal(ObjectId.parseOrNull(st.id()), Files.size(blockPath(repo, st.id())));
      for (String b : blocks.subList(0, blocks.size() - 1)) {
        w.writeExternal(ObjectId.parseOrNull(b), Files.size(blockPath(repo, b)));
      }
      repo.publishStream(RepositoryDatasets.streamName(st.id()), w.finish());
      Path out = tmp.resolve("out.bin");
      BadDataException e = assertThrows(BadDataException.class, () -> RepositoryDatasets.get(st.id(), repo, out,
          Kernels.bestJava(), false, pool, ProgressListener.NONE));
      assertTrue(e.getMessage().contains("1 block(s) not named, e.g. " + blocks.get(blocks.size() - 1)), e.getMessage());
      assertFalse(Files.exists(out), "nothing written");
      // --repair reads the data and republishes the stream; the next plain get passes.
      RepositoryDatasets.Got got = RepositoryDatasets.get(st.id(), repo, out, Kernels.bestJava(), true, pool,
          ProgressListener.NONE);
      assertTrue(got.streamRepublished() != null);
      assertArrayEquals(data, Files.readAllBytes(out));
      assertNull(RepositoryDatasets.checkStream(repo, st.id(), st.manifest()));
      assertNull(RepositoryDatasets.get(st.id(), repo, out, Kernels.bestJava(), false, pool,
          ProgressListener.NONE).streamRepublished());
      // A ref pointing elsewhere is caught too.
      repo.setRef(RepositoryDatasets.refName(st.id()), "something-else");
      assertTrue(RepositoryDatasets.checkStream(repo, st.id(), st.manifest()).contains("points at something-else"));
    }
  }

  @Test
  void removeDropsTheRefAndGcFreesTheBlocksButNotThoseOfOtherDatasets() throws Exception {
    byte[] a = new byte[40_000];
    byte[] b = new byte[30_000];
    new Random(1).nextBytes(a);
    new Random(2).nextBytes(b);
    Repository repo = Repository.open(tmp.resolve("repo"), true);
    try (TaskPool pool = TaskPool.create(2)) {
      EcDataset.Stored sa = put(repo, pool, a, "a.bin");
      EcDataset.Stored sb = put(repo, pool, b, "b.bin");
      long before = repo.listObjects().size();
      RepositoryDatasets.remove(sa.id(), repo);
      // A dataset the repository does not hold is bad data (exit 3, as for get); a malformed id is usage.
      assertThrows(BadDataException.class, () -> RepositoryDatasets.remove(sa.id(), repo), "already removed");
      assertThrows(BadDataException.class, () -> RepositoryDatasets.remove("ab".repeat(32), repo));
      assertThrows(UsageException.class, () -> RepositoryDatasets.remove("../x", repo));
      Gc.Report gc = new Gc(repo).run(false);
      // Every distinct block of a, its manifest and its stream object are gone; b is untouched.
      Set<String> freed = new HashSet<>(sa.manifest().blocks());
      freed.add(sa.id());
      freed.removeAll(sb.manifest().blocks());
      assertEquals(freed.size() + 1, gc.objects());
      assertEquals(before - freed.size() - 1, repo.listObjects().size());
      for (String blk : sa.manifest().blocks()) {
        assertEquals(sb.manifest().blocks().contains(blk), repo.hasObject(ObjectId.parseOrNull(blk)));
      }
      Path out = tmp.resolve("b.out");
      RepositoryDatasets.get(sb.id(), repo, out, Kernels.bestJava(), false, pool, ProgressListener.NONE);
      assertArrayEquals(b, Files.readAllBytes(out));
      assertThrows(BadDataException.class, () -> RepositoryDatasets.get(sa.id(), repo, tmp.resolve("a.out"),
          Kernels.bestJava(), false, pool, ProgressListener.NONE));
    }
  }
}
