package dev.weft.ec.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The nibble kernel's native path (shards read at their addresses through one segment) computes what the
 * scalar oracle computes, touches nothing outside the range, and is taken only for segments the checked
 * path would accept; everything else takes the checked path and fails as FFM fails.
 */
class NativeShardsTest {
  private static final byte JUNK = (byte) 0xA5;

  @Property(tries = 80)
  void nativePathAgreesWithScalarAndStaysInRange(@ForAll @IntRange(min = 1, max = 21) int inputs,
      @ForAll @IntRange(min = 1, max = 11) int outputs, @ForAll @IntRange(min = 0, max = 9000) int len,
      @ForAll @IntRange(min = 0, max = 70) int inOff, @ForAll @IntRange(min = 0, max = 70) int outOff,
      @ForAll boolean heapInput, @ForAll long seed) {
    Random rnd = new Random(seed);
    byte[][] matrix = new byte[outputs][inputs];
    for (byte[] row : matrix) {
      rnd.nextBytes(row);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment[] heapIn = new MemorySegment[inputs];
      MemorySegment[] in = new MemorySegment[inputs];
      for (int j = 0; j < inputs; j++) {
        byte[] b = new byte[inOff + len];
        rnd.nextBytes(b);
        heapIn[j] = MemorySegment.ofArray(b);
        // One input on the heap sends the whole call down the checked path: it must agree all the same.
        in[j] = heapInput && j == inputs / 2 ? heapIn[j] : arena.allocate(b.length, 1).copyFrom(heapIn[j]);
      }
      MemorySegment[] expected = new MemorySegment[outputs];
      MemorySegment[] out = new MemorySegment[outputs];
      for (int o = 0; o < outputs; o++) {
        expected[o] = MemorySegment.ofArray(new byte[outOff + len + 5]).fill(JUNK);
        // Odd base addresses too: the native path must not assume aligned shards.
        out[o] = arena.allocate(outOff + len + 6, 1).asSlice(1).fill(JUNK);
      }
      ScalarKernel.INSTANCE.compile(matrix).run(heapIn, inOff, expected, outOff, len);
      NibbleVectorKernel.INSTANCE.compile(matrix).run(in, inOff, out, outOff, len);
      for (int o = 0; o < outputs; o++) {
        assertArrayEquals(expected[o].toArray(ValueLayout.JAVA_BYTE), out[o].toArray(ValueLayout.JAVA_BYTE),
            "output " + o);
      }
    }
  }

  /**
   * Every output-group loop of the native path (4, 3, 2, 1 outputs, and 4 + 1) with input counts that end
   * the two-inputs-per-iteration steps on an odd input (1, 3, 5, 17) or not (2, 10, 50), over a length that
   * runs each loop's wide step, its one-vector step and the scalar tail.
   */
  @Test
  void everyGroupAndInputCountAgreesWithScalar() {
    int len = 8 * NibbleVectorKernel.VL + 3 * NibbleVectorKernel.VL + 13;
    Random rnd = new Random(5);
    for (int inputs : new int[] {1, 2, 3, 5, 10, 17, 50}) {
      for (int outputs = 1; outputs <= 5; outputs++) {
        byte[][] matrix = new byte[outputs][inputs];
        for (byte[] row : matrix) {
          rnd.nextBytes(row);
        }
        try (Arena arena = Arena.ofConfined()) {
          MemorySegment[] in = new MemorySegment[inputs];
          for (int j = 0; j < inputs; j++) {
            byte[] b = new byte[len];
            rnd.nextBytes(b);
            in[j] = arena.allocate(len, 64).copyFrom(MemorySegment.ofArray(b));
          }
          MemorySegment[] expected = new MemorySegment[outputs];
          MemorySegment[] out = new MemorySegment[outputs];
          for (int o = 0; o < outputs; o++) {
            expected[o] = MemorySegment.ofArray(new byte[len]);
            out[o] = arena.allocate(len, 64).fill(JUNK);
          }
          ScalarKernel.INSTANCE.compile(matrix).run(in, 0, expected, 0, len);
          NibbleVectorKernel.INSTANCE.compile(matrix).run(in, 0, out, 0, len);
          for (int o = 0; o < outputs; o++) {
            assertArrayEquals(expected[o].toArray(ValueLayout.JAVA_BYTE), out[o].toArray(ValueLayout.JAVA_BYTE),
                inputs + " inputs, " + outputs + " outputs, output " + o);
          }
        }
      }
    }
  }

  @Test
  void allMemorySegmentIsAvailableWhenNativeAccessIsEnabled() {
    // The build runs tests with --enable-native-access=ALL-UNNAMED, as the launcher runs weft.
    assertTrue(NativeShards.class.getModule().isNativeAccessEnabled());
    assertNotNull(NativeShards.ALL);
  }

  @Test
  void onlySegmentsTheCheckedPathWouldAcceptAreTaken() throws Exception {
    try (Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
      MemorySegment[] in = {shared.allocate(256), shared.allocate(256)};
      MemorySegment[] out = {shared.allocate(256)};
      assertTrue(NativeShards.usable(in, 0, out, 0, 256));
      assertTrue(NativeShards.usable(in, 64, out, 0, 192));
      assertFalse(NativeShards.usable(in, 65, out, 0, 192), "input range past the end");
      assertFalse(NativeShards.usable(in, 0, out, 1, 256), "output range past the end");
      assertFalse(NativeShards.usable(in, -1, out, 0, 64), "negative offset");
      assertFalse(NativeShards.usable(new MemorySegment[] {in[0], MemorySegment.ofArray(new byte[256])}, 0, out, 0, 256),
          "heap input");
      assertFalse(NativeShards.usable(in, 0, new MemorySegment[] {out[0].asReadOnly()}, 0, 256), "read-only output");
      assertTrue(NativeShards.usable(new MemorySegment[] {in[0].asReadOnly()}, 0, out, 0, 256), "read-only input");
      MemorySegment mine = confined.allocate(256);
      assertTrue(NativeShards.usable(new MemorySegment[] {mine}, 0, out, 0, 256), "confined, on its owner");
      Boolean elsewhere = CompletableFuture.supplyAsync(
          () -> NativeShards.usable(new MemorySegment[] {mine}, 0, out, 0, 256)).get();
      assertFalse(elsewhere, "confined segment on another thread");
      MemorySegment closed;
      try (Arena gone = Arena.ofConfined()) {
        closed = gone.allocate(256);
      }
      assertFalse(NativeShards.usable(new MemorySegment[] {closed}, 0, out, 0, 256), "closed arena");
    }
  }

  @Test
  void segmentsNotTakenFailAsBefore() throws Exception {
    GfKernel.Program p = NibbleVectorKernel.INSTANCE.compile(new byte[][] {{3, 7}});
    try (Arena shared = Arena.ofShared(); Arena confined = Arena.ofConfined()) {
      MemorySegment[] in = {shared.allocate(256), shared.allocate(256)};
      MemorySegment[] out = {shared.allocate(256)};
      assertThrows(IndexOutOfBoundsException.class, () -> p.run(in, 64, out, 0, 256));
      assertThrows(UnsupportedOperationException.class,
          () -> p.run(in, 0, new MemorySegment[] {out[0].asReadOnly()}, 0, 256));
      MemorySegment[] mine = {confined.allocate(256), confined.allocate(256)};
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> CompletableFuture.runAsync(() -> p.run(mine, 0, out, 0, 256)).get());
      assertTrue(e.getCause() instanceof WrongThreadException, e.getCause().toString());
      MemorySegment[] closed;
      try (Arena gone = Arena.ofConfined()) {
        closed = new MemorySegment[] {gone.allocate(256), gone.allocate(256)};
      }
      assertThrows(IllegalStateException.class, () -> p.run(closed, 0, out, 0, 256));
    }
  }
}
