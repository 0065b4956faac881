package dev.weft.ec.kernel;

import dev.weft.ec.gf.Gf256;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two-table kernel, only for 512-bit vectors: c·x = T[x &amp; 127] XOR (x ≥ 128 ? c·128 : 0), where the
 * 128-entry T spans two vectors and {@code selectFrom(v1, v2)} (vpermi2b) wraps the index into it, so the
 * low seven bits need no masking. Kept to measure against {@link NibbleVectorKernel}; see
 * docs/bench/ec.md for which wins.
 */
public final class SevenBitVectorKernel implements GfKernel {
  static final VectorSpecies<Byte> S = ByteVector.SPECIES_512;
  static final int VL = 64;
  static final int CHUNK = 4096;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  public static final SevenBitVectorKernel INSTANCE = new SevenBitVectorKernel();

  private SevenBitVectorKernel() {}

  /** True when the preferred species is 512 bits, where the two tables hold all 128 entries. */
  public static boolean supported() {
    return ByteVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
  }

  @Override
  public String name() {
    return "java-7bit-512";
  }

  @Override
  public Program compile(byte[][] c) {
    int inputs = GfKernel.checkMatrix(c);
    int outputs = c.length;
    // Per (group, input, output): T[0..63], T[64..127], then c·128 broadcast; input-major within a group.
    byte[] tables = new byte[outputs * inputs * 3 * VL];
    int pos = 0;
    for (int g = 0; g < outputs; g += 4) {
      int width = Math.min(4, outputs - g);
      for (int j = 0; j < inputs; j++) {
        for (int o = g; o < g + width; o++) {
          int coef = c[o][j] & 0xFF;
          for (int i = 0; i < VL; i++) {
            tables[pos + i] = (byte) Gf256.mul(coef, i);
            tables[pos + VL + i] = (byte) Gf256.mul(coef, VL + i);
            tables[pos + 2 * VL + i] = (byte) Gf256.mul(coef, 128);
          }
          pos += 3 * VL;
        }
      }
    }
    return new SevenBitProgram(inputs, outputs, tables, ScalarKernel.INSTANCE.compile(c));
  }

  private record SevenBitProgram(int inputs, int outputs, byte[] tables, Program tail) implements Program {
    @Override
    public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
      long vectorLen = len - len % VL;
      for (long c = 0; c < vectorLen; c += CHUNK) {
        long end = Math.min(vectorLen, c + CHUNK);
        int tableBase = 0;
        for (int g = 0; g < outputs; g += 4) {
          int width = Math.min(4, outputs - g);
          if (width == 4) {
            group4(tableBase, g, in, inOff, out, outOff, c, end);
          } else {
            for (int o = 0; o < width; o++) {
              group1(tableBase, width, o, g, in, inOff, out, outOff, c, end);
            }
          }
          tableBase += inputs * width * 3 * VL;
        }
      }
      if (vectorLen < len) {
        MemorySegment[] inTail = new MemorySegment[inputs];
        MemorySegment[] outTail = new MemorySegment[outputs];
        for (int j = 0; j < inputs; j++) {
          inTail[j] = in[j].asSlice(inOff + vectorLen);
        }
        for (int o = 0; o < outputs; o++) {
          outTail[o] = out[o].asSlice(outOff + vectorLen);
        }
        tail.run(inTail, 0, outTail, 0, len - vectorLen);
      }
    }

    private static ByteVector mul(ByteVector x, VectorMask<Byte> high, byte[] tables, int t) {
      ByteVector low7 = x.selectFrom(ByteVector.fromArray(S, tables, t), ByteVector.fromArray(S, tables, t + VL));
      return low7.lanewise(VectorOperators.XOR, ByteVector.fromArray(S, tables, t + 2 * VL), high);
    }

    /** Four outputs at two positions per iteration, so each table vector loaded serves 128 bytes. */
    private void group4(int base, int g, MemorySegment[] in, long inOff, MemorySegment[] out, long outOff,
        long from, long to) {
      MemorySegment o0 = out[g], o1 = out[g + 1], o2 = out[g + 2], o3 = out[g + 3];
      long p = from;
      for (; p + 2 * VL <= to; p += 2 * VL) {
        ByteVector a0 = ByteVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        ByteVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int t = base;
        for (int j = 0; j < inputs; j++) {
          MemorySegment src = in[j];
          ByteVector x = ByteVector.fromMemorySegment(S, src, inOff + p, LE);
          ByteVector y = ByteVector.fromMemorySegment(S, src, inOff + p + VL, LE);
          VectorMask<Byte> xh = x.compare(VectorOperators.LT, (byte) 0);
          VectorMask<Byte> yh = y.compare(VectorOperators.LT, (byte) 0);
          a0 = a0.lanewise(VectorOperators.XOR, mul(x, xh, tables, t));
          b0 = b0.lanewise(VectorOperators.XOR, mul(y, yh, tables, t));
          a1 = a1.lanewise(VectorOperators.XOR, mul(x, xh, tables, t + 3 * VL));
          b1 = b1.lanewise(VectorOperators.XOR, mul(y, yh, tables, t + 3 * VL));
          a2 = a2.lanewise(VectorOperators.XOR, mul(x, xh, tables, t + 6 * VL));
          b2 = b2.lanewise(VectorOperators.XOR, mul(y, yh, tables, t + 6 * VL));
          a3 = a3.lanewise(VectorOperators.XOR, mul(x, xh, tables, t + 9 * VL));
          b3 = b3.lanewise(VectorOperators.XOR, mul(y, yh, tables, t + 9 * VL));
          t += 12 * VL;
        }
        a0.intoMemorySegment(o0, outOff + p, LE);
        a1.intoMemorySegment(o1, outOff + p, LE);
        a2.intoMemorySegment(o2, outOff + p, LE);
        a3.intoMemorySegment(o3, outOff + p, LE);
        b0.intoMemorySegment(o0, outOff + p + VL, LE);
        b1.intoMemorySegment(o1, outOff + p + VL, LE);
        b2.intoMemorySegment(o2, outOff + p + VL, LE);
        b3.intoMemorySegment(o3, outOff + p + VL, LE);
      }
      for (; p < to; p += VL) {
        ByteVector a0 = ByteVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int t = base;
        for (int j = 0; j < inputs; j++) {
          ByteVector x = ByteVector.fromMemorySegment(S, in[j], inOff + p, LE);
          VectorMask<Byte> high = x.compare(VectorOperators.LT, (byte) 0);
          a0 = a0.lanewise(VectorOperators.XOR, mul(x, high, tables, t));
          a1 = a1.lanewise(VectorOperators.XOR, mul(x, high, tables, t + 3 * VL));
          a2 = a2.lanewise(VectorOperators.XOR, mul(x, high, tables, t + 6 * VL));
          a3 = a3.lanewise(VectorOperators.XOR, mul(x, high, tables, t + 9 * VL));
          t += 12 * VL;
        }
        a0.intoMemorySegment(o0, outOff + p, LE);
        a1.intoMemorySegment(o1, outOff + p, LE);
        a2.intoMemorySegment(o2, outOff + p, LE);
        a3.intoMemorySegment(o3, outOff + p, LE);
      }
    }

    /** One output of a group narrower than four; {@code o} is its place in the group. */
    private void group1(int base, int width, int o, int g, MemorySegment[] in, long inOff, MemorySegment[] out,
        long outOff, long from, long to) {
      MemorySegment dst = out[g + o];
      for (long p = from; p < to; p += VL) {
        ByteVector a = ByteVector.zero(S);
        int t = base + o * 3 * VL;
        for (int j = 0; j < inputs; j++) {
          ByteVector x = ByteVector.fromMemorySegment(S, in[j], inOff + p, LE);
          a = a.lanewise(VectorOperators.XOR, mul(x, x.compare(VectorOperators.LT, (byte) 0), tables, t));
          t += width * 3 * VL;
        }
        a.intoMemorySegment(dst, outOff + p, LE);
      }
    }
  }
}
