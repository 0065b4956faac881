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

  @Test
  void rmDropsTheDatasetAndGcFreesItsBlocks() throws Exception {
    byte[] data = new byte[100_000];
    new Random(4).nextBytes(data);
    Path in = tmp.resolve("f.bin");
    Files.write(in, data);
    String repoDir = tmp.resolve("R").toString();
    Result put = EcCommandTest.weft("--repo", repoDir, "put", "--ec", "3+2", "--block-size", "4096", in.toString());
    assertEquals(0, put.code(), put.err());
    String id = put.out().strip();
    Repository repo = Repository.open(Path.of(repoDir), false);
    DatasetManifest man = RepositoryDatasets.manifest(id, repo);

    Result rm = EcCommandTest.weft("--repo", repoDir, "--json", "rm", id);
    assertEquals(0, rm.code(), rm.err());
    assertTrue(rm.out().contains("\"op\":\"rm\""), rm.out());
    Result again = EcCommandTest.weft("--repo", repoDir, "rm", id);
    // A dataset the repository does not hold is the same condition for rm as for get: exit 3.
    assertEquals(3, again.code(), again.err());
    assertTrue(again.err().contains("no dataset " + id), again.err());
    assertEquals(2, EcCommandTest.weft("--repo", repoDir, "rm", "not-an-id").code());
    assertEquals(0, EcCommandTest.weft("--repo", repoDir, "gc").code());
    for (String b : man.blocks()) {
      assertFalse(repo.hasObject(ObjectId.parseOrNull(b)), "gc freed block " + b);
    }
    Result get = EcCommandTest.weft("--repo", repoDir, "get", id, "-o", tmp.resolve("o.bin").toString());
    assertEquals(3, get.code(), get.err());
  }

  @Test
  void backendIsReportedInJsonAndUnderDebug() throws Exception {
    Path in = tmp.resolve("f.bin");
    Files.write(in, new byte[10_000]);
    Result enc = EcCommandTest.weft("--debug", "--json", "ec", "encode", "-k", "4", "-m", "2", in.toString(),
        tmp.resolve("s").toString());
    assertEquals(0, enc.code(), enc.err());
    assertTrue(enc.out().contains("\"backend\":"), enc.out());
    assertTrue(enc.err().contains("weft: ec backend ") && enc.err().contains("auto: "), enc.err());
    Result dec = EcCommandTest.weft("--json", "ec", "decode", "--ec-backend", "java", tmp.resolve("s").toString(),
        tmp.resolve("o.bin").toString());
    assertEquals(0, dec.code(), dec.err());
    assertTrue(dec.out().contains("\"backend\":\"java-"), dec.out());
    assertFalse(dec.err().contains("ec backend"), "reported only under --debug: " + dec.err());
  }
}
