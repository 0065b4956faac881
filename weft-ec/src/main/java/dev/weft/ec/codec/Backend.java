package dev.weft.ec.codec;

import dev.weft.ec.isal.IsalKernel;
import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;

/**
 * Which kernel codes: {@code java} (the Vector API kernel, or scalar without the Vector API), {@code isal}
 * (ISA-L through FFM; an error if it is not installed) or {@code auto}.
 *
 * <p>{@code auto} is a documented rule: ISA-L when it is installed, else Java (why not a start-up race,
 * and where the rule is not the fastest: {@link BackendChoice}). Choosing per shape or operation is not
 * implemented.
 */
public enum Backend {
  AUTO, JAVA, ISAL;

  /** The kernel this backend stands for. */
  public GfKernel kernel() {
    return choose().kernel();
  }

  /**
   * The kernel and the reason it was chosen (for {@code auto}, the start-up race's figures).
   *
   * @throws IllegalStateException for {@code isal} when ISA-L is not installed
   */
  public BackendChoice choose() {
    return switch (this) {
      case JAVA -> new BackendChoice(Kernels.bestJava(), "java: requested");
      case ISAL -> new BackendChoice(new IsalKernel(IsalLibrary.get().orElseThrow(
          () -> new IllegalStateException(IsalLibrary.absentReason() + "; use --ec-backend java or auto"))),
          "isal: requested");
      case AUTO -> BackendChoice.auto();
    };
  }
}
