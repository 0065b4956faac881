package dev.weft.ec.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The vector kernels compute the same products as the scalar oracle for arbitrary matrices. */
class KernelAgreementProperties {
  @Property(tries = 80)
  void vectorKernelsAgreeWithScalar(@ForAll @IntRange(min = 1, max = 20) int inputs,
      @ForAll @IntRange(min = 1, max = 11) int outputs, @ForAll @IntRange(min = 0, max = 9000) int len,
      @ForAll @IntRange(min = 0, max = 70) int offset, @ForAll long seed) {
    Random rnd = new Random(seed);
    byte[][] matrix = new byte[outputs][inputs];
    for (byte[] row : matrix) {
      rnd.nextBytes(row);
    }
    MemorySegment[] in = new MemorySegment[inputs];
    for (int j = 0; j < inputs; j++) {
      byte[] b = new byte[offset + len];
      rnd.nextBytes(b);
      in[j] = MemorySegment.ofArray(b);
    }
    byte[][] expected = run(ScalarKernel.INSTANCE, matrix, in, offset, len);
    assertArrayEquals(expected, run(NibbleVectorKernel.INSTANCE, matrix, in, offset, len), "nibble");
    if (SevenBitVectorKernel.supported()) {
      assertArrayEquals(expected, run(SevenBitVectorKernel.INSTANCE, matrix, in, offset, len), "7bit");
    }
  }

  private static byte[][] run(GfKernel kernel, byte[][] matrix, MemorySegment[] in, int offset, int len) {
    byte[][] out = new byte[matrix.length][len + 3];
    MemorySegment[] outSeg = new MemorySegment[out.length];
    for (int o = 0; o < out.length; o++) {
      outSeg[o] = MemorySegment.ofArray(out[o]);
    }
    kernel.compile(matrix).run(in, offset, outSeg, 3, len);
    return out;
  }
}
