package dev.weft.cli.ec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.ec.EcCommandTest.Result;
import dev.weft.ec.dataset.DatasetManifest;
import dev.weft.store.dataset.RepositoryDatasets;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.ObjectId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA U13: the issue's interface, {@code weft put --ec K+M FILE} / {@code weft get ID -o OUT} on --repo. */
class RepoDatasetCommandsTest {
  @TempDir
  Path tmp;

  @Test
  void putGetThroughTheRepositorySurvivesGcAndLostBlocks() throws Exception {
    byte[] data = new byte[300_000];
    new Random(3).nextBytes(data);
    Path in = tmp.resolve("f.bin");
    Files.write(in, data);
    String repoDir = tmp.resolve("R").toString();
    Result put = EcCommandTest.weft("--repo", repoDir, "put", "--ec", "4+2", "--block-size", "8192", in.toString());
    assertEquals(0, put.code(), put.err());
    String id = put.out().strip();
    assertEquals(0, EcCommandTest.weft("--repo", repoDir, "gc").code());

    Repository repo = Repository.open(Path.of(repoDir), false);
    DatasetManifest man = RepositoryDatasets.manifest(id, repo);
    for (int row : new int[] {1, 4}) {
      Files.delete(repo.objectPath(ObjectId.parseOrNull(man.blocks().get(man.blockIndex(row, 2)))));
    }
    Path out = tmp.resolve("out.bin");
    Result get = EcCommandTest.weft("--repo", repoDir, "get", id, "-o", out.toString());
    assertEquals(0, get.code(), get.err());
    assertTrue(get.err().contains("column(s) [2]"), get.err());
    assertArrayEquals(data, Files.readAllBytes(out));

    Files.delete(repo.objectPath(ObjectId.parseOrNull(man.blocks().get(man.blockIndex(0, 2)))));
    Result lost = EcCommandTest.weft("--repo", repoDir, "get", id, "-o", tmp.resolve("no.bin").toString());
    assertEquals(3, lost.code(), lost.err());
    assertTrue(lost.err().contains("column 2"), lost.err());

    Result inside = EcCommandTest.weft("--repo", repoDir, "get", id, "-o", repoDir + "/meta.json");
    assertEquals(2, inside.code(), inside.err());
    Result noRepo = EcCommandTest.weft("--repo", tmp.resolve("none").toString(), "get", id, "-o", out.toString());
    assertEquals(2, noRepo.code(), noRepo.err());
    assertTrue(noRepo.err().contains("no such repository"), noRepo.err());
    assertFalse(Files.exists(tmp.resolve("none")), "reading must not create a repository");
  }
}
