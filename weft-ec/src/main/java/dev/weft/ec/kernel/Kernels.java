package dev.weft.ec.kernel;

/** Picks the fastest pure-Java kernel this JVM can run. */
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
}
