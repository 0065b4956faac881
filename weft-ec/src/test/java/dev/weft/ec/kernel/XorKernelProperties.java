package dev.weft.ec.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.gf.MatrixKind;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The XOR fast path computes what the general kernels compute, and applies where the docs say. */
class XorKernelProperties {
  /**
   * Random shapes with a random mix of all-ones and general rows: fast path = scalar oracle = nibble, and
   * the XOR kernel is chosen exactly when every row is all ones.
   */
  @Property(tries = 80)
  void fastPathAgreesWithGeneralKernel(@ForAll @IntRange(min = 1, max = 30) int inputs,
      @ForAll @IntRange(min = 1, max = 9) int outputs, @ForAll @IntRange(min = 0, max = 9000) int len,
      @ForAll @IntRange(min = 0, max = 70) int offset, @ForAll long seed) {
    Random rnd = new Random(seed);
    byte[][] matrix = new byte[outputs][inputs];
    for (byte[] row : matrix) {
      if (rnd.nextBoolean()) {
        Arrays.fill(row, (byte) 1);
      } else {
        rnd.nextBytes(row);
      }
    }
    MemorySegment[] in = new MemorySegment[inputs];
    for (int j = 0; j < inputs; j++) {
      byte[] b = new byte[offset + len];
      rnd.nextBytes(b);
      in[j] = MemorySegment.ofArray(b);
    }
    byte[][] expected = run(ScalarKernel.INSTANCE.compile(matrix), matrix.length, in, offset, len);
    assertArrayEquals(expected, run(NibbleVectorKernel.INSTANCE.compile(matrix), matrix.length, in, offset, len));
    assertArrayEquals(expected, run(Kernels.withFastPath(NibbleVectorKernel.INSTANCE, matrix), matrix.length, in,
        offset, len));
    if (Kernels.allOnes(matrix)) {
      assertArrayEquals(expected, run(XorKernel.INSTANCE.compile(matrix), matrix.length, in, offset, len));
    }
    assertEquals(Kernels.allOnes(matrix),
        Kernels.withFastPath(NibbleVectorKernel.INSTANCE, matrix).getClass().getEnclosingClass() == XorKernel.class);
  }

  @Example
  void xorKernelRefusesOtherCoefficients() {
    assertThrows(IllegalArgumentException.class, () -> XorKernel.INSTANCE.compile(new byte[][] {{1, 2}}));
  }

  /**
   * The claim in docs/formats/erasure-coding.md, checked for every k: an all-ones parity row exists for
   * the xor matrix (its only row), and otherwise only for Cauchy k = 1 (row 0), Vandermonde k = 1 (every
   * row) and Vandermonde k = 2^n - 1 (row 0). The
   * Vandermonde-derived matrix's first parity row is NOT all ones in general (k = 10: 129, 150, 175, …).
   */
  @Example
  void whichMatricesHaveAllOnesParityRows() {
    for (int k = 1; k <= 255; k++) {
      int m = 256 - k;
      assertTrue(Kernels.allOnes(new byte[][] {MatrixKind.XOR.generator(k, 1).row(k)}), "xor k=" + k);
      for (MatrixKind kind : new MatrixKind[] {MatrixKind.CAUCHY, MatrixKind.VANDERMONDE}) {
        var g = kind.generator(k, m);
        for (int i = 0; i < m; i++) {
          boolean expected = k == 1 && (kind == MatrixKind.VANDERMONDE || i == 0)
              || kind == MatrixKind.VANDERMONDE && i == 0 && Integer.bitCount(k + 1) == 1;
          assertEquals(expected, Kernels.allOnes(new byte[][] {g.row(k + i)}), kind + " k=" + k + " row " + i);
        }
      }
    }
  }

  /**
   * Where a Vandermonde code has an all-ones first parity row (k = 2^n - 1), encode uses XOR when m = 1,
   * and a single lost data shard is rebuilt with XOR from the other data shards and parity 0 for any m;
   * results equal the scalar oracle.
   */
  @Property(tries = 30)
  void vandermondeUsesXorAndRoundTrips(@ForAll @IntRange(min = 0, max = 5) int log,
      @ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 0, max = 5000) int len,
      @ForAll long seed) {
    int k = (2 << log) - 1;
    Random rnd = new Random(seed);
    ReedSolomon fast = ReedSolomon.create(k, m, MatrixKind.VANDERMONDE, Kernels.bestJava());
    ReedSolomon oracle = ReedSolomon.create(k, m, MatrixKind.VANDERMONDE, ScalarKernel.INSTANCE);
    if (Kernels.vectorApiAvailable()) {
      // m = 1: the single parity row is all ones; m > 1: mixed rows stay on the table kernel, except
      // k = 1, where every parity row is all ones.
      assertEquals(m == 1 || k == 1, fast.encoder().getClass().getEnclosingClass() == XorKernel.class, "encode with XOR");
    }
    byte[][] shards = new byte[k + m][len];
    for (int i = 0; i < k; i++) {
      rnd.nextBytes(shards[i]);
    }
    byte[][] expected = copyOf(shards);
    fast.encode(shards, 0, len);
    oracle.encode(expected, 0, len);
    assertArrayEquals(expected, shards);
    assertTrue(fast.verify(shards, 0, len));
    int lost = rnd.nextInt(k);
    boolean[] present = new boolean[k + m];
    Arrays.fill(present, true);
    present[lost] = false;
    if (Kernels.vectorApiAvailable()) {
      boolean[] wanted = new boolean[k + m];
      wanted[lost] = true;
      assertTrue(fast.plan(present, wanted).program().getClass().getEnclosingClass() == XorKernel.class,
          "one lost data shard is rebuilt with XOR");
    }
    Arrays.fill(shards[lost], (byte) 0x5A);
    fast.reconstruct(shards, present, 0, len);
    assertArrayEquals(expected, shards);
  }

  /** The xor matrix encodes with the XOR kernel and rebuilds any one lost shard with it too. */
  @Property(tries = 20)
  void xorMatrixUsesXorEverywhere(@ForAll @IntRange(min = 1, max = 60) int k,
      @ForAll @IntRange(min = 0, max = 5000) int len, @ForAll long seed) {
    Random rnd = new Random(seed);
    ReedSolomon fast = ReedSolomon.create(k, 1, MatrixKind.XOR, Kernels.bestJava());
    byte[][] shards = new byte[k + 1][len];
    for (int i = 0; i < k; i++) {
      rnd.nextBytes(shards[i]);
    }
    byte[][] expected = copyOf(shards);
    ReedSolomon.create(k, 1, MatrixKind.XOR, ScalarKernel.INSTANCE).encode(expected, 0, len);
    fast.encode(shards, 0, len);
    assertArrayEquals(expected, shards);
    int lost = rnd.nextInt(k + 1);
    boolean[] present = new boolean[k + 1];
    Arrays.fill(present, true);
    present[lost] = false;
    if (Kernels.vectorApiAvailable()) {
      assertTrue(fast.encoder().getClass().getEnclosingClass() == XorKernel.class, "encode");
      boolean[] wanted = new boolean[k + 1];
      wanted[lost] = true;
      assertTrue(fast.plan(present, wanted).program().getClass().getEnclosingClass() == XorKernel.class, "rebuild");
    }
    Arrays.fill(shards[lost], (byte) 7);
    fast.reconstruct(shards, present, 0, len);
    assertArrayEquals(expected, shards);
  }

  private static byte[][] copyOf(byte[][] s) {
    byte[][] c = new byte[s.length][];
    for (int i = 0; i < s.length; i++) {
      c[i] = s[i].clone();
    }
    return c;
  }

  private static byte[][] run(GfKernel.Program program, int outputs, MemorySegment[] in, int offset, int len) {
    byte[][] out = new byte[outputs][len + 3];
    MemorySegment[] outSeg = new MemorySegment[outputs];
    for (int o = 0; o < outputs; o++) {
      outSeg[o] = MemorySegment.ofArray(out[o]);
    }
    program.run(in, offset, outSeg, 3, len);
    return out;
  }
}
