package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.GatedKernel;
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

  @Test
  void cancelWaitsForRunningStripesBeforeReturning() throws Exception {
    int k = 4, m = 2, len = 1 << 20;
    try (TaskPool pool = TaskPool.create(4)) {
      GatedKernel gate = new GatedKernel(3, Integer.MAX_VALUE); // 4 workers: one runs the job, three more pick up stripes
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
  void confinedShardsAreCodedOnTheCallerOrRefusedByTheAsyncForms() {
    int k = 4, m = 2, len = 1 << 20; // 4 MiB of data: split across both threads for shared shards
    byte[][] reference = data(k, m, len);
    ReedSolomon rs = ReedSolomon.create(k, m);
    rs.encode(reference, 0, len);
    try (TaskPool pool = TaskPool.create(2); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      ParallelCoder coder = new ParallelCoder(rs, pool);
      assertEquals(2, coder.stripes(len), "a shared job of this size is split");
      MemorySegment[] shards = new MemorySegment[k + m];
      for (int i = 0; i < k + m; i++) {
        shards[i] = arena.allocate(len, 64);
        if (i < k) {
          MemorySegment.copy(MemorySegment.ofArray(reference[i]), 0, shards[i], 0, len);
        }
      }
      coder.encode(shards, 0, len);
      for (int i = k; i < k + m; i++) {
        assertArrayEquals(reference[i], shards[i].toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "parity " + i);
      }
      assertThrows(IllegalArgumentException.class, () -> coder.encodeAsync(shards, 0, 4096));
      assertThrows(IllegalArgumentException.class,
          () -> coder.reconstructAsync(shards, new boolean[k + m], new boolean[k + m], 0, 4096));
    }
  }

  /** A kernel that records every range it codes and the thread that coded it. */
  private static final class RecordingKernel implements GfKernel {
    final java.util.List<long[]> ranges = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final java.util.Map<Thread, Integer> threads = new java.util.concurrent.ConcurrentHashMap<>();

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
          threads.merge(Thread.currentThread(), 1, Integer::sum);
          real.run(in, inOff, out, outOff, n);
        }
      };
    }
  }

  @Test
  void chunksArePageAlignedDisjointAndCoverTheJob() {
    int k = 10, m = 4, off = 4096 * 3 + 5, len = (1 << 20) + 12_345; // odd offset and tail
    byte[][] reference = data(k, m, off + len);
    ReedSolomon.create(k, m).encode(reference, off, len);
    RecordingKernel recording = new RecordingKernel();
    try (TaskPool pool = TaskPool.create(2)) {
      ParallelCoder coder = new ParallelCoder(ReedSolomon.create(k, m, MatrixKind.CAUCHY, recording), pool);
      byte[][] shards = data(k, m, off + len);
      coder.encode(shards, off, len);
      assertArrayEquals(reference, shards);
      long chunk = coder.chunkLength(len, 2);
      assertEquals(0, chunk % 4096, "chunks are whole pages");
      java.util.List<long[]> ranges = new java.util.ArrayList<>(recording.ranges);
      ranges.sort(java.util.Comparator.comparingLong(r -> r[0]));
      assertEquals((len + chunk - 1) / chunk, ranges.size(), "each chunk coded exactly once");
      long at = off;
      for (long[] r : ranges) {
        assertEquals(at, r[0], "ranges are contiguous and disjoint");
        at += r[1];
      }
      assertEquals(off + len, at, "ranges cover the job");
      assertTrue(ranges.size() >= 2 * 4, "several claims per thread, got " + ranges.size());
      // Which thread codes which chunk is up to the scheduler (on a loaded machine the woken helper can
      // take every chunk before the caller runs again); aJobDoesNotWaitForAHelperThatCannotStart checks the
      // caller's part.
    }
  }

  @Test
  void aJobDoesNotWaitForAHelperThatCannotStart() throws Exception {
    int k = 10, m = 4, len = 1 << 20; // two threads' worth of work
    byte[][] reference = data(k, m, len);
    ReedSolomon.create(k, m).encode(reference, 0, len);
    RecordingKernel recording = new RecordingKernel();
    try (TaskPool pool = TaskPool.create(2)) {
      // Both pool threads are busy elsewhere: the job's helper stays queued behind them.
      CountDownLatch busy = new CountDownLatch(2);
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < 2; i++) {
        pool.submit(() -> {
          busy.countDown();
          release.await();
          return null;
        });
      }
      assertTrue(busy.await(10, TimeUnit.SECONDS));
      ParallelCoder coder = new ParallelCoder(ReedSolomon.create(k, m, MatrixKind.CAUCHY, recording), pool);
      assertEquals(2, coder.stripes(len));
      byte[][] shards = data(k, m, len);
      Thread caller = Thread.ofPlatform().start(() -> coder.encode(shards, 0, len));
      // A job that waits for its queued helper never finishes before the release below, so the bound only
      // has to cover the caller coding 10 MiB alone on a loaded machine.
      caller.join(60_000);
      boolean finishedAlone = !caller.isAlive();
      release.countDown();
      caller.join();
      assertTrue(finishedAlone, "the job waited for a pool thread that was busy elsewhere");
      assertArrayEquals(reference, shards);
      assertEquals(java.util.Set.of(caller), recording.threads.keySet(), "the caller coded every chunk");
    }
  }

  @Test
  void jobsLimitCapsConcurrentJobs() throws Exception {
    int k = 2, m = 1, len = 4096; // one stripe per job
    java.util.Map<String, Long> limits = java.util.Map.of(ParallelCoder.JOBS_LIMIT, 1L);
    try (TaskPool pool = TaskPool.create(4, new dev.weft.runtime.limit.Limits(limits))) {
      GatedKernel gate = new GatedKernel(1, Integer.MAX_VALUE);
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
