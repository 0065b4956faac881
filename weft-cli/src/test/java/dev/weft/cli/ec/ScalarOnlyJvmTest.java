package dev.weft.cli.ec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.worker.WorkerPool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * weft in a JVM started WITHOUT {@code --add-modules jdk.incubator.vector}: the scalar kernel must code,
 * and its shards must equal the Vector kernel's (this test's own JVM has the module). Surefire starts every
 * test JVM with the module, so only a child JVM can see the fallback at all.
 */
class ScalarOnlyJvmTest {
  @TempDir
  Path tmp;

  record Child(int code, String out, String err) {}

  /** Runs weft's Main in a child JVM with this JVM's class path and java binary, but no Vector API module. */
  private Child child(String... args) throws IOException, InterruptedException {
    return child(java.util.Map.of(), args);
  }

  private Child child(java.util.Map<String, String> env, String... args) throws IOException, InterruptedException {
    WorkerPool.Config base = WorkerPool.Config.defaults();
    List<String> cmd = new ArrayList<>();
    cmd.add(base.javaBinary().toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(base.classpath());
    cmd.add("dev.weft.cli.Main");
    cmd.addAll(List.of(args));
    Path out = tmp.resolve("child.out");
    Path err = tmp.resolve("child.err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("the child JVM did not finish in 120 s: " + cmd);
    }
    return new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void encodeAndDecodeWorkWithoutTheVectorApiAndMatchTheVectorKernel() throws Exception {
    byte[] data = new byte[700_001];
    new Random(7).nextBytes(data);
    Path in = tmp.resolve("in.bin");
    Files.write(in, data);
    Path scalar = tmp.resolve("scalar");
    Child enc = child("--debug", "ec", "encode", "-k", "4", "-m", "2", "--shard-size", "65536", "--ec-backend", "java",
        in.toString(), scalar.toString());
    assertEquals(0, enc.code(), enc.err());
    assertTrue((enc.out() + enc.err()).contains("java-scalar"), "the child ran the scalar kernel:\n" + enc.out() + enc.err());
    assertFalse(enc.err().contains("\tat "), enc.err());

    // The same shards from the Vector kernel in this JVM.
    Path vector = tmp.resolve("vector");
    EcCommandTest.Result v = EcCommandTest.weft("ec", "encode", "-k", "4", "-m", "2", "--shard-size", "65536",
        "--ec-backend", "java", in.toString(), vector.toString());
    assertEquals(0, v.code(), v.err());
    for (int i = 0; i < 6; i++) {
      String name = String.format("shard-%02d.bin", i);
      assertArrayEquals(Files.readAllBytes(vector.resolve(name)), Files.readAllBytes(scalar.resolve(name)), name);
    }

    // Two lost data shards rebuilt by the scalar kernel.
    Files.delete(scalar.resolve("shard-01.bin"));
    Files.delete(scalar.resolve("shard-02.bin"));
    Path out = tmp.resolve("out.bin");
    Child dec = child("ec", "decode", "--ec-backend", "java", scalar.toString(), out.toString());
    assertEquals(0, dec.code(), dec.err());
    assertArrayEquals(data, Files.readAllBytes(out));

    // m = 1 with the XOR matrix: the code path that used to load the Vector XOR kernel first.
    Child xor = child("ec", "encode", "-k", "3", "-m", "1", "--matrix", "xor", in.toString(), tmp.resolve("xor").toString());
    assertEquals(0, xor.code(), xor.err());
  }

  @Test
  void aBadWeftIsalPathIsNamedWithTheLoadersReason() throws Exception {
    Path junk = Files.writeString(tmp.resolve("not-a-library.so"), "junk");
    Path in = Files.write(tmp.resolve("in.bin"), new byte[1000]);
    Child r = child(java.util.Map.of("WEFT_ISAL", junk.toString()), "ec", "encode", "-k", "2", "-m", "1", "--ec-backend",
        "isal", in.toString(), tmp.resolve("o").toString());
    assertEquals(2, r.code(), r.err());
    // The JVM itself may warn about the stack guard of a file it tried to dlopen; weft's own word is one line.
    List<String> lines = r.err().lines().filter(l -> l.startsWith("weft: ")).toList();
    assertFalse(r.err().contains("\tat "), r.err());
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.getFirst().contains(junk.toString()) && lines.getFirst().contains("could not be loaded"), r.err());
  }
}
