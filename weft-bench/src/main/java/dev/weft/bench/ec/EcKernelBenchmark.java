package dev.weft.bench.ec;

import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.isal.IsalKernel;
import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * JMH: one encode of k data shards on the calling thread, per kernel (scalar, nibble, 7bit, isal), hot
 * cache. GB/s of data = k × shardBytes / (ns per op). Run with
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp weft-bench/target/weft-bench.jar org.openjdk.jmh.Main EcKernelBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class EcKernelBenchmark {
  @Param({"nibble", "7bit", "isal", "scalar"})
  public String kernel;

  @Param({"10:4", "50:20"})
  public String shape;

  @Param({"1048576", "65536"})
  public int shardBytes;

  private Arena arena;
  private MemorySegment[] shards;
  private ReedSolomon rs;

  @Setup(Level.Trial)
  public void setup() {
    String[] km = shape.split(":");
    int k = Integer.parseInt(km[0]);
    int m = Integer.parseInt(km[1]);
    GfKernel kern = kernel.equals("isal")
        ? new IsalKernel(IsalLibrary.get().orElseThrow(() -> new IllegalStateException("libisal not installed")))
        : Kernels.byName(kernel);
    rs = ReedSolomon.create(k, m, MatrixKind.CAUCHY, kern);
    arena = Arena.ofShared();
    shards = new MemorySegment[k + m];
    Random rnd = new Random(1);
    byte[] noise = new byte[shardBytes];
    for (int i = 0; i < k + m; i++) {
      shards[i] = arena.allocate(shardBytes, 64);
      rnd.nextBytes(noise);
      MemorySegment.copy(MemorySegment.ofArray(noise), 0, shards[i], 0, shardBytes);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public MemorySegment encode() {
    rs.encode(shards, 0, shardBytes);
    return shards[shards.length - 1];
  }
}
