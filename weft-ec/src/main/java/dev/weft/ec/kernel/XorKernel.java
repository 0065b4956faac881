package dev.weft.ec.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The XOR kernel: an output row whose coefficients are all 1 is the plain XOR of the inputs, which needs
 * no table lookups at all — one load and one XOR per input vector instead of two permutes and three XORs.
 * Such rows occur as the first parity row of the Vandermonde-derived (Backblaze/klauspost) matrix and as
 * the decode row of a single lost data shard rebuilt from the other data shards plus that parity; the
 * ISA-L/Hadoop Cauchy matrix has none (its row i is 1/((k + i) XOR j)).
 *
 * <p>{@link Kernels#withFastPath} is how codes use it: a matrix whose rows are all all-ones runs here, any
 * other on the general kernel. It is never used for the scalar kernel, which stays the plain oracle, nor
 * without the Vector API: this class's static fields are Vector API types, so merely initialising it
 * without {@code jdk.incubator.vector} throws NoClassDefFoundError. Nothing outside the Vector kernels may
 * touch it unless {@link Kernels#vectorApiAvailable()}.
 */
public final class XorKernel implements GfKernel {
  /** static final so C2 sees one constant species, as in {@link NibbleVectorKernel}. */
  static final VectorSpecies<Byte> S = ByteVector.SPECIES_PREFERRED;
  static final int VL = S.length();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  public static final XorKernel INSTANCE = new XorKernel();

  private XorKernel() {}

  @Override
  public String name() {
    return "java-xor-" + S.vectorBitSize();
  }

  /**
   * @throws IllegalArgumentException unless every coefficient is 1
   */
  @Override
  public Program compile(byte[][] coefficients) {
    int inputs = GfKernel.checkMatrix(coefficients);
    if (!Kernels.allOnes(coefficients)) {
      throw new IllegalArgumentException("the XOR kernel only runs rows whose coefficients are all 1");
    }
    return new XorProgram(inputs, coefficients.length);
  }

  private record XorProgram(int inputs, int outputs) implements Program {
    @Override
    public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
      // Every all-ones row computes the same bytes: compute the first, copy it to the others.
      MemorySegment first = out[0];
      long vectorLen = len - len % (4 * VL);
      for (long p = 0; p < vectorLen; p += 4 * VL) {
        // Four independent accumulators per iteration hide the load latency.
        ByteVector a = ByteVector.fromMemorySegment(S, in[0], inOff + p, LE);
        ByteVector b = ByteVector.fromMemorySegment(S, in[0], inOff + p + VL, LE);
        ByteVector c = ByteVector.fromMemorySegment(S, in[0], inOff + p + 2 * VL, LE);
        ByteVector d = ByteVector.fromMemorySegment(S, in[0], inOff + p + 3 * VL, LE);
        for (int j = 1; j < inputs; j++) {
          MemorySegment src = in[j];
          a = a.lanewise(VectorOperators.XOR, ByteVector.fromMemorySegment(S, src, inOff + p, LE));
          b = b.lanewise(VectorOperators.XOR, ByteVector.fromMemorySegment(S, src, inOff + p + VL, LE));
          c = c.lanewise(VectorOperators.XOR, ByteVector.fromMemorySegment(S, src, inOff + p + 2 * VL, LE));
          d = d.lanewise(VectorOperators.XOR, ByteVector.fromMemorySegment(S, src, inOff + p + 3 * VL, LE));
        }
        a.intoMemorySegment(first, outOff + p, LE);
        b.intoMemorySegment(first, outOff + p + VL, LE);
        c.intoMemorySegment(first, outOff + p + 2 * VL, LE);
        d.intoMemorySegment(first, outOff + p + 3 * VL, LE);
      }
      long p0 = vectorLen;
      for (; p0 + VL <= len; p0 += VL) {
        ByteVector a = ByteVector.fromMemorySegment(S, in[0], inOff + p0, LE);
        for (int j = 1; j < inputs; j++) {
          a = a.lanewise(VectorOperators.XOR, ByteVector.fromMemorySegment(S, in[j], inOff + p0, LE));
        }
        a.intoMemorySegment(first, outOff + p0, LE);
      }
      for (long p = p0; p < len; p++) {
        byte acc = 0;
        for (int j = 0; j < inputs; j++) {
          acc ^= in[j].get(ValueLayout.JAVA_BYTE, inOff + p);
        }
        first.set(ValueLayout.JAVA_BYTE, outOff + p, acc);
      }
      for (int o = 1; o < outputs; o++) {
        MemorySegment.copy(first, outOff, out[o], outOff, len);
      }
    }
  }
}
