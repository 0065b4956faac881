package dev.weft.ec.codec;

import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.isal.IsalKernel;
import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The kernel a {@link Backend} resolved to and why. For {@code auto} with ISA-L installed, the reason
 * carries the start-up race that picked it: both kernels encode the same small 10 + 4 stripe in native
 * memory, alternately, until a time budget of {@value #BUDGET_MS} ms is spent; the smaller best time
 * wins. The race runs once per JVM and is cached.
 *
 * <p>The race measures the kernels as this process has them at start-up: the Java kernel is not yet
 * compiled by C2 then, so short runs favour ISA-L, which is the right answer for a short command. The
 * figures are printed under {@code --debug} so the choice can be checked.
 */
public record BackendChoice(GfKernel kernel, String reason) {
  /** Upper bound on the race, so {@code auto} never delays a command noticeably. */
  public static final int BUDGET_MS = 20;
  /** The race's stripe: 10 + 4 shards of this many bytes (160 KiB of data). */
  static final int RACE_SHARD_BYTES = 16 * 1024;

  private static final class AutoHolder {
    static final BackendChoice AUTO = resolveAuto();
  }

  /** The cached {@code auto} choice. */
  static BackendChoice auto() {
    return AutoHolder.AUTO;
  }

  private static BackendChoice resolveAuto() {
    GfKernel java = Kernels.bestJava();
    var isal = IsalLibrary.get();
    if (isal.isEmpty()) {
      return new BackendChoice(java, "auto: ISA-L is not installed, using " + java.name());
    }
    return race(List.of(new IsalKernel(isal.get()), java), BUDGET_MS * 1_000_000L);
  }

  /**
   * Times each candidate encoding one 10 + 4 stripe, round-robin, until {@code budgetNanos} have passed
   * (every candidate runs at least once), and picks the smallest best time. Package-private for tests.
   */
  static BackendChoice race(List<GfKernel> candidates, long budgetNanos) {
    int k = 10;
    int m = 4;
    byte[][] parityRows = new byte[m][];
    var generator = MatrixKind.CAUCHY.generator(k, m);
    for (int i = 0; i < m; i++) {
      parityRows[i] = generator.row(k + i);
    }
    long[] best = new long[candidates.size()];
    Arrays.fill(best, Long.MAX_VALUE);
    int rounds = 0;
    long start = System.nanoTime();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment[] in = new MemorySegment[k];
      MemorySegment[] out = new MemorySegment[m];
      for (int j = 0; j < k; j++) {
        in[j] = arena.allocate(RACE_SHARD_BYTES, 64);
        for (int p = 0; p < RACE_SHARD_BYTES; p += 8) {
          in[j].set(ValueLayout.JAVA_LONG_UNALIGNED, p, (j + 1) * 0x9E3779B97F4A7C15L * (p + 1));
        }
      }
      for (int o = 0; o < m; o++) {
        out[o] = arena.allocate(RACE_SHARD_BYTES, 64);
      }
      List<GfKernel.Program> programs = new ArrayList<>();
      for (GfKernel c : candidates) {
        programs.add(c.compile(parityRows));
      }
      do {
        for (int c = 0; c < programs.size(); c++) {
          long t0 = System.nanoTime();
          programs.get(c).run(in, 0, out, 0, RACE_SHARD_BYTES);
          best[c] = Math.min(best[c], System.nanoTime() - t0);
        }
        rounds++;
      } while (System.nanoTime() - start < budgetNanos);
    }
    long spent = System.nanoTime() - start;
    int winner = 0;
    StringBuilder figures = new StringBuilder();
    for (int c = 0; c < best.length; c++) {
      if (best[c] < best[winner]) {
        winner = c;
      }
      double gbps = (double) k * RACE_SHARD_BYTES / best[c];
      figures.append(c == 0 ? "" : ", ").append(candidates.get(c).name())
          .append(String.format(Locale.ROOT, " %.2f GB/s", gbps));
    }
    return new BackendChoice(candidates.get(winner), String.format(Locale.ROOT,
        "auto: picked %s by a start-up race (%s; best of %d runs each on a 10+4 x %d KiB stripe, %.1f ms)",
        candidates.get(winner).name(), figures, rounds, RACE_SHARD_BYTES / 1024, spent / 1e6));
  }
}
