package dev.weft.cli.qa;

import static dev.weft.cli.qa.Qa.oneLineError;
import static dev.weft.cli.qa.Qa.weft;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.qa.Qa.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** QA regression tests for 'weft ec': argument checks, damaged shard sets, determinism across thread counts. */
class QaEcTest {
  @TempDir
  Path dir;

  private Path input(int size) throws IOException {
    byte[] b = new byte[size];
    new Random(42).nextBytes(b);
    Path p = dir.resolve("in.bin");
    Files.write(p, b);
    return p;
  }

  @ParameterizedTest
  @CsvSource({
    "0, 2, data shards",
    "-1, 2, data shards",
    "4, 0, parity shards",
    "200, 57, at most 256",
  })
  void codeParametersOutOfRangeAreUsageErrors(String k, String m, String mention) throws IOException {
    Path in = input(1000);
    Run r = weft("ec", "encode", "-k", k, "-m", m, in.toString(), dir.resolve("out").toString());
    oneLineError(r, 2, mention);
    assertFalse(Files.exists(dir.resolve("out/manifest.json")));
  }

  @Test
  void badShardSizeMatrixAndMissingInputAreUsageErrors() throws IOException {
    Path in = input(1000);
    String out = dir.resolve("out").toString();
    oneLineError(weft("ec", "encode", "-k", "4", "-m", "2", "--shard-size", "0", in.toString(), out), 2, "--shard-size");
    oneLineError(weft("ec", "encode", "-k", "4", "-m", "2", "--matrix", "foo", in.toString(), out), 2, "--matrix");
    oneLineError(weft("ec", "encode", "-k", "4", "-m", "2", dir.resolve("nope.bin").toString(), out), 2, "nope.bin");
    oneLineError(weft("ec", "encode", in.toString(), out), 2, "--data");
  }

  @Test
  void encodingIntoAnExistingShardSetIsRefused() throws IOException {
    Path in = input(10_000);
    String out = dir.resolve("out").toString();
    assertEquals(0, weft("ec", "encode", "-k", "4", "-m", "2", in.toString(), out).code());
    oneLineError(weft("ec", "encode", "-k", "4", "-m", "2", in.toString(), out), 2, "already holds a shard set");
    assertEquals(0, weft("ec", "verify", out).code());
  }

  @Test
  void upToMBadShardsAreNamedAndRebuiltMoreFailWithExit3AndNoOutput() throws IOException {
    Path in = input(300_001);
    Path out = dir.resolve("out");
    assertEquals(0, weft("ec", "encode", "-k", "4", "-m", "2", "--shard-size", "4096", in.toString(), out.toString()).code());
    Files.delete(out.resolve("shard-01.bin"));
    byte[] s4 = Files.readAllBytes(out.resolve("shard-04.bin"));
    s4[100] ^= 1;
    Files.write(out.resolve("shard-04.bin"), s4);

    Run verify = weft("ec", "verify", out.toString());
    assertEquals(3, verify.code(), verify.err());
    assertTrue(verify.err().contains("shard-01.bin") && verify.err().contains("missing"), verify.err());
    assertTrue(verify.err().contains("shard-04.bin") && verify.err().contains("corrupt"), verify.err());
    Qa.noStackTrace(verify);

    Path dec = dir.resolve("dec.bin");
    Run decode = weft("ec", "decode", out.toString(), dec.toString());
    assertEquals(0, decode.code(), decode.err());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(dec));

    // a third bad shard: more than M
    Files.write(out.resolve("shard-02.bin"), new byte[10]);
    Path dec2 = dir.resolve("dec2.bin");
    Run tooMany = weft("ec", "decode", out.toString(), dec2.toString());
    assertEquals(3, tooMany.code(), tooMany.err());
    assertTrue(tooMany.err().contains("more than the 2 parity shards"), tooMany.err());
    Qa.noStackTrace(tooMany);
    assertFalse(Files.exists(dec2), "no partial output");
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no temp file left");
    }
    assertEquals(3, weft("ec", "repair", out.toString()).code());
  }

  @Test
  void repairRewritesBadShards() throws IOException {
    Path in = input(200_000);
    Path out = dir.resolve("out");
    assertEquals(0, weft("ec", "encode", "-k", "3", "-m", "2", in.toString(), out.toString()).code());
    Files.delete(out.resolve("shard-00.bin"));
    Files.write(out.resolve("shard-03.bin"), new byte[5]);
    assertEquals(3, weft("ec", "verify", out.toString()).code());
    Run rep = weft("ec", "repair", out.toString());
    assertEquals(0, rep.code(), rep.err());
    assertEquals(0, weft("ec", "verify", out.toString()).code());
  }

  @Test
  void aDirectoryInAShardsPlaceIsBadDataNamedByDecodeVerifyAndRepairAndNeverDeleted() throws IOException {
    Path in = input(200_000);
    Path out = dir.resolve("out");
    assertEquals(0, weft("ec", "encode", "-k", "3", "-m", "2", in.toString(), out.toString()).code());
    Files.delete(out.resolve("shard-02.bin"));
    Path userDir = Files.createDirectories(out.resolve("shard-02.bin"));
    Files.writeString(userDir.resolve("keep.txt"), "mine");
    Files.delete(out.resolve("shard-04.bin")); // a plain missing shard next to it

    Run verify = weft("ec", "verify", out.toString());
    assertEquals(3, verify.code(), verify.err());
    assertTrue(verify.err().contains("shard-02.bin (index 2) is a directory, not a shard file"), verify.err());

    Path decoded = dir.resolve("decoded.bin");
    Run decode = weft("ec", "decode", out.toString(), decoded.toString()); // 2 bad of m = 2: still decodable
    assertEquals(0, decode.code(), decode.err());
    assertTrue(decode.err().contains("shard-02.bin (index 2) is a directory"), decode.err());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(decoded));

    Run repair = weft("ec", "--json", "repair", out.toString());
    assertEquals(3, repair.code(), repair.err());
    String last = repair.errLines().getLast();
    assertTrue(last.startsWith("weft: " + out.resolve("shard-02.bin") + ": is a directory in the place of shard 2"),
        repair.err());
    assertEquals("mine", Files.readString(userDir.resolve("keep.txt")), "the directory is left alone");
    assertFalse(Files.exists(out.resolve("shard-04.bin")), "nothing written while the directory is in the way");
    try (var files = Files.list(out)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".tmp")), "no temporary files");
    }

    Files.delete(userDir.resolve("keep.txt"));
    Files.delete(userDir);
    assertEquals(0, weft("ec", "repair", out.toString()).code());
    assertEquals(0, weft("ec", "verify", out.toString()).code());
  }

  @Test
  void notAShardDirectoryIsNamed() throws IOException {
    oneLineError(weft("ec", "verify", dir.toString()), 3, "manifest.json");
    oneLineError(weft("ec", "decode", dir.resolve("missing").toString(), dir.resolve("o").toString()), 2, "missing");
    Files.writeString(dir.resolve("manifest.json"), "{ not json");
    oneLineError(weft("ec", "verify", dir.toString()), 3, "manifest.json");
  }

  @Test
  void aManifestNumberWrittenAsAStringOrAFractionIsBadData() throws IOException {
    Path in = input(50_000);
    Path out = dir.resolve("out");
    assertEquals(0, weft("ec", "encode", "-k", "4", "-m", "2", in.toString(), out.toString()).code());
    String good = Files.readString(out.resolve("manifest.json"));
    assertTrue(good.contains("\"k\" : 4,"), good);
    Files.writeString(out.resolve("manifest.json"), good.replace("\"k\" : 4,", "\"k\" : \"4\","));
    oneLineError(weft("ec", "verify", out.toString()), 3, "manifest.json");
    Files.writeString(out.resolve("manifest.json"), good.replace("\"k\" : 4,", "\"k\" : 4.5,"));
    oneLineError(weft("ec", "verify", out.toString()), 3, "manifest.json");
    Files.writeString(out.resolve("manifest.json"), good);
    assertEquals(0, weft("ec", "verify", out.toString()).code(), "the untouched manifest still verifies");
  }

  @Test
  void shardsAreIdenticalAtOneAndEightThreads() throws IOException {
    // 1 MiB cells × 5 = 5 MiB of data per stripe: at 8 threads every stripe is split across threads (checked
    // below), so a split bug shows; 12 MB gives three stripes, the last one partial.
    try (dev.weft.runtime.pool.TaskPool pool = dev.weft.runtime.pool.TaskPool.create(8)) {
      assertTrue(new dev.weft.ec.codec.ParallelCoder(dev.weft.ec.codec.ReedSolomon.create(5, 3), pool).stripes(1 << 20) > 1);
    }
    Path in = input(12_000_000);
    Path a = dir.resolve("t1");
    Path b = dir.resolve("t8");
    assertEquals(0, weft("--threads", "1", "ec", "encode", "-k", "5", "-m", "3", "--shard-size", "1048576", in.toString(), a.toString()).code());
    assertEquals(0, weft("--threads", "8", "ec", "encode", "-k", "5", "-m", "3", "--shard-size", "1048576", in.toString(), b.toString()).code());
    for (int i = 0; i < 8; i++) {
      String name = String.format("shard-%02d.bin", i);
      assertEquals(Qa.sha256(a.resolve(name)), Qa.sha256(b.resolve(name)), name);
    }
  }

  @Test
  void datasetArgumentsAndUnknownIds() throws IOException {
    Path in = input(100_000);
    String store = dir.resolve("store").toString();
    oneLineError(weft("ec", "put", "--ec", "abc", "--store", store, in.toString()), 2, "--ec");
    oneLineError(weft("ec", "put", "--ec", "0+2", "--store", store, in.toString()), 2, "data shards");
    oneLineError(weft("ec", "put", "--ec", "4+2", "--block-size", "0", "--store", store, in.toString()), 2, "block-size");
    oneLineError(weft("ec", "put", "--ec", "4+2", "--block-size", "16", "--store", store, in.toString()), 2,
        "--block-size must be at least 4096 bytes");
    Run put = weft("ec", "put", "--ec", "4+2", "--block-size", "4096", "--store", store, in.toString());
    assertEquals(0, put.code(), put.err());
    String id = put.out().lines().findFirst().orElseThrow().trim();
    Path got = dir.resolve("got.bin");
    assertEquals(0, weft("ec", "get", id, "--store", store, "-o", got.toString()).code());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(got));
    oneLineError(weft("ec", "get", "deadbeef", "--store", store, "-o", dir.resolve("x").toString()), 2, "not a dataset id");
    oneLineError(weft("ec", "get", "ab".repeat(32), "--store", store, "-o", dir.resolve("x").toString()), 3, "no such dataset");
    oneLineError(weft("ec", "put", "--ec", "4+2", "--block-size", "67108865", "--store", store, in.toString()), 2,
        "--block-size must be at most");
    assertFalse(Files.exists(dir.resolve("x")));
  }
}
