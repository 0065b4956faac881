package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.gf.GfMatrix;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.ScalarKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconstructTest {
  private static byte[][] encoded(ReedSolomon rs, int len, long seed) {
    Random rnd = new Random(seed);
    byte[][] shards = new byte[rs.totalShards()][len];
    for (int i = 0; i < rs.dataShards(); i++) {
      rnd.nextBytes(shards[i]);
    }
    rs.encode(shards, 0, len);
    return shards;
  }

  private static byte[][] copy(byte[][] s) {
    byte[][] c = new byte[s.length][];
    for (int i = 0; i < s.length; i++) {
      c[i] = s[i].clone();
    }
    return c;
  }

  /** Rebuilds after erasing the shards in the bit pattern; garbage is written over erased shards first. */
  private static void checkPattern(ReedSolomon rs, byte[][] original, int pattern) {
    byte[][] damaged = copy(original);
    boolean[] present = new boolean[rs.totalShards()];
    for (int i = 0; i < present.length; i++) {
      present[i] = (pattern & (1 << i)) == 0;
      if (!present[i]) {
        java.util.Arrays.fill(damaged[i], (byte) 0x5A);
      }
    }
    rs.reconstruct(damaged, present, 0, original[0].length);
    for (int i = 0; i < present.length; i++) {
      assertArrayEquals(original[i], damaged[i], "shard " + i + " after erasing pattern " + Integer.toBinaryString(pattern));
    }
  }

  /** The kinds that have a code with m parity shards (xor only has m = 1). */
  static List<MatrixKind> kinds(int m) {
    return java.util.Arrays.stream(MatrixKind.values()).filter(k -> k != MatrixKind.XOR || m == 1).toList();
  }

  @Test
  void everyPatternOfOneLossForXor() {
    for (int k : new int[] {1, 2, 6, 17}) {
      for (GfKernel kernel : HadoopParityTest.javaKernels()) {
        ReedSolomon rs = ReedSolomon.create(k, 1, MatrixKind.XOR, kernel);
        byte[][] original = encoded(rs, 1000, k);
        byte[] xor = new byte[1000];
        for (int i = 0; i < k; i++) {
          for (int p = 0; p < 1000; p++) {
            xor[p] ^= original[i][p];
          }
        }
        assertArrayEquals(xor, original[k], "parity is the XOR of the data");
        for (int p = 0; p <= k; p++) {
          checkPattern(rs, original, 1 << p);
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> ReedSolomon.create(4, 2, MatrixKind.XOR, ScalarKernel.INSTANCE));
  }

  @Test
  void everyPatternOfUpToThreeLossesFor6Plus3() {
    for (MatrixKind kind : kinds(3)) {
      for (GfKernel kernel : HadoopParityTest.javaKernels()) {
        ReedSolomon rs = ReedSolomon.create(6, 3, kind, kernel);
        byte[][] original = encoded(rs, 1000, 1);
        int patterns = 0;
        for (int p = 0; p < 1 << 9; p++) {
          if (Integer.bitCount(p) <= 3) {
            checkPattern(rs, original, p);
            patterns++;
          }
        }
        assertEquals(130, patterns);
      }
    }
  }

  @Test
  void randomPatternsForLargeCodes() {
    Random rnd = new Random(7);
    for (int[] shape : new int[][] {{50, 20}, {10, 4}, {200, 50}, {1, 3}, {17, 1}}) {
      for (MatrixKind kind : kinds(shape[1])) {
        ReedSolomon rs = ReedSolomon.create(shape[0], shape[1], kind, dev.weft.ec.kernel.Kernels.bestJava());
        int n = rs.totalShards();
        byte[][] original = encoded(rs, 777, shape[0]);
        for (int trial = 0; trial < 12; trial++) {
          byte[][] damaged = copy(original);
          boolean[] present = new boolean[n];
          java.util.Arrays.fill(present, true);
          int lose = 1 + rnd.nextInt(shape[1]);
          for (int l = 0; l < lose; l++) {
            int victim = rnd.nextInt(n);
            present[victim] = false;
            java.util.Arrays.fill(damaged[victim], (byte) 1);
          }
          rs.reconstruct(damaged, present, 0, 777);
          for (int i = 0; i < n; i++) {
            assertArrayEquals(original[i], damaged[i], kind + " " + shape[0] + "+" + shape[1] + " shard " + i);
          }
        }
      }
    }
  }

  @Test
  void dataOnlyAndChosenSetsLeaveOthersAlone() {
    ReedSolomon rs = ReedSolomon.create(5, 3);
    byte[][] original = encoded(rs, 300, 3);
    byte[][] damaged = copy(original);
    boolean[] present = {false, true, true, true, true, true, false, true};
    java.util.Arrays.fill(damaged[0], (byte) 9);
    java.util.Arrays.fill(damaged[6], (byte) 9);
    rs.reconstructData(damaged, present, 0, 300);
    assertArrayEquals(original[0], damaged[0]);
    assertEquals(9, damaged[6][0], "parity 6 was not asked for and must stay untouched");
    boolean[] wanted = new boolean[8];
    wanted[6] = true;
    rs.reconstruct(damaged, present, wanted, 0, 300);
    assertArrayEquals(original[6], damaged[6]);
  }

  @Test
  void offsetsAndNativeSegments() {
    ReedSolomon rs = ReedSolomon.create(4, 2);
    byte[][] whole = encoded(rs, 500, 11);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment[] seg = new MemorySegment[6];
      for (int i = 0; i < 6; i++) {
        seg[i] = arena.allocate(600);
        MemorySegment.copy(MemorySegment.ofArray(whole[i]), 0, seg[i], 100, 500);
      }
      for (int i = 4; i < 6; i++) {
        seg[i].fill((byte) 0);
      }
      rs.encode(seg, 100, 500);
      assertArrayEquals(whole[4], seg[4].asSlice(100, 500).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
      assertTrue(rs.verify(seg, 100, 500));
      seg[5].set(java.lang.foreign.ValueLayout.JAVA_BYTE, 350, (byte) ~seg[5].get(java.lang.foreign.ValueLayout.JAVA_BYTE, 350));
      assertFalse(rs.verify(seg, 100, 500));
    }
  }

  @Test
  void tooManyLossesAndBadShapesAreRejected() {
    ReedSolomon rs = ReedSolomon.create(4, 2);
    byte[][] s = encoded(rs, 10, 1);
    assertThrows(TooManyErasuresException.class,
        () -> rs.reconstruct(s, new boolean[] {false, false, false, true, true, true}, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> ReedSolomon.create(0, 2));
    assertThrows(IllegalArgumentException.class, () -> ReedSolomon.create(2, 0));
    assertThrows(IllegalArgumentException.class, () -> ReedSolomon.create(200, 57));
    byte[][] ragged = {new byte[10], new byte[10], new byte[10], new byte[9], new byte[10], new byte[10]};
    assertThrows(IllegalArgumentException.class, () -> rs.encode(ragged, 0, 9));
    ReedSolomon.create(255, 1, MatrixKind.CAUCHY, ScalarKernel.INSTANCE);
    ReedSolomon.create(1, 255, MatrixKind.VANDERMONDE, ScalarKernel.INSTANCE);
  }

  @Test
  void generatorsAreSystematicAndDecodeCacheReusesPlans() {
    for (MatrixKind kind : MatrixKind.values()) {
      GfMatrix g = kind.generator(7, kind == MatrixKind.XOR ? 1 : 3);
      for (int r = 0; r < 7; r++) {
        for (int c = 0; c < 7; c++) {
          assertEquals(r == c ? 1 : 0, g.get(r, c), kind + " top must be the identity");
        }
      }
    }
    ReedSolomon rs = ReedSolomon.create(4, 2);
    boolean[] present = {true, false, true, true, true, true};
    boolean[] wanted = {false, true, false, false, false, false};
    assertTrue(rs.plan(present, wanted) == rs.plan(present.clone(), wanted.clone()), "same pattern, same plan");
  }

  /** The published example of Backblaze JavaReedSolomon (RS(5, 5), two-byte shards), also in its ports. */
  @Test
  void vandermondeMatchesBackblazeExample() {
    for (GfKernel kernel : HadoopParityTest.javaKernels()) {
      ReedSolomon rs = ReedSolomon.create(5, 5, MatrixKind.VANDERMONDE, kernel);
      byte[][] s = {{0, 1}, {4, 5}, {2, 3}, {6, 7}, {8, 9}, new byte[2], new byte[2], new byte[2], new byte[2], new byte[2]};
      rs.encode(s, 0, 2);
      assertArrayEquals(new byte[][] {{12, 13}, {10, 11}, {14, 15}, {90, 91}, {94, 95}},
          java.util.Arrays.copyOfRange(s, 5, 10), kernel.name());
    }
  }
}
