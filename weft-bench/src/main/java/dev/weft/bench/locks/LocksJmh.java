package dev.weft.bench.locks;

import dev.weft.analysis.lock.BargingLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The uncontended cost of one lock/unlock pair around a counter increment, per implementation. Each JMH
 * thread has its own locks ({@link Scope#Thread}), so nothing ever contends. Run with
 * {@code java -cp weft-bench/target/weft-bench.jar org.openjdk.jmh.Main LocksJmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LocksJmh {
  private final BargingLock weft = new BargingLock();
  private final ReentrantLock unfair = new ReentrantLock(false);
  private final ReentrantLock fair = new ReentrantLock(true);
  private final Object monitor = new Object();
  private long counter;

  @Benchmark
  public long weft() {
    weft.lock();
    try {
      return ++counter;
    } finally {
      weft.unlock();
    }
  }

  @Benchmark
  public long synchronizedBlock() {
    synchronized (monitor) {
      return ++counter;
    }
  }

  @Benchmark
  public long reentrantUnfair() {
    unfair.lock();
    try {
      return ++counter;
    } finally {
      unfair.unlock();
    }
  }

  @Benchmark
  public long reentrantFair() {
    fair.lock();
    try {
      return ++counter;
    } finally {
      fair.unlock();
    }
  }
}
