package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelCoderTest {
  private static byte[][] data(int k, int m, int len) {
    Random rnd = new Random(42);
    byte[][] s = new byte[k + m][len];
    for (int i = 0; i < k; i++) {
      rnd.nextBytes(s[i]);
    }
    return s;
  }

  @Test
  void sameParityAndReconstructionAt1_2And8Threads() {
    int k = 10, m = 4, len = 300_001; // 3 MB of data: several stripes, odd tail
    byte[][] reference = data(k, m, len);
    ReedSolomon rs = ReedSolomon.create(k, m);
    rs.encode(reference, 0, len);
    for (int threads : new int[] {1, 2, 8}) {
      try (TaskPool pool = TaskPool.create(threads)) {
        ParallelCoder coder = new ParallelCoder(rs, pool);
        assertEquals(Math.min(threads, 11), coder.stripes(len));
        byte[][] shards = data(k, m, len);
        coder.encodeAsync(shards, 0, len).join();
        for (int i = 0; i < k + m; i++) {
          assertArrayEquals(reference[i], shards[i], "shard " + i + " at " + threads + " threads");
        }
        boolean[] present = new boolean[k + m];
        java.util.Arrays.fill(present, true);
        for (int lost : new int[] {0, 4, 9, 12}) {
          present[lost] = false;
          java.util.Arrays.fill(shards[lost], (byte) 0);
        }
        boolean[] wanted = new boolean[k + m];
        java.util.Arrays.fill(wanted, true);
        coder.reconstruct(shards, present, wanted, 0, len);
        for (int i = 0; i < k + m; i++) {
          assertArrayEquals(reference[i], shards[i], "rebuilt shard " + i + " at " + threads + " threads");
        }
      }
    }
  }

  /** A kernel whose stripes block until released and count how many are inside the kernel. */
  private static final class GatedKernel implements GfKernel {
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger maxInside = new AtomicInteger();
    final CountDownLatch entered;
    final CountDownLatch release = new CountDownLatch(1);

    GatedKernel(int expectedStripes) {
      entered = new CountDownLatch(expectedStripes);
    }

    @Override
    public String name() {
      return "gated";
    }

    @Override
    public Program compile(byte[][] c) {
      Program real = Kernels.bestJava().compile(c);
      return new Program() {
        public int inputs() {
          return real.inputs();
        }

        public int outputs() {
          return real.outputs();
        }

        public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
          maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
          entered.countDown();
          try {
            // Ignores interrupts on purpose, like a kernel in the middle of a vector loop: cancellation
            // must wait for it rather than return while it still writes into the caller's buffers.
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
            real.run(in, inOff, out, outOff, len);
          } finally {
            inside.decrementAndGet();
          }
        }
      };
    }
  }

  @Test
  void cancelWaitsForRunningStripesBeforeReturning() throws Exception {
    int k = 4, m = 2, len = 1 << 20;
    try (TaskPool pool = TaskPool.create(4)) {
      GatedKernel gate = new GatedKernel(3); // 4 workers: one runs the job, three more pick up stripes
      ReedSolomon rs = ReedSolomon.create(k, m, MatrixKind.CAUCHY, gate);
      ParallelCoder coder = new ParallelCoder(rs, pool);
      byte[][] shards = data(k, m, len);
      Task<Void> job = coder.encodeAsync(shards, 0, len);
      assertTrue(gate.entered.await(10, TimeUnit.SECONDS), "stripes started");
      job.cancel();
      // The stripes are still inside the kernel: the job must not report done yet.
      Thread.sleep(100);
      assertTrue(!job.isDone(), "cancelled job reported done while stripes still ran");
      Thread releaser = Thread.ofPlatform().start(() -> {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ignored) {
          // only delays the release
        }
        gate.release.countDown();
      });
      assertThrows(CancellationException.class, job::join);
      assertEquals(0, gate.inside.get(), "a stripe was still running when join() returned");
      releaser.join();
    }
  }

  @Test
  void callerCodesTheFirstRangeAndEachThreadGetsOneContiguousRange() {
    int k = 10, m = 4, len = 1 << 20; // 10 MiB of data: at 2 threads, two ranges of 512 KiB per shard
    java.util.List<long[]> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    GfKernel recording = new GfKernel() {
      public String name() {
        return "recording";
      }

      public Program compile(byte[][] c) {
        Program real = Kernels.bestJava().compile(c);
        return new Program() {
          public int inputs() {
            return real.inputs();
          }

          public int outputs() {
            return real.outputs();
          }

          public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long n) {
            ranges.add(new long[] {inOff, n});
            threads.add(Thread.currentThread());
            real.run(in, inOff, out, outOff, n);
          }
        };
      }
    };
    byte[][] reference = data(k, m, len);
    ReedSolomon.create(k, m).encode(reference, 0, len);
    try (TaskPool pool = TaskPool.create(2)) {
      ParallelCoder coder = new ParallelCoder(ReedSolomon.create(k, m, MatrixKind.CAUCHY, recording), pool);
      byte[][] shards = data(k, m, len);
      coder.encode(shards, 0, len);
      assertArrayEquals(reference, shards);
      ranges.sort(java.util.Comparator.comparingLong(r -> r[0]));
      assertEquals(2, ranges.size(), "one range per thread");
      assertArrayEquals(new long[] {0, len / 2}, ranges.get(0));
      assertArrayEquals(new long[] {len / 2, len / 2}, ranges.get(1));
      assertEquals(2, threads.size());
      assertTrue(threads.contains(Thread.currentThread()), "the caller codes a range instead of parking");
    }
  }

  @Test
  void jobsLimitCapsConcurrentJobs() throws Exception {
    int k = 2, m = 1, len = 4096; // one stripe per job
    java.util.Map<String, Long> limits = java.util.Map.of(ParallelCoder.JOBS_LIMIT, 1L);
    try (TaskPool pool = TaskPool.create(4, new dev.weft.runtime.limit.Limits(limits))) {
      GatedKernel gate = new GatedKernel(1);
      ParallelCoder coder = new ParallelCoder(ReedSolomon.create(k, m, MatrixKind.CAUCHY, gate), pool);
      Task<Void> a = coder.encodeAsync(data(k, m, len), 0, len);
      Task<Void> b = coder.encodeAsync(data(k, m, len), 0, len);
      assertTrue(gate.entered.await(10, TimeUnit.SECONDS));
      Thread.sleep(100);
      assertEquals(1, gate.inside.get(), "ec.jobs=1 must keep the second job waiting");
      gate.release.countDown();
      a.join();
      b.join();
      assertEquals(1, gate.maxInside.get());
    }
  }
}
