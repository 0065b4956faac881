package dev.weft.store.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
      assertEquals(on && directHere(), out.direct());
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
      out.close();
      assertEquals(size, Files.size(file));
      assertArrayEquals(data, Files.readAllBytes(file), on ? "direct" : "buffered");
    }
  }

  @Test
  void smallFilesStayBuffered() throws IOException {
    DirectIo.enable(true);
    Path file = Files.createFile(dir.resolve("small"));
    try (DirectIo.Output out = DirectIo.open(file, DirectIo.MIN_BYTES - 1)) {
      assertFalse(out.direct());
    }
  }

  /**
   * The bytes really bypass the page cache: right after a direct write, none but the buffered tail's page
   * is resident (mincore, through {@code MappedByteBuffer.isLoaded}); a buffered file is all resident.
   */
  @Test
  void directlyWrittenObjectsAreNotInThePageCache() throws Exception {
    assumeTrue(TmpfileWriter.supported(dir) && directHere(), "no O_TMPFILE or no O_DIRECT here");
    byte[] data = new byte[3 * DirectIo.CHUNK + 123];
    new Random(5).nextBytes(data);
    DirectIo.enable(true);
    assertTrue(TmpfileWriter.writeNew(dir, "direct", data, 0, data.length));
    DirectIo.enable(false);
    assertTrue(TmpfileWriter.writeNew(dir, "buffered", data, 0, data.length));
    assertFalse(resident(dir.resolve("direct"), 0, 3 * DirectIo.CHUNK), "direct bytes not cached");
    assertTrue(resident(dir.resolve("buffered"), 0, 3 * DirectIo.CHUNK), "buffered bytes cached");
    assertArrayEquals(data, Files.readAllBytes(dir.resolve("direct")));
  }

  /**
   * A file system that takes O_DIRECT at open but refuses a write's alignment (simulated: a staging buffer one
   * byte off) gets the same bytes buffered, and direct writes are off from then on, with the reason.
   */
  @Test
  void aRefusedDirectWriteIsRetriedBufferedAndSwitchesDirectOff() throws Exception {
    assumeTrue(TmpfileWriter.supported(dir) && directHere(), "no O_TMPFILE or no O_DIRECT here");
    byte[] data = new byte[2 * DirectIo.CHUNK + 4097];
    new Random(6).nextBytes(data);
    try {
      DirectIo.misalignForTests = true;
      DirectIo.enable(true);
      assertTrue(TmpfileWriter.writeNew(dir, "refused", data, 0, data.length));
      assertFalse(DirectIo.enabled());
      assertTrue(DirectIo.describe().contains("refused"), DirectIo.describe());
      assertArrayEquals(data, Files.readAllBytes(dir.resolve("refused")));

      DirectIo.enable(true);
      Path file = Files.createFile(dir.resolve("refused-pieces"));
      try (DirectIo.Output out = DirectIo.open(file, data.length)) {
        assertTrue(out.direct());
        out.write(data, 0, data.length, 0);
        assertFalse(out.direct(), "the refused write cleared O_DIRECT on the descriptor");
      }
      assertFalse(DirectIo.enabled());
      assertArrayEquals(data, Files.readAllBytes(file));
    } finally {
      DirectIo.misalignForTests = false;
    }
  }

  /** Each layer's reader is a virtual thread: its writes stage through borrowed buffers too, same bytes. */
  @Test
  void writesFromAVirtualThreadAreExact() throws Exception {
    assumeTrue(TmpfileWriter.supported(dir), "no O_TMPFILE here");
    DirectIo.enable(true);
    byte[] data = new byte[DirectIo.CHUNK * 2 + 77];
    new Random(8).nextBytes(data);
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        TmpfileWriter.writeNew(dir, "v-big", data, 0, data.length);
        TmpfileWriter.writeNew(dir, "v-small", data, 5, 3000);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    t.join();
    assertArrayEquals(data, Files.readAllBytes(dir.resolve("v-big")));
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 5, 3005), Files.readAllBytes(dir.resolve("v-small")));
  }

  /** Whether this test's file system takes O_DIRECT (ext4 and xfs do; tmpfs since Linux 6.6). */
  private boolean directHere() throws IOException {
    String type = Files.getFileStore(dir).type();
    return type.equals("ext4") || type.equals("xfs");
  }

  private static boolean resident(Path file, long from, long length) throws IOException {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      return ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, from, length).isLoaded();
    }
  }
}
