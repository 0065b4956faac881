package dev.weft.bench.ec;

import dev.weft.ec.codec.ParallelCoder;
import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

/**
 * A diagnostic, not a bench row: where does a 2-thread 10+4 encode lose time? Times {@code ParallelCoder}
 * at 1 and 2 threads in alternating batches in one JVM (wall and process CPU), then times single jobs,
 * alternating: one thread; two threads with fixed halves (the round-2 split, rebuilt here by hand, with
 * when the pool thread starts and how long each half takes); two threads through {@code ParallelCoder}
 * (claimed chunks). Run: {@code java --add-modules jdk.incubator.vector -cp weft-bench/target/weft-bench.jar
 * dev.weft.bench.ec.EcScalingProbe [shard_bytes] [rounds]}.
 */
public final class EcScalingProbe {
  private EcScalingProbe() {}

  public static void main(String[] args) throws Exception {
    int len = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
    int k = 10;
    int m = 4;
    ReedSolomon rs = ReedSolomon.create(k, m);
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean();
    try (Arena arena = Arena.ofShared(); TaskPool p1 = TaskPool.create(1); TaskPool p2 = TaskPool.create(2)) {
      MemorySegment[] shards = new MemorySegment[k + m];
      Random rnd = new Random(1);
      byte[] noise = new byte[len];
      for (int i = 0; i < shards.length; i++) {
        shards[i] = arena.allocate(len, 64);
        rnd.nextBytes(noise);
        MemorySegment.copy(MemorySegment.ofArray(noise), 0, shards[i], 0, len);
      }
      ParallelCoder c1 = new ParallelCoder(rs, p1);
      ParallelCoder c2 = new ParallelCoder(rs, p2);
      for (int w = 0; w < 3000; w++) {
        c1.encode(shards, 0, len);
        c2.encode(shards, 0, len);
      }
      double[][] r = new double[4][rounds];
      for (int i = 0; i < rounds; i++) {
        for (int t = 0; t < 2; t++) {
          ParallelCoder c = t == 0 ? c1 : c2;
          long ops = 0;
          long c0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          long now;
          do {
            c.encode(shards, 0, len);
            ops++;
          } while ((now = System.nanoTime()) - t0 < 250_000_000L);
          long cpu = os.getProcessCpuTime() - c0;
          r[2 * t][i] = (double) ops * k * len / (now - t0);
          r[2 * t + 1][i] = (double) ops * k * len / cpu;
        }
        System.out.printf("round %d: 1t %.2f (cpu %.2f)  2t %.2f (cpu %.2f)  ratio %.2f%n", i, r[0][i], r[1][i],
            r[2][i], r[3][i], r[2][i] / r[0][i]);
      }
      for (double[] a : r) {
        Arrays.sort(a);
      }
      System.out.printf("median: 1t %.2f (cpu %.2f)  2t %.2f (cpu %.2f)  ratio %.2f%n", r[0][rounds / 2],
          r[1][rounds / 2], r[2][rounds / 2], r[3][rounds / 2], r[2][rounds / 2] / r[0][rounds / 2]);

      // Job by job, the three ways to run one encode alternating: the caller alone; fixed halves (the
      // round-2 split, by hand: fork the second half, code the first, join); ParallelCoder at 2 threads
      // (claimed chunks). For the halves, also when the helper started and how long each half took.
      GfKernel.Program prog = rs.encoder();
      MemorySegment[] in = Arrays.copyOf(shards, k);
      MemorySegment[] out = Arrays.copyOfRange(shards, k, k + m);
      long half = (len / 2 + 63) / 64 * 64;
      int n = 3000;
      long[] single = new long[n];
      long[] halves = new long[n];
      long[] claims = new long[n];
      long[] wake = new long[n];
      long[] callerNs = new long[n];
      long[] forkNs = new long[n];
      long[] workerNs = new long[n];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        prog.run(in, 0, out, 0, len);
        single[i] = System.nanoTime() - t0;

        long[] ws = new long[2];
        t0 = System.nanoTime();
        try (Scope scope = p2.openScope()) {
          scope.fork(() -> {
            ws[0] = System.nanoTime();
            prog.run(in, half, out, half, len - half);
            ws[1] = System.nanoTime();
            return null;
          });
          // The fork wakes a parked pool thread; on this VM that system call holds the caller too.
          forkNs[i] = System.nanoTime() - t0;
          prog.run(in, 0, out, 0, half);
          long ce = System.nanoTime();
          scope.join();
          halves[i] = System.nanoTime() - t0;
          wake[i] = ws[0] - t0;
          callerNs[i] = ce - t0;
          workerNs[i] = ws[1] - ws[0];
        }

        t0 = System.nanoTime();
        c2.encode(shards, 0, len);
        claims[i] = System.nanoTime() - t0;
      }
      System.out.printf("per job (µs, median / p90): 1 thread %s; 2 threads, fixed halves %s; 2 threads, claims %s%n",
          pct(single), pct(halves), pct(claims));
      System.out.printf("speed-up of the medians: fixed halves %.2fx, claims %.2fx%n",
          median(single) / median(halves), median(single) / median(claims));
      System.out.printf("fixed halves in detail (µs, median / p90): fork returns to the caller after %s, helper "
          + "starts after %s, caller's half %s, helper's half %s%n", pct(forkNs), pct(wake), pct(callerNs), pct(workerNs));
    }
  }

  private static double median(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static String pct(long[] ns) {
    long[] s = ns.clone();
    Arrays.sort(s);
    return String.format("%.1f / %.1f", s[s.length / 2] / 1e3, s[s.length * 9 / 10] / 1e3);
  }
}
