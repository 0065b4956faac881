package dev.weft.bench.ec;

import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: m = 1 codes on the calling thread, hot cache, 1 MiB shards — the XOR fast path against the table
 * kernel. {@code matrix=xor} (parity row all ones) and {@code vandermonde} with k = 15 (its first parity
 * row is all ones when k = 2^n - 1) run on the XOR kernel; {@code cauchy} and {@code vandermonde} with
 * k = 10 run on the nibble kernel. {@code encode} computes the parity, {@code rebuild} one lost data
 * shard. GB/s of data = k × 1 MiB / (ns per op). Run with
 * {@code java --add-modules jdk.incubator.vector -cp weft-bench/target/weft-bench.jar org.openjdk.jmh.Main XorJmh}.
 *
 * <p>On a shared machine wall-clock JMH scores mostly measure how much CPU the fork got, so {@link #main}
 * also measures the same operations in GB of data per CPU-second of the measuring thread (ThreadMXBean),
 * median of 7 repetitions after a warm-up:
 * {@code java --add-modules jdk.incubator.vector -cp weft-bench/target/weft-bench.jar dev.weft.bench.ec.XorJmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class XorJmh {
  static final int SHARD_BYTES = 1 << 20;

  @Param({"xor", "cauchy", "vandermonde"})
  public String matrix;

  @Param({"10", "15"})
  public int k;

  private Arena arena;
  private MemorySegment[] shards;
  private GfKernel.Program encoder;
  private GfKernel.Program rebuild;
  private MemorySegment[] rebuildIn;
  private MemorySegment[] rebuildOut;

  @Setup(Level.Trial)
  public void setup() {
    MatrixKind kind = switch (matrix) {
      case "xor" -> MatrixKind.XOR;
      case "cauchy" -> MatrixKind.CAUCHY;
      default -> MatrixKind.VANDERMONDE;
    };
    ReedSolomon rs = ReedSolomon.create(k, 1, kind, Kernels.bestJava());
    arena = Arena.ofShared();
    shards = new MemorySegment[k + 1];
    Random rnd = new Random(1);
    byte[] noise = new byte[SHARD_BYTES];
    for (int i = 0; i <= k; i++) {
      shards[i] = arena.allocate(SHARD_BYTES, 64);
      rnd.nextBytes(noise);
      MemorySegment.copy(MemorySegment.ofArray(noise), 0, shards[i], 0, SHARD_BYTES);
    }
    encoder = rs.encoder();
    boolean[] present = new boolean[k + 1];
    Arrays.fill(present, true);
    present[0] = false;
    boolean[] wanted = new boolean[k + 1];
    wanted[0] = true;
    ReedSolomon.DecodePlan plan = rs.plan(present, wanted);
    rebuild = plan.program();
    rebuildIn = new MemorySegment[plan.sources().length];
    for (int i = 0; i < rebuildIn.length; i++) {
      rebuildIn[i] = shards[plan.sources()[i]];
    }
    rebuildOut = new MemorySegment[] {arena.allocate(SHARD_BYTES, 64)};
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  /**
   * The CPU-time harness: one line per (op, k, matrix) with GB of data per CPU-second. With the argument
   * {@code mixed}: Vandermonde encodes whose first parity row only is all ones (k = 2^n − 1, m > 1), run
   * split (that row by XOR, the others by the table kernel) against the table kernel alone.
   */
  public static void main(String[] args) {
    var mx = java.lang.management.ManagementFactory.getThreadMXBean();
    if (args.length > 0 && args[0].equals("mixed")) {
      mixed(mx);
      return;
    }
    for (String op : new String[] {"encode", "rebuild"}) {
      for (int k : new int[] {10, 15}) {
        for (String matrix : new String[] {"xor", "cauchy", "vandermonde"}) {
          XorJmh b = new XorJmh();
          b.matrix = matrix;
          b.k = k;
          b.setup();
          Runnable r = op.equals("encode") ? b::encode : b::rebuild;
          for (int i = 0; i < 400; i++) {
            r.run();
          }
          double[] gbps = new double[7];
          for (int rep = 0; rep < gbps.length; rep++) {
            int ops = 60;
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
              r.run();
            }
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            gbps[rep] = (double) k * SHARD_BYTES * ops / cpu;
          }
          Arrays.sort(gbps);
          System.out.printf(java.util.Locale.ROOT,
              "{\"bench\":\"ec-xor\",\"op\":\"%s\",\"k\":%d,\"m\":1,\"matrix\":\"%s\",\"kernel\":\"%s\","
                  + "\"shard_bytes\":%d,\"cpu_gbps_median\":%.2f,\"cpu_gbps_min\":%.2f,\"cpu_gbps_max\":%.2f}%n",
              op, k, matrix, kernelOf(op.equals("encode") ? b.encoder : b.rebuild), SHARD_BYTES, gbps[3], gbps[0],
              gbps[6]);
          b.tearDown();
        }
      }
    }
  }

  private static void mixed(java.lang.management.ThreadMXBean mx) {
    for (int[] km : new int[][] {{7, 3}, {15, 4}}) {
      int k = km[0];
      int m = km[1];
      var g = MatrixKind.VANDERMONDE.generator(k, m);
      byte[][] rows = new byte[m][];
      for (int i = 0; i < m; i++) {
        rows[i] = g.row(k + i);
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment[] in = new MemorySegment[k];
        MemorySegment[] out = new MemorySegment[m];
        Random rnd = new Random(2);
        byte[] noise = new byte[SHARD_BYTES];
        for (int j = 0; j < k; j++) {
          in[j] = arena.allocate(SHARD_BYTES, 64);
          rnd.nextBytes(noise);
          MemorySegment.copy(MemorySegment.ofArray(noise), 0, in[j], 0, SHARD_BYTES);
        }
        for (int o = 0; o < m; o++) {
          out[o] = arena.allocate(SHARD_BYTES, 64);
        }
        GfKernel table = Kernels.bestJava();
        for (String variant : new String[] {"table", "split", "table", "split"}) {
          GfKernel.Program p = variant.equals("split")
              ? dev.weft.ec.kernel.Kernels.withFastPath(table, rows) : table.compile(rows);
          for (int i = 0; i < 200; i++) {
            p.run(in, 0, out, 0, SHARD_BYTES);
          }
          double[] gbps = new double[7];
          for (int rep = 0; rep < gbps.length; rep++) {
            int ops = 30;
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < ops; i++) {
              p.run(in, 0, out, 0, SHARD_BYTES);
            }
            gbps[rep] = (double) k * SHARD_BYTES * ops / (mx.getCurrentThreadCpuTime() - c0);
          }
          Arrays.sort(gbps);
          System.out.printf(java.util.Locale.ROOT,
              "{\"bench\":\"ec-xor-mixed\",\"op\":\"encode\",\"k\":%d,\"m\":%d,\"matrix\":\"vandermonde\","
                  + "\"variant\":\"%s\",\"shard_bytes\":%d,\"cpu_gbps_median\":%.2f,\"cpu_gbps_min\":%.2f,"
                  + "\"cpu_gbps_max\":%.2f}%n", k, m, variant, SHARD_BYTES, gbps[3], gbps[0], gbps[6]);
        }
      }
    }
  }

  private static String kernelOf(GfKernel.Program p) {
    return p.getClass().getEnclosingClass() == dev.weft.ec.kernel.XorKernel.class ? "xor" : "table";
  }

  @Benchmark
  public MemorySegment encode() {
    encoder.run(Arrays.copyOf(shards, k), 0, new MemorySegment[] {shards[k]}, 0, SHARD_BYTES);
    return shards[k];
  }

  @Benchmark
  public MemorySegment rebuild() {
    rebuild.run(rebuildIn, 0, rebuildOut, 0, SHARD_BYTES);
    return rebuildOut[0];
  }
}
