package dev.weft.ec.kernel;

/**
 * Picks the fastest pure-Java kernel this JVM can run. This class must not touch a Vector API type
 * (nor initialise a class that has one) before {@link #vectorApiAvailable()} said yes: without
 * {@code --add-modules jdk.incubator.vector} that throws NoClassDefFoundError, and the scalar kernel is
 * then the only one (a child-JVM test, {@code ScalarOnlyJvmTest}, runs weft that way).
 */
public final class Kernels {
  private Kernels() {}

  /** True when the {@code jdk.incubator.vector} module is present (the JVM was started with --add-modules). */
  public static boolean vectorApiAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * The default Java kernel: the nibble Vector API kernel when the Vector API is there, else the scalar
   * one. The nibble kernel is the default on every width because it beat the 7-bit kernel where both
   * run (docs/bench/ec.md).
   */
  public static GfKernel bestJava() {
    return vectorApiAvailable() ? NibbleVectorKernel.INSTANCE : ScalarKernel.INSTANCE;
  }

  /** A kernel by name: {@code scalar}, {@code nibble}, {@code 7bit}. */
  public static GfKernel byName(String name) {
    switch (name) {
      case "scalar":
        return ScalarKernel.INSTANCE;
      case "nibble":
        requireVector(name);
        return NibbleVectorKernel.INSTANCE;
      case "7bit":
        requireVector(name);
        if (!SevenBitVectorKernel.supported()) {
          throw new IllegalStateException("kernel 7bit needs 512-bit vectors");
        }
        return SevenBitVectorKernel.INSTANCE;
      default:
        throw new IllegalArgumentException("unknown kernel '" + name + "' (scalar, nibble, 7bit)");
    }
  }

  private static void requireVector(String name) {
    if (!vectorApiAvailable()) {
      throw new IllegalStateException("kernel " + name + " needs the Vector API (--add-modules jdk.incubator.vector)");
    }
  }

  /**
   * Compiles {@code coefficients} for the XOR kernel when every row is all ones, else for
   * {@code general}; always for {@code general} when that is the scalar oracle or the Vector API is
   * missing (then {@link XorKernel} is never loaded). A matrix with only some all-ones rows is not split:
   * running those rows separately reads the inputs a second time, and measured 10–25% slower per
   * CPU-second than the table kernel doing all rows in one pass (docs/bench/ec.md, Vandermonde 7 + 3 and
   * 15 + 4).
   */
  public static GfKernel.Program withFastPath(GfKernel general, byte[][] coefficients) {
    GfKernel.checkMatrix(coefficients);
    if (general != ScalarKernel.INSTANCE && vectorApiAvailable() && allOnes(coefficients)) {
      return XorKernel.INSTANCE.compile(coefficients);
    }
    return general.compile(coefficients);
  }

  /** True if every coefficient of every row is 1: the rows the XOR kernel can run. */
  public static boolean allOnes(byte[][] coefficients) {
    for (byte[] row : coefficients) {
      for (byte c : row) {
        if (c != 1) {
          return false;
        }
      }
    }
    return true;
  }
}
