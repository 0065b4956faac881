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
import org.junit.jupiter.params.provider.ValueSource;

/** Damaged or hostile 'ec' manifests: a wrong length, an overflowing stripe_unit, and what a failure leaves. */
class QaEcManifestTest {
  @TempDir
  Path dir;

  /** 5000 bytes as 4 + 2 with 256-byte cells: 5 stripes of 1024 data bytes, the last holding 904. */
  private Path encoded(String name) throws IOException {
    byte[] b = new byte[5000];
    new Random(5).nextBytes(b);
    b[4999] = 42; // a non-zero last byte, so even the padding check alone sees a length cut by one
    Path in = dir.resolve("in.bin");
    Files.write(in, b);
    Path out = dir.resolve(name);
    Run r = weft("ec", "encode", "-k", "4", "-m", "2", "--shard-size", "256", in.toString(), out.toString());
    assertEquals(0, r.code(), r.err());
    return out;
  }

  private static void setLength(Path set, long length) throws IOException {
    Path m = set.resolve("manifest.json");
    String json = Files.readString(m);
    assertTrue(json.contains("\"length\" : 5000,"), json);
    Files.writeString(m, json.replace("\"length\" : 5000,", "\"length\" : " + length + ","));
  }

  @ParameterizedTest
  @ValueSource(longs = {4999, 5001, 4745, 5255, 4097, 5120})
  void aLengthThatKeepsTheStripeCountButIsWrongFailsDecoding(long length) throws IOException {
    Path set = encoded("s");
    setLength(set, length);
    Path out = dir.resolve("out.bin");
    oneLineError(weft("ec", "decode", set.toString(), out.toString()), 3, "length " + length);
    assertFalse(Files.exists(out), "a wrong file was written");
  }

  /** verify checks tail_sha256 too: before round 7 it passed every one of these (shards intact, exit 0). */
  @ParameterizedTest
  @ValueSource(longs = {4999, 5001, 4745, 5255, 4097, 5120})
  void aLengthThatKeepsTheStripeCountButIsWrongFailsVerify(long length) throws IOException {
    Path set = encoded("s");
    assertEquals(0, weft("ec", "verify", set.toString()).code());
    setLength(set, length);
    oneLineError(weft("ec", "verify", set.toString()), 3, "length " + length);
  }

  /** With a data shard of the last stripe lost, verify rebuilds that one stripe to check the length. */
  @Test
  void verifyRebuildsTheLastStripeToCheckTheLength() throws IOException {
    Path set = encoded("s");
    Files.delete(set.resolve("shard-00.bin"));
    Files.delete(set.resolve("shard-03.bin"));
    Run intact = weft("--json", "ec", "verify", set.toString());
    assertEquals(3, intact.code(), intact.err());
    assertTrue(intact.out().replace(" ", "").contains("\"length_ok\":true"), intact.out());
    setLength(set, 4999);
    Run r = weft("--json", "ec", "verify", set.toString());
    assertEquals(3, r.code(), r.err());
    assertTrue(r.out().replace(" ", "").contains("\"length_ok\":false"), r.out());
    assertTrue(r.err().contains("length 4999") && r.err().contains("tail_sha256"), r.err());
  }

  @Test
  void aLengthOutsideTheStripeCountIsRefusedByVerify() throws IOException {
    Path set = encoded("s");
    setLength(set, 4096); // 4 stripes, but the shards hold 5
    oneLineError(weft("ec", "verify", set.toString()), 3, "manifest.json");
  }

  @Test
  void aManifestWithoutTailSha256StillDecodesAndCatchesAShorterLength() throws IOException {
    Path set = encoded("s");
    Path m = set.resolve("manifest.json");
    String json = Files.readString(m);
    String old = json.replaceAll(",\\s*\"tail_sha256\" : \"[0-9a-f]{64}\"", "");
    assertFalse(old.contains("tail_sha256"), old);
    Files.writeString(m, old);
    Path out = dir.resolve("out.bin");
    Run ok = weft("ec", "decode", set.toString(), out.toString());
    assertEquals(0, ok.code(), ok.err());
    assertArrayEquals(Files.readAllBytes(dir.resolve("in.bin")), Files.readAllBytes(out));
    Files.writeString(m, old.replace("\"length\" : 5000,", "\"length\" : 4999,"));
    Path out2 = dir.resolve("out2.bin");
    oneLineError(weft("ec", "decode", set.toString(), out2.toString()), 3, "non-zero bytes past the end");
    assertFalse(Files.exists(out2));
  }

  @Test
  void aStripeUnitThatOverflowsIsBadDataForEveryCommand() throws IOException {
    Path empty = dir.resolve("empty.bin");
    Files.write(empty, new byte[0]);
    Path set = dir.resolve("h");
    assertEquals(0, weft("ec", "encode", "-k", "4", "-m", "2", empty.toString(), set.toString()).code());
    Path m = set.resolve("manifest.json");
    String json = Files.readString(m);
    assertTrue(json.contains("\"length\" : 0,") && json.contains("\"stripe_unit\" : 0,"), json);
    // 2^62 × 4 wraps to 0 in long arithmetic: the old check then saw 0 stripes and let it through.
    Files.writeString(m, json.replace("\"length\" : 0,", "\"length\" : 1,")
        .replace("\"stripe_unit\" : 0,", "\"stripe_unit\" : 4611686018427387904,"));
    oneLineError(weft("ec", "verify", set.toString()), 3, "manifest.json");
    oneLineError(weft("ec", "decode", set.toString(), dir.resolve("o").toString()), 3, "manifest.json");
    oneLineError(weft("ec", "repair", set.toString()), 3, "manifest.json");
    assertFalse(Files.exists(dir.resolve("o")));
  }

  @Test
  void aShardSizeAbove1GiBIsAUsageError() throws IOException {
    Path in = dir.resolve("in.bin");
    Files.write(in, new byte[10]);
    oneLineError(weft("ec", "encode", "-k", "2", "-m", "1", "--shard-size", Long.toString((1L << 30) + 1), in.toString(),
        dir.resolve("o").toString()), 2, "--shard-size");
    assertFalse(Files.exists(dir.resolve("o")));
  }

  @Test
  void aHopelessDecodeLeavesNoDirectoriesBehind() throws IOException {
    Path set = encoded("s");
    for (int i : new int[] {0, 2, 5}) {
      Files.delete(set.resolve(String.format("shard-%02d.bin", i)));
    }
    Run r = weft("ec", "decode", set.toString(), dir.resolve("fresh/a/b/out.bin").toString());
    assertEquals(3, r.code(), r.err());
    assertFalse(Files.exists(dir.resolve("fresh")), "decode left the directories it created");
  }

  @Test
  void encodeRefusesAnOutDirWithAUsersFileNamedLikeAShard() throws IOException {
    Path in = dir.resolve("small.bin");
    Files.writeString(in, "hello");
    Path ex = Files.createDirectories(dir.resolve("ex"));
    Files.writeString(ex.resolve("shard-00.bin"), "my precious");
    oneLineError(weft("ec", "encode", "-k", "2", "-m", "1", in.toString(), ex.toString()), 2, "not empty");
    assertEquals("my precious", Files.readString(ex.resolve("shard-00.bin")));
  }
}
