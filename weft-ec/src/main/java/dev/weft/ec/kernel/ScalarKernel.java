package dev.weft.ec.kernel;

import dev.weft.ec.gf.Gf256;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The table-lookup kernel: one 256-entry product row per coefficient, a byte at a time. It is the
 * fallback when the Vector API is missing and the oracle the vector kernels are tested against, so it is
 * kept obviously correct rather than fast.
 */
public final class ScalarKernel implements GfKernel {
  public static final ScalarKernel INSTANCE = new ScalarKernel();

  private ScalarKernel() {}

  @Override
  public String name() {
    return "java-scalar";
  }

  @Override
  public Program compile(byte[][] coefficients) {
    int inputs = GfKernel.checkMatrix(coefficients);
    int outputs = coefficients.length;
    int[] rowOffsets = new int[outputs * inputs];
    for (int o = 0; o < outputs; o++) {
      for (int j = 0; j < inputs; j++) {
        rowOffsets[o * inputs + j] = Gf256.mulRowOffset(coefficients[o][j]);
      }
    }
    return new ScalarProgram(inputs, outputs, rowOffsets);
  }

  private record ScalarProgram(int inputs, int outputs, int[] rowOffsets) implements Program {
    @Override
    public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
      byte[] mul = Gf256.mulTable();
      for (int o = 0; o < outputs; o++) {
        MemorySegment dst = out[o];
        for (long p = 0; p < len; p++) {
          int acc = 0;
          for (int j = 0; j < inputs; j++) {
            int b = in[j].get(ValueLayout.JAVA_BYTE, inOff + p) & 0xFF;
            acc ^= mul[rowOffsets[o * inputs + j] + b];
          }
          dst.set(ValueLayout.JAVA_BYTE, outOff + p, (byte) acc);
        }
      }
    }
  }
}
