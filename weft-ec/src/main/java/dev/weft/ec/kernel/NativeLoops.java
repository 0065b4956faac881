package dev.weft.ec.kernel;

import static dev.weft.ec.kernel.NibbleVectorKernel.S;
import static dev.weft.ec.kernel.NibbleVectorKernel.VL;
import static dev.weft.ec.kernel.NibbleVectorKernel.highNibbles;
import static dev.weft.ec.kernel.NibbleVectorKernel.mul;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The nibble kernel's output-group loops over native shards given by address, every access through the
 * one constant segment {@link NativeShards#ALL}, so C2 folds or hoists its checks. Same loop shapes,
 * tables and order as the checked loops in {@link NibbleVectorKernel} (which carry the comments on why):
 * four outputs two positions (and two inputs) per iteration, three and two outputs one position, one
 * output four positions.
 * {@code ia[j] + p} is input j's byte p, {@code oa[o] + p} output o's; [from, to) is in whole vectors.
 */
final class NativeLoops {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  /** A constant, not a parameter, so C2 folds the segment's own checks away (measured: a parameter kept some). */
  private static final MemorySegment MEM = NativeShards.ALL;

  private NativeLoops() {}

  static void group4(byte[] tables, int inputs, int base, int g, long[] ia, long[] oa,
      long from, long to) {
    long o0 = oa[g], o1 = oa[g + 1], o2 = oa[g + 2], o3 = oa[g + 3];
    long p = from;
    for (; p + 2 * VL <= to; p += 2 * VL) {
      ByteVector a0 = ByteVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      ByteVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int t = base;
      int j = 0;
      // Two inputs per iteration: C2 does not unroll a loop body this large when its trip count (k) is a
      // run-time value, and the same loop with k a constant (which C2 unrolls fully) coded 1 MiB shards
      // ~25 % faster in the ceiling harness; by hand, two at a time got most of it (docs/bench/ec.md, Round 4).
      for (; j + 1 < inputs; j += 2) {
        long src = ia[j] + p;
        long src2 = ia[j + 1] + p;
        ByteVector xl = ByteVector.fromMemorySegment(S, MEM, src, LE);
        ByteVector yl = ByteVector.fromMemorySegment(S, MEM, src + VL, LE);
        ByteVector xl2 = ByteVector.fromMemorySegment(S, MEM, src2, LE);
        ByteVector yl2 = ByteVector.fromMemorySegment(S, MEM, src2 + VL, LE);
        {
        ByteVector xh = highNibbles(xl);
        ByteVector yh = highNibbles(yl);
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
        }
        t += 8 * VL;
        xl = xl2;
        yl = yl2;
        {
        ByteVector xh = highNibbles(xl);
        ByteVector yh = highNibbles(yl);
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
        }
        t += 8 * VL;
      }
      if (j < inputs) {
        long src = ia[j] + p;
        ByteVector xl = ByteVector.fromMemorySegment(S, MEM, src, LE);
        ByteVector yl = ByteVector.fromMemorySegment(S, MEM, src + VL, LE);
        ByteVector xh = highNibbles(xl);
        ByteVector yh = highNibbles(yl);
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
      }
      a0.intoMemorySegment(MEM, o0 + p, LE);
      a1.intoMemorySegment(MEM, o1 + p, LE);
      a2.intoMemorySegment(MEM, o2 + p, LE);
      a3.intoMemorySegment(MEM, o3 + p, LE);
      b0.intoMemorySegment(MEM, o0 + p + VL, LE);
      b1.intoMemorySegment(MEM, o1 + p + VL, LE);
      b2.intoMemorySegment(MEM, o2 + p + VL, LE);
      b3.intoMemorySegment(MEM, o3 + p + VL, LE);
    }
    for (; p < to; p += VL) {
      ByteVector a0 = ByteVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
      int t = base;
      for (int j = 0; j < inputs; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S, MEM, ia[j] + p, LE);
        a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
        a1 = a1.lanewise(VectorOperators.XOR, mul(x, tables, t + 2 * VL));
        a2 = a2.lanewise(VectorOperators.XOR, mul(x, tables, t + 4 * VL));
        a3 = a3.lanewise(VectorOperators.XOR, mul(x, tables, t + 6 * VL));
        t += 8 * VL;
      }
      a0.intoMemorySegment(MEM, o0 + p, LE);
      a1.intoMemorySegment(MEM, o1 + p, LE);
      a2.intoMemorySegment(MEM, o2 + p, LE);
      a3.intoMemorySegment(MEM, o3 + p, LE);
    }
  }

  static void group3(byte[] tables, int inputs, int base, int g, long[] ia, long[] oa,
      long from, long to) {
    long o0 = oa[g], o1 = oa[g + 1], o2 = oa[g + 2];
    for (long p = from; p < to; p += VL) {
      ByteVector a0 = ByteVector.zero(S), a1 = a0, a2 = a0;
      int t = base;
      for (int j = 0; j < inputs; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S, MEM, ia[j] + p, LE);
        a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
        a1 = a1.lanewise(VectorOperators.XOR, mul(x, tables, t + 2 * VL));
        a2 = a2.lanewise(VectorOperators.XOR, mul(x, tables, t + 4 * VL));
        t += 6 * VL;
      }
      a0.intoMemorySegment(MEM, o0 + p, LE);
      a1.intoMemorySegment(MEM, o1 + p, LE);
      a2.intoMemorySegment(MEM, o2 + p, LE);
    }
  }

  static void group2(byte[] tables, int inputs, int base, int g, long[] ia, long[] oa,
      long from, long to) {
    long o0 = oa[g], o1 = oa[g + 1];
    for (long p = from; p < to; p += VL) {
      ByteVector a0 = ByteVector.zero(S), a1 = a0;
      int t = base;
      for (int j = 0; j < inputs; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S, MEM, ia[j] + p, LE);
        a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
        a1 = a1.lanewise(VectorOperators.XOR, mul(x, tables, t + 2 * VL));
        t += 4 * VL;
      }
      a0.intoMemorySegment(MEM, o0 + p, LE);
      a1.intoMemorySegment(MEM, o1 + p, LE);
    }
  }

  static void group1(byte[] tables, int inputs, int base, int g, long[] ia, long[] oa,
      long from, long to) {
    long o0 = oa[g];
    long p = from;
    for (; p + 4 * VL <= to; p += 4 * VL) {
      ByteVector a = ByteVector.zero(S), b = a, c = a, d = a;
      int t = base;
      for (int j = 0; j < inputs; j++) {
        long src = ia[j] + p;
        ByteVector tl = ByteVector.fromArray(S, tables, t);
        ByteVector th = ByteVector.fromArray(S, tables, t + VL);
        ByteVector x0 = ByteVector.fromMemorySegment(S, MEM, src, LE);
        ByteVector x1 = ByteVector.fromMemorySegment(S, MEM, src + VL, LE);
        ByteVector x2 = ByteVector.fromMemorySegment(S, MEM, src + 2 * VL, LE);
        ByteVector x3 = ByteVector.fromMemorySegment(S, MEM, src + 3 * VL, LE);
        a = a.lanewise(VectorOperators.XOR, x0.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x0).selectFrom(th));
        b = b.lanewise(VectorOperators.XOR, x1.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x1).selectFrom(th));
        c = c.lanewise(VectorOperators.XOR, x2.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x2).selectFrom(th));
        d = d.lanewise(VectorOperators.XOR, x3.selectFrom(tl)).lanewise(VectorOperators.XOR, highNibbles(x3).selectFrom(th));
        t += 2 * VL;
      }
      a.intoMemorySegment(MEM, o0 + p, LE);
      b.intoMemorySegment(MEM, o0 + p + VL, LE);
      c.intoMemorySegment(MEM, o0 + p + 2 * VL, LE);
      d.intoMemorySegment(MEM, o0 + p + 3 * VL, LE);
    }
    for (; p < to; p += VL) {
      ByteVector a0 = ByteVector.zero(S);
      int t = base;
      for (int j = 0; j < inputs; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S, MEM, ia[j] + p, LE);
        a0 = a0.lanewise(VectorOperators.XOR, mul(x, tables, t));
        t += 2 * VL;
      }
      a0.intoMemorySegment(MEM, o0 + p, LE);
    }
  }
}
