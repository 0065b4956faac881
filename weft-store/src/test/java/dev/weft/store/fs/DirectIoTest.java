package dev.weft.store.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large objects written with {@code O_DIRECT} are byte for byte what a buffered write gives, whatever their
 * size's remainder modulo the block (the last block is padded, then cut off), on every thread.
 */
class DirectIoTest {
  @TempDir
  Path dir;

  private final boolean wasEnabled = DirectIo.enabled();

  @AfterEach
  void restore() {
    DirectIo.enable(wasEnabled);
  }

  private static final int[] SIZES = {
      (int) DirectIo.MIN_BYTES - 1, (int) DirectIo.MIN_BYTES, (int) DirectIo.MIN_BYTES + 1,
      (int) DirectIo.MIN_BYTES + DirectIo.ALIGN - 1, DirectIo.CHUNK * 2, DirectIo.CHUNK * 2 + 4097,
      3 * DirectIo.CHUNK + 123};

  @Test
  void unnamedFilesWrittenDirectlyHoldExactlyTheirBytes() throws Exception {
    assumeTrue(TmpfileWriter.supported(dir), "no O_TMPFILE here");
    Random rnd = new Random(9);
    for (int size : SIZES) {
      byte[] data = new byte[size + 20];
      rnd.nextBytes(data);
      Path direct = Files.createDirectories(dir.resolve("direct"));
      Path buffered = Files.createDirectories(dir.resolve("buffered"));
      DirectIo.enable(true);
      assertTrue(TmpfileWriter.writeNew(direct, "f" + size, data, 7, size));
      DirectIo.enable(false);
      assertTrue(TmpfileWriter.writeNew(buffered, "f" + size, data, 7, size));
      byte[] want = java.util.Arrays.copyOfRange(data, 7, 7 + size);
      assertArrayEquals(want, Files.readAllBytes(direct.resolve("f" + size)), "direct, " + size + " bytes");
      assertArrayEquals(want, Files.readAllBytes(buffered.resolve("f" + size)), "buffered, " + size + " bytes");
    }
  }

  @Test
  void aFileWrittenInPiecesFromSeveralThreadsAndOutOfOrderIsExact() throws Exception {
    int piece = 2 * DirectIo.CHUNK; // aligned, as the splitter's pieces are
    int size = 5 * piece + 777;
    byte[] data = new byte[size];
    new Random(3).nextBytes(data);
    for (boolean on : new boolean[] {true, false}) {
      DirectIo.enable(on);
      Path file = Files.createFile(dir.resolve("pieces-" + on));
      DirectIo.Output out = DirectIo.open(file, size);
      if (on) {
        assertTrue(out.direct() || !DirectIo.enabled(), "direct unless this file system refused it");
      }
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i * piece < size; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(on ? 1 : 2));
      ExecutorService threads = Executors.newFixedThreadPool(3);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int i : order) {
          done.add(threads.submit(() -> {
            int at = i * piece;
            byte[] copy = java.util.Arrays.copyOfRange(data, at, Math.min(size, at + piece));
            out.write(copy, 0, copy.length, at);
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        threads.shutdown();
      }
      out.finish(size);
      assertEquals(size, Files.size(file));
      assertArrayEquals(data, Files.readAllBytes(file), on ? "direct" : "buffered");
    }
  }

  @Test
  void smallFilesStayBuffered() throws IOException {
    DirectIo.enable(true);
    Path file = Files.createFile(dir.resolve("small"));
    try (DirectIo.Output out = DirectIo.open(file, DirectIo.MIN_BYTES - 1)) {
      assertTrue(!out.direct());
    }
  }
}
