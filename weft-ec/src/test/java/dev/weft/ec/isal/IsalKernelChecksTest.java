package dev.weft.ec.isal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.gf.MatrixKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ISA-L backend passes native pointers, which skip every FFM check; it must do those checks itself and
 * throw what the Java kernels throw, before ISA-L writes through a read-only buffer or into freed memory.
 */
class IsalKernelChecksTest {
  private static final int K = 2;
  private static final int M = 1;
  private static final int LEN = 4096;
  private ReedSolomon rs;

  @BeforeEach
  void isal() {
    var lib = IsalLibrary.get();
    assumeTrue(lib.isPresent(), "ISA-L is not installed");
    rs = ReedSolomon.create(K, M, MatrixKind.CAUCHY, new IsalKernel(lib.get()));
  }

  private static MemorySegment[] shards(Arena arena) {
    MemorySegment[] s = new MemorySegment[K + M];
    for (int i = 0; i < s.length; i++) {
      s[i] = arena.allocate(LEN, 64);
      s[i].fill((byte) (i * 7 + 3));
    }
    return s;
  }

  @Test
  void readOnlyDirectParityIsRefusedAndLeftAlone() {
    ByteBuffer[] bufs = new ByteBuffer[K + M];
    for (int i = 0; i < bufs.length; i++) {
      bufs[i] = ByteBuffer.allocateDirect(LEN);
      bufs[i].put(0, new byte[LEN]).put(0, (byte) (14 + i));
    }
    byte[] before = new byte[LEN];
    bufs[K].get(0, before);
    bufs[K] = bufs[K].asReadOnlyBuffer();
    assertThrows(UnsupportedOperationException.class, () -> rs.encode(bufs, 0, LEN));
    byte[] after = new byte[LEN];
    bufs[K].get(0, after);
    assertArrayEquals(before, after, "the read-only parity was written");
  }

  @Test
  void segmentsOfAClosedArenaAreRefused() {
    Arena arena = Arena.ofConfined();
    MemorySegment[] s = shards(arena);
    arena.close();
    assertThrows(IllegalStateException.class, () -> rs.encode(s, 0, LEN));
  }

  @Test
  void anotherThreadsConfinedSegmentsAreRefused() throws Exception {
    AtomicReference<MemorySegment[]> theirs = new AtomicReference<>();
    try (Arena arena = Arena.ofConfined()) {
      theirs.set(shards(arena));
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread t = Thread.ofPlatform().start(() -> {
        try {
          rs.encode(theirs.get(), 0, LEN);
        } catch (Throwable e) {
          thrown.set(e);
        }
      });
      t.join();
      assertTrue(thrown.get() instanceof WrongThreadException, "expected WrongThreadException, got " + thrown.get());
    }
  }
}
