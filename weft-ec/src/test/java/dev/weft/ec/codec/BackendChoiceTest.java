package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.ScalarKernel;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendChoiceTest {
  /** The scalar kernel made slower by a sleep in every run: a candidate that must lose. */
  private static final GfKernel SLOW = new GfKernel() {
    @Override
    public String name() {
      return "slow";
    }

    @Override
    public Program compile(byte[][] coefficients) {
      Program inner = ScalarKernel.INSTANCE.compile(coefficients);
      return new Program() {
        @Override
        public int inputs() {
          return inner.inputs();
        }

        @Override
        public int outputs() {
          return inner.outputs();
        }

        @Override
        public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inner.run(in, inOff, out, outOff, len);
        }
      };
    }
  };

  @Test
  void raceIsBoundedPicksTheFasterAndReportsBoth() {
    long t0 = System.nanoTime();
    BackendChoice choice = BackendChoice.race(List.of(SLOW, ScalarKernel.INSTANCE), 20_000_000L);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertSame(ScalarKernel.INSTANCE, choice.kernel());
    assertTrue(choice.reason().contains("slow") && choice.reason().contains("java-scalar"), choice.reason());
    // One round at least (200 ms of sleep plus one scalar run), then the budget stops it.
    assertTrue(ms < 2_000, "race took " + ms + " ms");
    assertTrue(choice.reason().contains("best of 1 runs"), choice.reason());
  }

  @Test
  void autoIsCachedAndExplained() {
    BackendChoice a = Backend.AUTO.choose();
    assertSame(a, Backend.AUTO.choose());
    assertTrue(a.reason().startsWith("auto: "), a.reason());
  }
}
