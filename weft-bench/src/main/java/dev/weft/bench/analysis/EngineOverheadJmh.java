package dev.weft.bench.analysis;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.runtime.pool.TaskPool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH, the second measurement of issue 6's "engine with one worker against a plain loop (≤ 5 %)": the
 * same values (20M doubles, 100 bins over [0, 1)) cut into {@code chunk}-value batches, settled by
 * {@link FillData}, filled by the dataframe engine on a one-thread pool and by a bare loop over the same
 * batch arrays ({@code plain}; {@code plainBigArray} is the bare loop over the values as one array). The
 * primary score is wall time per fill. Because the machine this was written on is shared (wall time there
 * mostly measures the other jobs), each benchmark also reports {@code cpuNsPerFill}: the CPU time of every
 * live thread of the fork (the same clock as the bench area's paired row) per fill over the iteration.
 * JMH sums such counters over the iterations in its summary line (so that line's {@code :cpuNsPerFill}
 * score divided by {@code Cnt} is the mean); the per-iteration values are in the JSON output
 * ({@code -rf json}, {@code secondaryMetrics.cpuNsPerFill.rawData}). JMH runs all forks of one benchmark
 * before the other's, minutes apart, so on a shared machine the bench area's paired row is the fairer
 * comparison; this one is the independent check for a quiet machine.
 * Run with {@code java -cp weft-bench/target/weft-bench.jar org.openjdk.jmh.Main EngineOverheadJmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class EngineOverheadJmh {
  static final int FILLS = 20_000_000;

  @Param({"65536"})
  public int chunk;

  private final RegularAxis axis = new RegularAxis(AnalysisBench.BINS, 0, 1, "x", "");
  private double[] values;
  private List<Batch> batches;
  private TaskPool pool;

  @Setup(Level.Trial)
  public void open() {
    FillData data = FillData.create(FILLS, chunk);
    values = data.values();
    batches = data.batches();
    pool = TaskPool.create(1);
  }

  @TearDown(Level.Trial)
  public void close() {
    pool.close();
  }

  /** CPU time of all threads per fill, over the current iteration (reset before each). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cpu {
    public double cpuNsPerFill;
    private long cpu;
    private long fills;

    @Setup(Level.Iteration)
    public void reset() {
      cpuNsPerFill = 0;
      cpu = 0;
      fills = 0;
    }

    /** Runs one fill and adds its process CPU time (every thread) to the iteration's total. */
    Histogram measure(java.util.function.Supplier<Histogram> fill) {
      long c0 = AnalysisBench.processCpuNanos();
      Histogram h = fill.get();
      cpu += AnalysisBench.processCpuNanos() - c0;
      fills += FILLS;
      cpuNsPerFill = cpu / (double) fills;
      return h;
    }
  }

  /** The plain loop over the engine's own batch arrays, in the engine's order: the same memory as the engine. */
  @Benchmark
  @OperationsPerInvocation(FILLS)
  public Histogram plain(Cpu cpu) {
    return cpu.measure(() -> AnalysisBench.plainBatches(batches, axis));
  }

  /** The plain loop over the values as one big array: the other copy of the data. */
  @Benchmark
  @OperationsPerInvocation(FILLS)
  public Histogram plainBigArray(Cpu cpu) {
    return cpu.measure(() -> AnalysisBench.plainFill(values, axis));
  }

  @Benchmark
  @OperationsPerInvocation(FILLS)
  public Histogram engine(Cpu cpu) {
    return cpu.measure(() -> {
      DataFrame df = DataFrame.fromBatches(batches, pool, FillMode.perThread());
      return df.histo1D("fill", "", axis, df.doubleColumn("E.x")).get();
    });
  }
}
