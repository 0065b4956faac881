package dev.weft.store.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
  void aScratchGivenBackTwiceIsRefused() {
    assumeTrue(Posix.available(), "no native access");
    Scratch s = Scratch.take();
    s.close();
    assertThrows(IllegalStateException.class, s::close);
    try (Scratch again = Scratch.take()) {
      assertNotNull(again.staging());
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
      String full = "y".repeat(4095); // the longest string a 4 KiB slot holds with its NUL
      MemorySegment fits = s.cString(0, full);
      assertEquals(full, fits.getString(0));
      assertEquals("/repo/objects/ab/" + "é".repeat(40), target.getString(0), "slot 1 untouched by a full slot 0");
      String longer = "x".repeat(10_000); // past any slot: still a correct C string
      assertEquals(longer, s.cString(1, longer).getString(0));
    }
  }
}
