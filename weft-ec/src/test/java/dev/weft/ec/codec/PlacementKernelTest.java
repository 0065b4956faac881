package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.ScalarKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** auto's kernel runs native shards on the native-side kernel (ISA-L) and heap or mixed shards on Java. */
class PlacementKernelTest {
  /** The scalar kernel, counting the calls it runs. */
  private static final class Counting implements GfKernel {
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Program compile(byte[][] coefficients) {
      Program real = ScalarKernel.INSTANCE.compile(coefficients);
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
          runs.incrementAndGet();
          real.run(in, inOff, out, outOff, len);
        }
      };
    }
  }

  @Test
  void nativeShardsGoToTheNativeKernelHeapAndMixedOnesToTheHeapKernel() {
    Counting nat = new Counting();
    Counting heap = new Counting();
    ReedSolomon rs = ReedSolomon.create(3, 2, MatrixKind.CAUCHY, new PlacementKernel(nat, heap));
    ReedSolomon ref = ReedSolomon.create(3, 2, MatrixKind.CAUCHY, ScalarKernel.INSTANCE);
    byte[][] expected = new byte[5][1000];
    Random rnd = new Random(9);
    for (int i = 0; i < 3; i++) {
      rnd.nextBytes(expected[i]);
    }
    ref.encode(expected, 0, 1000);

    byte[][] onHeap = new byte[5][];
    for (int i = 0; i < 5; i++) {
      onHeap[i] = i < 3 ? expected[i].clone() : new byte[1000];
    }
    rs.encode(onHeap, 0, 1000);
    assertArrayEquals(expected[4], onHeap[4]);
    assertEquals(1, heap.runs.get());
    assertEquals(0, nat.runs.get());

    try (Arena arena = Arena.ofConfined()) {
      MemorySegment[] shards = new MemorySegment[5];
      for (int i = 0; i < 5; i++) {
        shards[i] = arena.allocate(1000);
        if (i < 3) {
          MemorySegment.copy(MemorySegment.ofArray(expected[i]), 0, shards[i], 0, 1000);
        }
      }
      rs.encode(shards, 0, 1000);
      assertArrayEquals(expected[3], shards[3].toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
      assertEquals(1, nat.runs.get());
      shards[0] = MemorySegment.ofArray(expected[0].clone()); // one heap shard: the heap kernel
      rs.encode(shards, 0, 1000);
      assertEquals(2, heap.runs.get());
      assertEquals(1, nat.runs.get());
    }
  }
}
