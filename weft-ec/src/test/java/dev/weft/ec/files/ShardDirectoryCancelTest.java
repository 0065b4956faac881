package dev.weft.ec.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.GatedKernel;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling an encode in the middle of a stripe: the encode throws CancellationException only after the
 * stripe being coded has finished with its buffers (the arena is still open while it runs), and leaves
 * nothing behind — no temporaries, no shards, no OUTDIR or parents it created.
 */
class ShardDirectoryCancelTest {
  @TempDir
  Path tmp;

  private static Path input(Path dir) throws Exception {
    byte[] b = new byte[200_000]; // 4 × 4096 bytes per stripe: 13 stripes
    new Random(3).nextBytes(b);
    return Files.write(dir.resolve("in"), b);
  }

  /** Encodes on another thread, interrupts it while the first stripe is inside the kernel; returns what it threw. */
  private static Throwable cancelMidStripe(Path input, Path out, GatedKernel gate) throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    try (TaskPool pool = TaskPool.create(2)) {
      Thread encoder = Thread.ofPlatform().start(() -> {
        try {
          ShardDirectory.encode(input, out, new ShardDirectory.EncodeOptions(4, 2, 4096, MatrixKind.CAUCHY, gate), pool,
              ProgressListener.NONE);
        } catch (Throwable e) {
          thrown.set(e);
        }
      });
      assertTrue(gate.entered.await(30, TimeUnit.SECONDS), "the first stripe reached the kernel");
      // Interrupt once the encoder waits for the stripe (not while it reads the next one from the file,
      // where an interrupt closes the channel instead), as Ctrl-C's cancel does to the command thread.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (encoder.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      encoder.interrupt();
      encoder.join(200);
      assertTrue(encoder.isAlive(), "encode returned while a stripe was still inside the kernel");
      assertEquals(1, gate.inside.get());
      gate.release.countDown();
      encoder.join(TimeUnit.SECONDS.toMillis(30));
      assertFalse(encoder.isAlive());
    }
    assertNull(gate.afterRelease.get(), "the stripe's buffers were freed while it still ran");
    return thrown.get();
  }

  @Test
  void aCancelMidStripeWaitsForTheStripeAndRemovesTheOutDirItCreated() throws Exception {
    Path out = tmp.resolve("shards");
    Throwable t = cancelMidStripe(input(tmp), out, new GatedKernel(1, 1));
    assertTrue(t instanceof CancellationException, "expected CancellationException, got " + t);
    assertFalse(Files.exists(out), "OUTDIR left behind");
  }

  @Test
  void aCancelMidStripeRemovesTheParentsItCreatedToo() throws Exception {
    Path out = tmp.resolve("a").resolve("b").resolve("shards");
    Throwable t = cancelMidStripe(input(tmp), out, new GatedKernel(1, 1));
    assertTrue(t instanceof CancellationException, "expected CancellationException, got " + t);
    assertFalse(Files.exists(tmp.resolve("a")), "created parents left behind");
    assertTrue(Files.exists(tmp), "a directory that existed before was removed");
  }

  @Test
  void aCancelMidStripeKeepsAnEmptyOutDirThatExisted() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("shards"));
    Throwable t = cancelMidStripe(input(tmp), out, new GatedKernel(1, 1));
    assertTrue(t instanceof CancellationException, "expected CancellationException, got " + t);
    try (var files = Files.list(out)) {
      assertEquals(List.of(), files.toList(), "temporaries left behind");
    }
  }

  @Test
  void anOutDirHoldingOtherFilesIsRefusedAndKept() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("shards"));
    Files.writeString(out.resolve("shard-00.bin"), "my precious");
    Files.writeString(out.resolve(".tmp-shard-01.bin"), "left by a killed encode");
    Path in = input(tmp);
    UsageException e;
    try (TaskPool pool = TaskPool.create(1)) {
      e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> ShardDirectory.encode(in, out,
          new ShardDirectory.EncodeOptions(2, 1, 4096, MatrixKind.CAUCHY, Kernels.bestJava()), pool, ProgressListener.NONE));
    }
    assertTrue(e.getMessage().contains("not empty") && e.getMessage().contains("shard-00.bin"), e.getMessage());
    assertEquals("my precious", Files.readString(out.resolve("shard-00.bin")));
  }

  @Test
  void anOutDirHoldingOnlyTemporariesOfAKilledEncodeIsResumed() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("shards"));
    Files.writeString(out.resolve(".tmp-shard-01.bin"), "left by a killed encode");
    try (TaskPool pool = TaskPool.create(1)) {
      ShardDirectory.encode(input(tmp), out, new ShardDirectory.EncodeOptions(2, 1, 4096, MatrixKind.CAUCHY,
          Kernels.bestJava()), pool, ProgressListener.NONE);
    }
    assertTrue(Files.exists(out.resolve(ShardManifest.FILE_NAME)));
    assertFalse(Files.exists(out.resolve(".tmp-shard-01.bin")));
  }
}
