package dev.weft.cli.ec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EcCommandTest {
  @TempDir
  Path tmp;

  record Result(int code, String out, String err) {}

  static Result weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Result(code, out.toString(), err.toString());
  }

  private Path input(int size) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Path p = tmp.resolve("input.bin");
    Files.write(p, data);
    return p;
  }

  @Test
  void roundTripWithDeletedAndCorruptedShards() throws Exception {
    Path in = input(1_234_567);
    Path dir = tmp.resolve("shards");
    Result enc = weft("ec", "encode", "--data", "5", "--parity", "3", "--shard-size", "65536", in.toString(), dir.toString());
    assertEquals(0, enc.code(), enc.err());
    JsonNode man = new ObjectMapper().readTree(dir.resolve("manifest.json").toFile());
    assertEquals(8, man.get("shards").size());
    assertEquals("rs-cauchy", man.get("codec").asText());
    assertEquals(1_234_567, man.get("length").asLong());

    Files.delete(dir.resolve("shard-01.bin"));
    byte[] corrupt = Files.readAllBytes(dir.resolve("shard-06.bin"));
    corrupt[1000] ^= 1;
    Files.write(dir.resolve("shard-06.bin"), corrupt);
    Result verify = weft("ec", "verify", dir.toString());
    assertEquals(3, verify.code());
    assertTrue(verify.err().contains("shard-01.bin (index 1) missing"), verify.err());
    assertTrue(verify.err().contains("shard-06.bin (index 6) is corrupt"), verify.err());

    Path outFile = tmp.resolve("out.bin");
    Result dec = weft("--threads", "2", "ec", "decode", dir.toString(), outFile.toString());
    assertEquals(0, dec.code(), dec.err());
    assertTrue(dec.err().contains("shard-01.bin"), "missing shard named on stderr");
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(outFile));

    Result rep = weft("ec", "repair", "--ec-backend", "java", dir.toString());
    assertEquals(0, rep.code(), rep.err());
    assertEquals(0, weft("ec", "verify", dir.toString()).code());
  }

  @Test
  void tooManyLossesFailsWithoutPartialOutput() throws Exception {
    Path in = input(100_000);
    Path dir = tmp.resolve("s");
    assertEquals(0, weft("ec", "encode", "-k", "4", "-m", "2", in.toString(), dir.toString()).code());
    for (String f : new String[] {"shard-00.bin", "shard-02.bin", "shard-05.bin"}) {
      Files.delete(dir.resolve(f));
    }
    Path outFile = tmp.resolve("never.bin");
    Result dec = weft("ec", "decode", dir.toString(), outFile.toString());
    assertEquals(3, dec.code());
    assertTrue(dec.err().contains("3 of 6 shards are missing or corrupt"), dec.err());
    assertFalse(Files.exists(outFile));
    try (var files = Files.list(tmp)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".tmp")), "no temporaries left");
    }
    assertFalse(dec.err().contains("\tat "), "no stack trace");
  }

  @Test
  void badArgumentsAndBadManifests() throws Exception {
    Path in = input(1000);
    assertEquals(2, weft("ec", "encode", "-k", "0", "-m", "2", in.toString(), tmp.resolve("a").toString()).code());
    Result big = weft("ec", "encode", "-k", "200", "-m", "57", in.toString(), tmp.resolve("b").toString());
    assertEquals(2, big.code());
    assertTrue(big.err().contains("at most 256"), big.err());
    Path dir = tmp.resolve("c");
    assertEquals(0, weft("ec", "encode", "-k", "3", "-m", "2", "--matrix", "vandermonde", in.toString(), dir.toString()).code());
    Path outFile = tmp.resolve("v.bin");
    assertEquals(0, weft("ec", "decode", dir.toString(), outFile.toString()).code());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(outFile));

    // The xor matrix: m must be 1 (exit 2 otherwise); any one lost shard is rebuilt; a manifest claiming
    // rs-xor with m = 2 is bad data.
    Result xor2 = weft("ec", "encode", "-k", "4", "-m", "2", "--matrix", "xor", in.toString(), tmp.resolve("x2").toString());
    assertEquals(2, xor2.code(), xor2.err());
    assertTrue(xor2.err().contains("exactly 1 parity shard"), xor2.err());
    Path xdir = tmp.resolve("x1");
    assertEquals(0, weft("ec", "encode", "-k", "4", "-m", "1", "--matrix", "xor", in.toString(), xdir.toString()).code());
    Files.delete(xdir.resolve("shard-02.bin"));
    Path xout = tmp.resolve("x.out");
    assertEquals(0, weft("ec", "decode", xdir.toString(), xout.toString()).code());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(xout));
    String xman = Files.readString(xdir.resolve("manifest.json"));
    assertTrue(xman.contains("rs-xor"), xman);

    String manifest = Files.readString(dir.resolve("manifest.json"));
    Files.writeString(dir.resolve("manifest.json"), manifest.replace("\"k\" : 3", "\"k\" : 4"));
    Result wrongK = weft("ec", "decode", dir.toString(), tmp.resolve("x.bin").toString());
    assertEquals(3, wrongK.code());
    assertTrue(wrongK.err().contains("manifest.json"), wrongK.err());
    Files.writeString(dir.resolve("manifest.json"), "{not json");
    assertEquals(3, weft("ec", "verify", dir.toString()).code());
    // A directory that does not exist is a usage error, not bad data.
    assertEquals(2, weft("ec", "verify", tmp.resolve("nowhere").toString()).code());
  }

  @Test
  void emptyInputAndJson() throws Exception {
    Path in = tmp.resolve("empty");
    Files.write(in, new byte[0]);
    Path dir = tmp.resolve("e");
    Result enc = weft("--json", "ec", "encode", "-k", "2", "-m", "1", in.toString(), dir.toString());
    assertEquals(0, enc.code(), enc.err());
    assertEquals(0, new ObjectMapper().readTree(enc.out()).get("length").asLong());
    Path outFile = tmp.resolve("empty.out");
    assertEquals(0, weft("ec", "decode", dir.toString(), outFile.toString()).code());
    assertEquals(0, Files.size(outFile));
  }

  @Test
  void datasetPutGetWithLostBlocks() throws Exception {
    Path in = input(300_000);
    Path store = tmp.resolve("store");
    Result put = weft("ec", "put", "--ec", "4+2", "--block-size", "8192", "--store", store.toString(), in.toString());
    assertEquals(0, put.code(), put.err());
    String id = put.out().strip();
    var man = dev.weft.ec.dataset.EcDataset.readManifest(id, new dev.weft.ec.dataset.DirectoryBlockStore(store));
    var blocks = new dev.weft.ec.dataset.DirectoryBlockStore(store);
    Files.delete(blocks.pathOf(man.blocks().get(man.blockIndex(1, 2))));
    Path out = tmp.resolve("got.bin");
    Result get = weft("ec", "get", id, "-o", out.toString(), "--store", store.toString());
    assertEquals(0, get.code(), get.err());
    assertTrue(get.err().contains("column(s) [2]"), get.err());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
    for (int row : new int[] {0, 3, 4}) {
      Files.deleteIfExists(blocks.pathOf(man.blocks().get(man.blockIndex(row, 5))));
    }
    Result fail = weft("ec", "get", id, "-o", tmp.resolve("no.bin").toString(), "--store", store.toString());
    assertEquals(3, fail.code());
    assertTrue(fail.err().contains("column 5"), fail.err());
    assertEquals(2, weft("ec", "put", "--ec", "4-2", "--store", store.toString(), in.toString()).code());
  }
}
