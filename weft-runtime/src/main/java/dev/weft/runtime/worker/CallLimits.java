package dev.weft.runtime.worker;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one worker call. The heap limit and the nice level are fixed when a worker JVM starts
 * ({@code nice -n K java -Xmx…}, K raising the starting thread's level to the asked one), so a worker serves only calls with the same pair; the timeout is per call
 * and counts from the moment the request is sent to a started worker (a cold start does not eat into it).
 *
 * @param timeout how long the function may run before its worker's whole process tree is killed
 * @param heapBytes the worker's maximum heap ({@code -Xmx}), at least 16 MiB
 * @param nice the worker's nice level, 0 (normal) to 19 (lowest priority); absolute, not added to weft's
 *     own, and a worker never runs at a higher priority than weft (a weft run at nice 10 gets workers at
 *     10 or more)
 */
public record CallLimits(Duration timeout, long heapBytes, int nice) {
  public static final long MIN_HEAP_BYTES = 16L << 20;

  public CallLimits {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("worker call timeout must be positive, got " + timeout);
    }
    if (heapBytes < MIN_HEAP_BYTES) {
      throw new IllegalArgumentException("worker heap must be at least 16 MiB, got " + heapBytes + " bytes");
    }
    if (nice < 0 || nice > 19) {
      throw new IllegalArgumentException("worker nice level must be 0..19, got " + nice);
    }
  }

  /** 60 s, 256 MiB of heap, nice 0. */
  public static CallLimits defaults() {
    return new CallLimits(Duration.ofSeconds(60), 256L << 20, 0);
  }

  public CallLimits withTimeout(Duration timeout) {
    return new CallLimits(timeout, heapBytes, nice);
  }

  public CallLimits withHeapBytes(long heapBytes) {
    return new CallLimits(timeout, heapBytes, nice);
  }

  public CallLimits withNice(int nice) {
    return new CallLimits(timeout, heapBytes, nice);
  }
}
