package dev.weft.cli.ec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.ec.EcCommandTest.Result;
import dev.weft.ec.dataset.DirectoryBlockStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA B1, B12, U2, U3, U13 (store message): outputs never damage the data being read, and look normal. */
class EcOutputSafetyTest {
  @TempDir
  Path tmp;

  private static Result weft(String... args) {
    return EcCommandTest.weft(args);
  }

  private Path input(int size) throws Exception {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    Path p = tmp.resolve("in.bin");
    Files.write(p, data);
    return p;
  }

  /** Snapshot of every file under dir, to prove a refused command changed nothing. */
  private static java.util.Map<Path, byte[]> contents(Path dir) throws Exception {
    var m = new java.util.TreeMap<Path, byte[]>();
    try (var files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        m.put(p, Files.readAllBytes(p));
      }
    }
    return m;
  }

  private static void assertUnchanged(java.util.Map<Path, byte[]> before, Path dir) throws Exception {
    var after = contents(dir);
    assertEquals(before.keySet(), after.keySet());
    for (Path p : before.keySet()) {
      assertArrayEquals(before.get(p), after.get(p), p.toString());
    }
  }

  @Test
  void decodeRefusesOutputInsideShardDirectory() throws Exception {
    Path in = input(50_000);
    Path g = tmp.resolve("g");
    assertEquals(0, weft("ec", "encode", "-k", "4", "-m", "2", in.toString(), g.toString()).code());
    var before = contents(g);
    for (String target : new String[] {"g/shard-00.bin", "g/manifest.json", "g/new.bin", "g/../g/shard-01.bin", "g"}) {
      Result r = weft("ec", "decode", g.toString(), tmp.resolve(target).toString());
      assertEquals(2, r.code(), target + ": " + r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
    }
    Path link = tmp.resolve("link");
    Files.createSymbolicLink(link, g);
    Result viaLink = weft("ec", "decode", g.toString(), link.resolve("shard-02.bin").toString());
    assertEquals(2, viaLink.code(), viaLink.err());
    assertTrue(viaLink.err().contains("is inside the shard set"), viaLink.err());
    assertUnchanged(before, g);
    assertEquals(0, weft("ec", "verify", g.toString()).code());
  }

  @Test
  void getRefusesOutputInsideBlockStore() throws Exception {
    Path in = input(100_000);
    Path st = tmp.resolve("st");
    Result put = weft("ec", "put", "--ec", "4+2", "--block-size", "4096", "--store", st.toString(), in.toString());
    assertEquals(0, put.code(), put.err());
    String id = put.out().strip();
    var before = contents(st);
    Path manifestBlock = new DirectoryBlockStore(st).pathOf(id);
    for (Path target : new Path[] {manifestBlock, st.resolve("x.bin"), st}) {
      Result r = weft("ec", "get", id, "--store", st.toString(), "-o", target.toString());
      assertEquals(2, r.code(), target + ": " + r.err());
    }
    assertUnchanged(before, st);
    Path out = tmp.resolve("out.bin");
    assertEquals(0, weft("ec", "get", id, "--store", st.toString(), "-o", out.toString()).code());
    assertArrayEquals(Files.readAllBytes(in), Files.readAllBytes(out));
  }

  @Test
  void missingStoreIsNamed() throws Exception {
    Result r = weft("ec", "get", "ab".repeat(32), "--store", tmp.resolve("nonexist").toString(), "-o",
        tmp.resolve("x").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("nonexist: store does not exist"), r.err());
  }

  @Test
  void directoryWhereFileExpected() throws Exception {
    Result enc = weft("ec", "encode", "-k", "4", "-m", "2", tmp.toString(), tmp.resolve("o").toString());
    assertEquals(2, enc.code());
    assertTrue(enc.err().contains(tmp + ": is a directory"), enc.err());
    Result put = weft("ec", "put", "--ec", "4+2", "--store", tmp.resolve("s").toString(), tmp.toString());
    assertEquals(2, put.code());
    assertTrue(put.err().contains(tmp + ": is a directory"), put.err());
    Path in = input(1000);
    Result onFile = weft("ec", "encode", "-k", "4", "-m", "2", in.toString(), in.toString());
    assertEquals(2, onFile.code(), onFile.err());
    assertTrue(onFile.err().contains("is not a directory"), onFile.err());
  }

  @Test
  void outputsGetDefaultPermissions() throws Exception {
    Path in = input(20_000);
    Path g = tmp.resolve("g");
    assertEquals(0, weft("ec", "encode", "-k", "2", "-m", "1", in.toString(), g.toString()).code());
    Path dec = tmp.resolve("dec.bin");
    assertEquals(0, weft("ec", "decode", g.toString(), dec.toString()).code());
    // Files.createTempFile would give exactly owner read/write; a normal file gets what the umask allows.
    Path reference = Files.createFile(tmp.resolve("reference"));
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
    assertEquals(expected, Files.getPosixFilePermissions(dec));
    Path st = tmp.resolve("st");
    Result put = weft("ec", "put", "--ec", "2+1", "--store", st.toString(), in.toString());
    Path got = tmp.resolve("got.bin");
    assertEquals(0, weft("ec", "get", put.out().strip(), "--store", st.toString(), "-o", got.toString()).code());
    assertEquals(expected, Files.getPosixFilePermissions(got));
  }
}
