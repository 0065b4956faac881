package dev.weft.ec.codec;

import dev.weft.ec.isal.IsalKernel;
import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;

/**
 * The kernel a {@link Backend} resolved to and why, for {@code --debug} and reports.
 *
 * <p>{@code auto} follows a documented rule — ISA-L when it is installed, else the Java kernel — not a
 * start-up race. The rule is not the fastest choice everywhere (docs/ec.md, "Backends and threads"): in
 * the round-4 quiet-machine rows the Java kernel beat ISA-L in 15 of 16 hot encodes and ISA-L won 83 of
 * 128 reconstructs; for heap shards ({@code put}/{@code get} datasets) ISA-L, though it copies them
 * through native memory, took less CPU than the Java kernel's heap path (round 6, docs/bench/ec.md). A race was built and measured (docs/notes/ec.md, round 2): at start-up the Java Vector
 * kernel is interpreted, and its first 10 + 4 stripe of 64-byte shards alone took 72–330 ms, a 16 KiB
 * one 1.1–1.6 s, against 0.05–0.09 ms for ISA-L once loaded; so no race fits a 20 ms bound, every race
 * is won by ISA-L, and it would add that cost to every command.
 */
public record BackendChoice(GfKernel kernel, String reason) {
  private static final class AutoHolder {
    static final BackendChoice AUTO = resolveAuto();
  }

  /** The cached {@code auto} choice. */
  static BackendChoice auto() {
    return AutoHolder.AUTO;
  }

  private static BackendChoice resolveAuto() {
    var isal = IsalLibrary.get();
    if (isal.isEmpty()) {
      GfKernel java = Kernels.bestJava();
      return new BackendChoice(java, "auto: ISA-L is not installed (" + IsalLibrary.absentReason() + "), so " + java.name());
    }
    return new BackendChoice(new IsalKernel(isal.get()),
        "auto: ISA-L is installed (" + isal.get().file() + "); rule: ISA-L when installed, else java");
  }
}
