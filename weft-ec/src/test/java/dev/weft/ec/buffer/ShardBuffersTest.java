package dev.weft.ec.buffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ec.buffer.ShardBuffers.Pages;
import dev.weft.ec.codec.ParallelCoder;
import dev.weft.ec.codec.ReedSolomon;
import dev.weft.runtime.pool.TaskPool;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardBuffersTest {
  private static final int K = 10;
  private static final int M = 4;
  private static final int UNIT = 1 << 20;

  @Test
  void theSelectedThpModeDecides() {
    assertTrue(HugePages.advisable("always [madvise] never\n"));
    assertTrue(HugePages.advisable("[always] madvise never\n"));
    assertFalse(HugePages.advisable("always madvise [never]\n"));
    assertFalse(HugePages.advisable(""));
  }

  @Test
  void hugeCellsAreAlignedZeroedDisjointAdvisedAndUnmappedOnClose() throws IOException {
    assumeTrue(ShardBuffers.hugePagesAvailable(), "no transparent huge pages on this machine");
    long huge = HugePages.size().orElseThrow();
    long first;
    try (Arena arena = Arena.ofShared()) {
      MemorySegment[] cells = ShardBuffers.allocate(arena, K + M, UNIT);
      first = cells[0].address();
      assertEquals(0, first % huge, "the region starts on a huge page");
      checkCells(cells, UNIT);
      for (int i = 1; i < cells.length; i++) {
        // Disjoint and staggered: the next cell starts past the previous one's end by the stagger.
        assertEquals(UNIT + ShardBuffers.STAGGER, cells[i].address() - cells[i - 1].address());
      }
      assertTrue(mapped(first), "mapped while the arena is open");
      assertEquals("1", smapsField(first, "THPeligible"), "the mapping is advised for huge pages");
      // "hg" is set by MADV_HUGEPAGE only (THPeligible alone is 1 for any large mapping in "always" mode);
      // "nh" on the partial last huge page keeps it on base pages in that mode.
      assertTrue(List.of(smapsField(first, "VmFlags").split(" ")).contains("hg"), "advised MADV_HUGEPAGE");
      long tail = first + (cells[K + M - 1].address() + UNIT - first & -huge);
      assertTrue(List.of(smapsField(tail, "VmFlags").split(" ")).contains("nh"), "tail advised MADV_NOHUGEPAGE");
    }
    assertFalse(mapped(first), "unmapped when the arena closes");
  }

  @Test
  void baseCellsAreAlignedAndZeroed() {
    try (Arena arena = Arena.ofConfined()) {
      checkCells(ShardBuffers.allocate(arena, K + M, UNIT, Pages.BASE), UNIT);
      // A region smaller than a huge page takes base pages even when huge ones are asked for.
      checkCells(ShardBuffers.allocate(arena, 3, 4097), 4097);
      MemorySegment[] empty = ShardBuffers.allocate(arena, 2, 0);
      assertEquals(0, empty[0].byteSize());
      assertEquals(0, ShardBuffers.allocate(arena, 0, UNIT).length);
    }
  }

  @Test
  void negativeCountOrSizeIsRefused() {
    try (Arena arena = Arena.ofConfined()) {
      assertThrows(IllegalArgumentException.class, () -> ShardBuffers.allocate(arena, -1, 10));
      assertThrows(IllegalArgumentException.class, () -> ShardBuffers.allocate(arena, 1, -10));
    }
  }

  @Test
  void encodeGivesTheSameParityOnEitherPagesAsOnHeapArrays() {
    int len = 3 * UNIT / 2 + 17; // 14 cells of 1.5 MiB: a huge region where available, an odd tail
    Random rnd = new Random(7);
    byte[][] heap = new byte[K + M][len];
    for (int i = 0; i < K; i++) {
      rnd.nextBytes(heap[i]);
    }
    ReedSolomon rs = ReedSolomon.create(K, M);
    rs.encode(heap, 0, len);
    try (Arena arena = Arena.ofShared(); TaskPool pool = TaskPool.create(2)) {
      ParallelCoder coder = new ParallelCoder(rs, pool);
      for (Pages pages : Pages.values()) {
        MemorySegment[] cells = ShardBuffers.allocate(arena, K + M, len, pages);
        for (int i = 0; i < K; i++) {
          MemorySegment.copy(MemorySegment.ofArray(heap[i]), 0, cells[i], 0, len);
        }
        coder.encode(cells, 0, len);
        for (int i = 0; i < K + M; i++) {
          assertArrayEquals(heap[i], cells[i].toArray(ValueLayout.JAVA_BYTE), pages + " shard " + i);
        }
      }
    }
  }

  private static void checkCells(MemorySegment[] cells, long size) {
    for (MemorySegment c : cells) {
      assertEquals(size, c.byteSize());
      assertEquals(0, c.address() % 64, "64-byte aligned");
      assertEquals(-1, c.mismatch(MemorySegment.ofArray(new byte[(int) size])), "zeroed");
      // Writable to the last byte.
      c.fill((byte) 0x5a);
    }
  }

  /** True when some mapping of this process in /proc/self/maps covers {@code address}. */
  private static boolean mapped(long address) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> covers(l, address));
  }

  /** A field of the /proc/self/smaps block of the mapping that covers {@code address}. */
  private static String smapsField(long address, String field) throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
    boolean inside = false;
    for (String l : lines) {
      char c = l.isEmpty() ? ' ' : l.charAt(0);
      // A mapping's header starts with its hex start address; its fields start with a capital letter.
      if (Character.isDigit(c) || (c >= 'a' && c <= 'f')) {
        inside = covers(l, address);
      } else if (inside && l.startsWith(field + ":")) {
        return l.substring(field.length() + 1).strip();
      }
    }
    return "";
  }

  private static boolean covers(String mapsLine, long address) {
    int dash = mapsLine.indexOf('-');
    int space = mapsLine.indexOf(' ');
    if (dash <= 0 || space < dash) {
      return false;
    }
    try {
      long start = Long.parseUnsignedLong(mapsLine.substring(0, dash), 16);
      long end = Long.parseUnsignedLong(mapsLine.substring(dash + 1, space), 16);
      return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
