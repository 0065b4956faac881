package dev.weft.ec.kernel;

import dev.weft.ec.gf.Gf256;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The split-table (PSHUFB) kernel on the Vector API: c·x = T_lo[x &amp; 15] XOR T_hi[x &gt;&gt; 4], each
 * 16-entry table replicated across the vector so {@code selectFrom} is one byte permute.
 *
 * <p>Loop order: positions are cut into chunks that keep k input chunks in L1/L2; within a chunk, outputs
 * go in groups of four whose accumulators live in registers, so each input vector is loaded once per
 * group and every output is stored once. Tables are laid out input-major so the inner loop walks them
 * sequentially.
 *
 * <p>Native shards that pass {@link NativeShards#usable} once per call run these loops on their addresses
 * ({@link NativeLoops}), without the per-input segment checks; heap arrays and anything else run the checked
 * loops below.
 */
public final class NibbleVectorKernel implements GfKernel {
  /** static final so C2 sees one constant species and compiles straight vector code. */
  static final VectorSpecies<Byte> S = ByteVector.SPECIES_PREFERRED;
  static final int VL = S.length();
  /** Positions per chunk: 10 inputs × 4 KiB stay in L1+L2 while the output groups re-read them. */
  static final int CHUNK = Math.max(4096, VL);
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  public static final NibbleVectorKernel INSTANCE = new NibbleVectorKernel();

  private NibbleVectorKernel() {}

  @Override
  public String name() {
    return "java-nibble-" + S.vectorBitSize();
  }

  @Override
  public Program compile(byte[][] c) {
    int inputs = GfKernel.checkMatrix(c);
    int outputs = c.length;
    // Group g covers outputs [4g, 4g + 4); within a group tables go input-major, then output, lo before hi.
    byte[] tables = new byte[outputs * inputs * 2 * VL];
    int pos = 0;
    for (int g = 0; g < outputs; g += 4) {
      int width = Math.min(4, outputs - g);
      for (int j = 0; j < inputs; j++) {
        for (int o = g; o < g + width; o++) {
          int coef = c[o][j] & 0xFF;
          for (int i = 0; i < VL; i++) {
            tables[pos + i] = (byte) Gf256.mul(coef, i & 15);
            tables[pos + VL + i] = (byte) Gf256.mul(coef, (i & 15) << 4);
          }
          pos += 2 * VL;
        }
      }
    }
    return new NibbleProgram(inputs, outputs, tables, ScalarKernel.INSTANCE.compile(c));
  }

  static ByteVector mul(ByteVector x, byte[] tables, int t) {
    ByteVector hi = highNibbles(x);
    return x.selectFrom(ByteVector.fromArray(S, tables, t))
        .lanewise(VectorOperators.XOR, hi.selectFrom(ByteVector.fromArray(S, tables, t + VL)));
  }

  /**
   * x shifted right by 4 within 16-bit lanes (x86 has no byte shift). The bits that leak in from the
   * neighbouring byte land above bit 3, which the table lookup ignores: selectFrom wraps indices modulo
   * the vector length and every table repeats its 16 entries across the vector, so T[i] = T[i mod 16].
   * For the same reason the low nibble needs no mask at all.
   */
  static ByteVector highNibbles(ByteVector x) {
    return x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
  }

  private record NibbleProgram(int inputs, int outputs, byte[] tables, Program tail) implements Program {
    @Override
    public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
      long vectorLen = len - len % VL;
      if (vectorLen > 0 && NativeShards.usable(in, inOff, out, outOff, len)) {
        runNative(NativeShards.addresses(in, inOff), NativeShards.addresses(out, outOff), vectorLen);
        // The loops hold addresses only: keep automatic segments reachable until they are done.
        Reference.reachabilityFence(in);
        Reference.reachabilityFence(out);
      } else {
        runSegments(in, inOff, out, outOff, vectorLen);
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

    /**
     * The loops of {@link #runSegments} over native shards at their addresses, all through the one segment
     * {@link NativeShards#ALL} (see there why); {@code ia}/{@code oa} are the addresses of byte 0 of the range.
     */
    private void runNative(long[] ia, long[] oa, long vectorLen) {
      for (long c = 0; c < vectorLen; c += CHUNK) {
        long end = Math.min(vectorLen, c + CHUNK);
        int tableBase = 0;
        for (int g = 0; g < outputs; g += 4) {
          int width = Math.min(4, outputs - g);
          switch (width) {
            case 4 -> NativeLoops.group4(tables, inputs, tableBase, g, ia, oa, c, end);
            case 3 -> NativeLoops.group3(tables, inputs, tableBase, g, ia, oa, c, end);
            case 2 -> NativeLoops.group2(tables, inputs, tableBase, g, ia, oa, c, end);
            default -> NativeLoops.group1(tables, inputs, tableBase, g, ia, oa, c, end);
          }
          tableBase += inputs * width * 2 * VL;
        }
      }
    }

    /** Any segments (heap, or native ones {@link NativeShards#usable} does not take), each access checked. */
    private void runSegments(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long vectorLen) {
      for (long c = 0; c < vectorLen; c += CHUNK) {
        long end = Math.min(vectorLen, c + CHUNK);
        int tableBase = 0;
        for (int g = 0; g < outputs; g += 4) {
          int width = Math.min(4, outputs - g);
          switch (width) {
            case 4 -> group4(tableBase, g, in, inOff, out, outOff, c, end);
            case 3 -> group3(tableBase, g, in, inOff, out, outOff, c, end);
            case 2 -> group2(tableBase, g, in, inOff, out, outOff, c, end);
            default -> group1(tableBase, g, in, inOff, out, outOff, c, end);
          }
          tableBase += inputs * width * 2 * VL;
        }
      }
    }

    /**
     * Four outputs at two positions per iteration: each table vector loaded serves 128 bytes, which
     * halves the table loads that otherwise outnumber the input loads eight to one.
     */
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
          ByteVector xl = x;
          ByteVector xh = highNibbles(x);
          ByteVector yl = y;
          ByteVector yh = highNibbles(y);
          ByteVector tl = ByteVector.fromArray(S, tables, t);
          ByteVector th = ByteVector.fromArray(S, tables, t + VL);
          a0 = a0.lanewise(VectorOperators.XOR, xl.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
          b0 = b0.lanewise(VectorOperators.XOR, yl.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
          tl = ByteVector.fromArray(S, tables, t + 2 * VL);
          th = ByteVector.fromArray(S, tables, t + 3 * VL);
          a1 = a1.lanewise(VectorOperators.XOR, xl.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
          b1 = b1.lanewise(VectorOperators.XOR, yl.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
          tl = ByteVector.fromArray(S, tables, t + 4 * VL);
          th = ByteVector.fromArray(S, tables, t + 5 * VL);
          a2 = a2.lanewise(VectorOperators.XOR, xl.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
          b2 = b2.lanewise(VectorOperators.XOR, yl.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
          tl = ByteVector.fromArray(S, tables, t + 6 * VL);
          th = ByteVector.fromArray(S, tables, t + 7 * VL);
          a3 = a3.lanewise(VectorOperators.XOR, xl.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
          b3 = b3.lanewise(VectorOperators.XOR, yl.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
          t += 8 * VL;
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
          a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
          a1 = a1.lanewise(VectorOperators.XOR, mul(x, tables, t + 2 * VL));
          a2 = a2.lanewise(VectorOperators.XOR, mul(x, tables, t + 4 * VL));
          a3 = a3.lanewise(VectorOperators.XOR, mul(x, tables, t + 6 * VL));
          t += 8 * VL;
        }
        a0.intoMemorySegment(o0, outOff + p, LE);
        a1.intoMemorySegment(o1, outOff + p, LE);
        a2.intoMemorySegment(o2, outOff + p, LE);
        a3.intoMemorySegment(o3, outOff + p, LE);
      }
    }

    private void group3(int base, int g, MemorySegment[] in, long inOff, MemorySegment[] out, long outOff,
        long from, long to) {
      MemorySegment o0 = out[g], o1 = out[g + 1], o2 = out[g + 2];
      for (long p = from; p < to; p += VL) {
        ByteVector a0 = ByteVector.zero(S), a1 = a0, a2 = a0;
        int t = base;
        for (int j = 0; j < inputs; j++) {
          ByteVector x = ByteVector.fromMemorySegment(S, in[j], inOff + p, LE);
          a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
          a1 = a1.lanewise(VectorOperators.XOR, mul(x, tables, t + 2 * VL));
          a2 = a2.lanewise(VectorOperators.XOR, mul(x, tables, t + 4 * VL));
          t += 6 * VL;
        }
        a0.intoMemorySegment(o0, outOff + p, LE);
        a1.intoMemorySegment(o1, outOff + p, LE);
        a2.intoMemorySegment(o2, outOff + p, LE);
      }
    }

    private void group2(int base, int g, MemorySegment[] in, long inOff, MemorySegment[] out, long outOff,
        long from, long to) {
      MemorySegment o0 = out[g], o1 = out[g + 1];
      for (long p = from; p < to; p += VL) {
        ByteVector a0 = ByteVector.zero(S), a1 = a0;
        int t = base;
        for (int j = 0; j < inputs; j++) {
          ByteVector x = ByteVector.fromMemorySegment(S, in[j], inOff + p, LE);
          a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
          a1 = a1.lanewise(VectorOperators.XOR, mul(x, tables, t + 2 * VL));
          t += 4 * VL;
        }
        a0.intoMemorySegment(o0, outOff + p, LE);
        a1.intoMemorySegment(o1, outOff + p, LE);
      }
    }

    /**
     * One output (a single lost shard, the common reconstruct): four positions per iteration, so each
     * pair of table vectors serves 256 bytes and four independent accumulator chains keep the permute
     * unit busy.
     */
    private void group1(int base, int g, MemorySegment[] in, long inOff, MemorySegment[] out, long outOff,
        long from, long to) {
      MemorySegment o0 = out[g];
      long p = from;
      for (; p + 4 * VL <= to; p += 4 * VL) {
        ByteVector a = ByteVector.zero(S), b = a, c = a, d = a;
        int t = base;
        for (int j = 0; j < inputs; j++) {
          MemorySegment src = in[j];
          ByteVector tl = ByteVector.fromArray(S, tables, t);
          ByteVector th = ByteVector.fromArray(S, tables, t + VL);
          ByteVector x0 = ByteVector.fromMemorySegment(S, src, inOff + p, LE);
          ByteVector x1 = ByteVector.fromMemorySegment(S, src, inOff + p + VL, LE);
          ByteVector x2 = ByteVector.fromMemorySegment(S, src, inOff + p + 2 * VL, LE);
          ByteVector x3 = ByteVector.fromMemorySegment(S, src, inOff + p + 3 * VL, LE);
          a = a.lanewise(VectorOperators.XOR, x0.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x0).selectFrom(th));
          b = b.lanewise(VectorOperators.XOR, x1.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x1).selectFrom(th));
          c = c.lanewise(VectorOperators.XOR, x2.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x2).selectFrom(th));
          d = d.lanewise(VectorOperators.XOR, x3.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x3).selectFrom(th));
          t += 2 * VL;
        }
        a.intoMemorySegment(o0, outOff + p, LE);
        b.intoMemorySegment(o0, outOff + p + VL, LE);
        c.intoMemorySegment(o0, outOff + p + 2 * VL, LE);
        d.intoMemorySegment(o0, outOff + p + 3 * VL, LE);
      }
      for (; p < to; p += VL) {
        ByteVector a0 = ByteVector.zero(S);
        int t = base;
        for (int j = 0; j < inputs; j++) {
          ByteVector x = ByteVector.fromMemorySegment(S, in[j], inOff + p, LE);
          a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
          t += 2 * VL;
        }
        a0.intoMemorySegment(o0, outOff + p, LE);
      }
    }
  }
}
