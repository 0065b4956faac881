package dev.weft.bench.runtime;

import java.util.concurrent.TimeUnit;
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
 * JMH: submit a batch of {@value #BATCH} tasks and join them all, per pool, thread count and task size.
 * The score is time per task. Run with
 * {@code java -cp weft-bench/target/weft-bench.jar org.openjdk.jmh.Main SubmitJoinJmh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SubmitJoinJmh {
  static final int BATCH = 1000;

  @Param({"weft", "forkjoin", "threadpool"})
  public String impl;

  @Param({"1", "2"})
  public int threads;

  @Param({"0", "1000", "10000"})
  public long taskNanos;

  private Executors3 pool;

  @Setup(Level.Trial)
  public void open() {
    pool = Executors3.create(impl, threads);
  }

  @TearDown(Level.Trial)
  public void close() {
    pool.close();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long submitAndJoin() throws Exception {
    return pool.submitAndJoin(BATCH, taskNanos);
  }
}
