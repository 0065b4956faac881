package dev.weft.ec.codec;

import dev.weft.ec.isal.IsalKernel;
import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;

/**
 * Which kernel codes: {@code java} (the Vector API kernel, or scalar without the Vector API), {@code isal}
 * (ISA-L through FFM; an error if it is not installed) or {@code auto}.
 *
 * <p>{@code auto} follows a documented rule rather than a start-up race, so runs are reproducible: ISA-L
 * when it is installed, else Java. In docs/bench/ec.md ISA-L was ahead per CPU-second for 10+4 encode
 * and most reconstructions, and behind for 50+20 encode (many parity outputs), so the rule favours the
 * common shapes; choosing per shape is not implemented.
 */
public enum Backend {
  AUTO, JAVA, ISAL;

  /** The kernel this backend stands for. */
  public GfKernel kernel() {
    return switch (this) {
      case JAVA -> Kernels.bestJava();
      case ISAL -> new IsalKernel(IsalLibrary.get().orElseThrow(
          () -> new IllegalStateException("ISA-L (libisal.so.2) is not installed; use --ec-backend java or auto")));
      case AUTO -> IsalLibrary.get().<GfKernel>map(IsalKernel::new).orElseGet(Kernels::bestJava);
    };
  }
}
