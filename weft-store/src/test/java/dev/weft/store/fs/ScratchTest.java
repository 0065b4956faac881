package dev.weft.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void scratchesInUseAtOnceNeverShareMemoryAndAGivenBackOneIsReused() {
    assumeTrue(Posix.available(), "no native access");
    try (Scratch a = Scratch.take(); Scratch b = Scratch.take()) {
      assertNotEquals(a.staging().address(), b.staging().address());
      assertEquals(0, a.staging().address() % DirectIo.ALIGN, "staging is block-aligned");
      assertEquals(DirectIo.CHUNK, a.staging().byteSize());
    }
    long reused;
    try (Scratch a = Scratch.take()) {
      reused = a.staging().address();
    }
    try (Scratch again = Scratch.take()) {
      assertEquals(reused, again.staging().address(), "the free list hands the last one back");
    }
  }

  @Test
  void cStringsAreTerminatedAndTheTwoSlotsAreIndependent() {
    assumeTrue(Posix.available(), "no native access");
    try (Scratch s = Scratch.take()) {
      MemorySegment dir = s.cString(0, "/repo/objects/ab");
      MemorySegment target = s.cString(1, "/repo/objects/ab/" + "é".repeat(40)); // non-ASCII: UTF-8 bytes
      assertEquals("/repo/objects/ab", dir.getString(0));
      assertEquals("/repo/objects/ab/" + "é".repeat(40), target.getString(0));
      assertEquals(17 + 80 + 1, target.byteSize());
      String longer = "x".repeat(10_000); // past any slot: still a correct C string
      MemorySegment big = s.cString(0, longer);
      assertEquals(longer, big.getString(0));
      assertTrue(target.getString(0).endsWith("é"), "slot 1 untouched by slot 0's long string");
    }
  }
}
