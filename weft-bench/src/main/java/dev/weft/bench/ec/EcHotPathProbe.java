package dev.weft.bench.ec;

import dev.weft.ec.codec.ParallelCoder;
import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.pool.TaskPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * A diagnostic, not a bench row: why does {@code weft bench ec}'s 10+4 / 1 MiB / hot / 1-thread encode row
 * show less than the same kernel timed alone? Measures that operation (through {@code ParallelCoder} with
 * a 1-thread pool, native shards, as the bench does) in GB per CPU-second of this thread, first in a clean
 * JVM, then again after each thing the bench does in the same JVM before or between its rows: a heap
 * {@code byte[]} encode (the bench's parity check against Hadoop), reconstructs (2- and 1-output groups),
 * 2-thread chunks, 50+20 and 64 KiB shapes. A drop after a step names the step that costs the row.
 * Run: {@code java --add-modules jdk.incubator.vector -cp weft-bench/target/weft-bench.jar
 * dev.weft.bench.ec.EcHotPathProbe [steps]} with steps a comma list of {@code heap,rec,2t,50,64k,cold}
 * (default all, in the bench's order); add {@code -XX:+PrintCompilation} to see recompilations. The step
 * {@code rates} instead reports the cold encode (8 shard sets, more than L3) and the hot reconstructs of 1
 * and 2 shards, for A/B runs of kernel changes.
 */
public final class EcHotPathProbe {
  private static final int LEN = 1 << 20;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private EcHotPathProbe() {}

  public static void main(String[] args) throws Exception {
    String[] steps = (args.length > 0 ? args[0] : "heap,rec,2t,50,64k").split(",");
    try (Arena arena = Arena.ofShared(); TaskPool p1 = TaskPool.create(1); TaskPool p2 = TaskPool.create(2)) {
      ReedSolomon rs = ReedSolomon.create(10, 4, MatrixKind.CAUCHY, Kernels.bestJava());
      MemorySegment[] set = shards(arena, 14, LEN);
      ParallelCoder c1 = new ParallelCoder(rs, p1);
      Runnable hot = () -> c1.encode(set, 0, LEN);
      report("clean", hot);
      for (String step : steps) {
        switch (step) {
          case "heap" -> {
            // As EcBenchArea.checkParityAgainstHadoop: byte[] shards through the same kernel.
            byte[][] b = new byte[14][4096];
            for (int i = 0; i < 200; i++) {
              rs.encode(b, 0, 4096);
            }
          }
          case "rec" -> {
            for (int lost : new int[] {1, 2, 3, 4}) {
              boolean[] wanted = firstLost(lost);
              boolean[] present = present(wanted);
              repeat(() -> c1.reconstruct(set, present, wanted, 0, LEN), 0.5);
            }
          }
          case "2t" -> {
            ParallelCoder c2 = new ParallelCoder(rs, p2);
            repeat(() -> c2.encode(set, 0, LEN), 0.5);
          }
          case "50" -> {
            ReedSolomon big = ReedSolomon.create(50, 20, MatrixKind.CAUCHY, Kernels.bestJava());
            MemorySegment[] s70 = shards(arena, 70, LEN);
            ParallelCoder cb = new ParallelCoder(big, p1);
            repeat(() -> cb.encode(s70, 0, LEN), 0.5);
          }
          case "64k" -> {
            MemorySegment[] small = shards(arena, 14, 64 << 10);
            repeat(() -> c1.encode(small, 0, 64 << 10), 0.5);
          }
          case "cold" -> {
            MemorySegment[][] sets = new MemorySegment[8][];
            for (int i = 0; i < sets.length; i++) {
              sets[i] = shards(arena, 14, LEN);
            }
            int[] n = {0};
            repeat(() -> c1.encode(sets[n[0]++ % sets.length], 0, LEN), 0.5);
          }
          case "rates" -> {
            // Not a pollution step: the rates of the other 1 MiB rows the kernel work touches, so a kernel
            // change can be judged on them too (cold encode over 8 sets > L3; reconstruct of 1 and 2 shards
            // = the 1- and 2-output groups).
            MemorySegment[][] sets = new MemorySegment[8][];
            for (int i = 0; i < sets.length; i++) {
              sets[i] = shards(arena, 14, LEN);
            }
            int[] n = {0};
            report("cold encode", () -> c1.encode(sets[n[0]++ % sets.length], 0, LEN));
            for (int lost : new int[] {1, 2}) {
              boolean[] wanted = firstLost(lost);
              boolean[] present = present(wanted);
              report("rec lost " + lost, () -> c1.reconstruct(set, present, wanted, 0, LEN));
            }
          }
          default -> throw new IllegalArgumentException("unknown step " + step);
        }
        report("after " + step, hot);
      }
    }
  }

  /** Shards 0..lost−1 of 14 lost (and wanted back), as the bench's reconstruct rows. */
  private static boolean[] firstLost(int lost) {
    boolean[] wanted = new boolean[14];
    Arrays.fill(wanted, 0, lost, true);
    return wanted;
  }

  private static boolean[] present(boolean[] lost) {
    boolean[] present = new boolean[lost.length];
    for (int i = 0; i < lost.length; i++) {
      present[i] = !lost[i];
    }
    return present;
  }

  private static MemorySegment[] shards(Arena arena, int n, int len) {
    Random rnd = new Random(n);
    byte[] noise = new byte[len];
    MemorySegment[] s = new MemorySegment[n];
    for (int i = 0; i < n; i++) {
      s[i] = arena.allocate(len, 64);
      rnd.nextBytes(noise);
      MemorySegment.copy(MemorySegment.ofArray(noise), 0, s[i], 0, len);
    }
    return s;
  }

  private static void repeat(Runnable op, double seconds) {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    do {
      op.run();
    } while (System.nanoTime() < end);
  }

  /** Warms for 1 s, then prints the median and range of 9 rounds of 0.2 CPU-s of this thread. */
  private static void report(String label, Runnable op) {
    repeat(op, 1.0);
    double[] r = new double[9];
    for (int i = 0; i < r.length; i++) {
      long ops = 0;
      long c0 = THREADS.getCurrentThreadCpuTime();
      long c;
      do {
        op.run();
        ops++;
      } while ((c = THREADS.getCurrentThreadCpuTime() - c0) < 200_000_000L);
      r[i] = (double) ops * 10 * LEN / c;
    }
    Arrays.sort(r);
    System.out.printf("%-12s %.2f GB/CPU-s (%.2f-%.2f)%n", label, r[4], r[0], r[8]);
  }
}
