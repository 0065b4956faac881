package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ec.HadoopOracle;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.isal.IsalKernel;
import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import dev.weft.ec.kernel.NibbleVectorKernel;
import dev.weft.ec.kernel.ScalarKernel;
import dev.weft.ec.kernel.SevenBitVectorKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Parity equal to hadoop-common's RSRawEncoder for every kernel, for random and edge-case shapes. */
class HadoopParityTest {
  static List<GfKernel> javaKernels() {
    List<GfKernel> all = new ArrayList<>(List.of(ScalarKernel.INSTANCE, NibbleVectorKernel.INSTANCE));
    if (SevenBitVectorKernel.supported()) {
      all.add(SevenBitVectorKernel.INSTANCE);
    }
    return all;
  }

  static byte[][] random(Random rnd, int count, int len) {
    byte[][] out = new byte[count][len];
    for (byte[] b : out) {
      rnd.nextBytes(b);
    }
    return out;
  }

  static void checkAgainstHadoop(GfKernel kernel, int k, int m, int len, long seed) {
    Random rnd = new Random(seed);
    byte[][] data = random(rnd, k, len);
    byte[][] expected = HadoopOracle.parity(data, m);
    byte[][] shards = new byte[k + m][];
    System.arraycopy(data, 0, shards, 0, k);
    for (int i = 0; i < m; i++) {
      shards[k + i] = new byte[len];
    }
    ReedSolomon.create(k, m, MatrixKind.CAUCHY, kernel).encode(shards, 0, len);
    for (int i = 0; i < m; i++) {
      assertArrayEquals(expected[i], shards[k + i],
          kernel.name() + " parity " + i + " differs from hadoop for k=" + k + " m=" + m + " len=" + len);
    }
  }

  @Property(tries = 60)
  void parityEqualsHadoop(@ForAll @IntRange(min = 1, max = 40) int k, @ForAll @IntRange(min = 1, max = 12) int m,
      @ForAll @IntRange(min = 1, max = 3000) int len, @ForAll long seed) {
    for (GfKernel kernel : javaKernels()) {
      checkAgainstHadoop(kernel, k, m, len, seed);
    }
  }

  @Test
  void edgeShapesEqualHadoop() {
    int[][] shapes = {{1, 1}, {1, 5}, {5, 1}, {10, 4}, {6, 3}, {50, 20}, {200, 55}, {128, 127}};
    int[] lengths = {1, 63, 64, 65, 127, 129, 4095, 4097, 8193 + 64};
    for (int[] s : shapes) {
      for (int len : lengths) {
        for (GfKernel kernel : javaKernels()) {
          checkAgainstHadoop(kernel, s[0], s[1], len, 31L * s[0] + len);
        }
      }
    }
  }

  @Test
  void isalParityEqualsHadoop() {
    assumeTrue(IsalLibrary.get().isPresent(), "libisal not installed");
    IsalKernel isal = new IsalKernel(IsalLibrary.get().orElseThrow());
    for (int[] s : new int[][] {{1, 1}, {5, 1}, {10, 4}, {6, 3}, {50, 20}, {30, 7}}) {
      for (int len : new int[] {1, 17, 64, 1000, 70_000}) {
        checkAgainstHadoop(isal, s[0], s[1], len, s[0] * 7L + len);
      }
    }
  }

  @Test
  void hadoopDecodesWeftParity() {
    Random rnd = new Random(5);
    int k = 10, m = 4, len = 5000;
    byte[][] shards = new byte[k + m][];
    byte[][] data = random(rnd, k, len);
    for (int i = 0; i < k + m; i++) {
      shards[i] = i < k ? data[i].clone() : new byte[len];
    }
    ReedSolomon.create(k, m).encode(shards, 0, len);
    byte[][] input = shards.clone();
    int[] erased = {0, 3, 11};
    for (int e : erased) {
      input[e] = null;
    }
    byte[][] rebuilt = HadoopOracle.decode(input, k, m, erased);
    for (int i = 0; i < erased.length; i++) {
      assertArrayEquals(shards[erased[i]], rebuilt[i], "hadoop rebuilt shard " + erased[i]);
    }
  }

  @Test
  void defaultKernelIsVectorWhenAvailable() {
    assumeTrue(Kernels.vectorApiAvailable());
    assertArrayEquals(new String[] {NibbleVectorKernel.INSTANCE.name()}, new String[] {Kernels.bestJava().name()});
  }
}
