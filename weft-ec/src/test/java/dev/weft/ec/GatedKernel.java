package dev.weft.ec;

import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A kernel for cancellation tests: its first {@code gatedCalls} runs block inside the kernel until
 * {@link #release} opens, ignoring interrupts like a kernel in the middle of a vector loop (cancellation
 * must wait for it rather than return while it still writes into the caller's buffers), then run the
 * real Java kernel. Counts the runs inside and records what the real kernel threw after the release —
 * an IllegalStateException there means the buffers were freed under a running stripe.
 */
public final class GatedKernel implements GfKernel {
  public final AtomicInteger inside = new AtomicInteger();
  public final AtomicInteger maxInside = new AtomicInteger();
  public final CountDownLatch entered;
  public final CountDownLatch release = new CountDownLatch(1);
  public final AtomicReference<Throwable> afterRelease = new AtomicReference<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final int gatedCalls;

  /**
   * @param expectedEntries how many gated runs {@link #entered} waits for
   * @param gatedCalls how many runs (the first ones) are held at the gate; later runs go straight through
   */
  public GatedKernel(int expectedEntries, int gatedCalls) {
    this.entered = new CountDownLatch(expectedEntries);
    this.gatedCalls = gatedCalls;
  }

  @Override
  public String name() {
    return "gated";
  }

  @Override
  public Program compile(byte[][] coefficients) {
    Program real = Kernels.bestJava().compile(coefficients);
    return new Program() {
      @Override
      public int inputs() {
        return real.inputs();
      }

      @Override
      public int outputs() {
        return real.outputs();
      }

      @Override
      public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
        if (calls.getAndIncrement() >= gatedCalls) {
          real.run(in, inOff, out, outOff, len);
          return;
        }
        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        entered.countDown();
        try {
          boolean interrupted = false;
          while (true) {
            try {
              release.await();
              break;
            } catch (InterruptedException e) {
              interrupted = true;
            }
          }
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          try {
            real.run(in, inOff, out, outOff, len);
          } catch (RuntimeException | Error e) {
            afterRelease.set(e);
            throw e;
          }
        } finally {
          inside.decrementAndGet();
        }
      }
    };
  }
}
