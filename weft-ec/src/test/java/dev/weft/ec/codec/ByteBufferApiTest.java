package dev.weft.ec.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.Kernels;
import dev.weft.runtime.pool.TaskPool;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ByteBuffer overloads code [position + off, position + off + len) in place, like the byte[] ones. */
class ByteBufferApiTest {
  private static final int K = 6;
  private static final int M = 3;
  private static final int LEN = 5000;
  private static final int POS = 13;
  private static final int OFF = 7;

  /** Buffers holding the shard bytes at position POS + OFF, with junk before and after. */
  private static ByteBuffer[] buffers(byte[][] shards, boolean direct, Random rnd) {
    ByteBuffer[] out = new ByteBuffer[shards.length];
    for (int i = 0; i < shards.length; i++) {
      int cap = POS + OFF + LEN + 11;
      ByteBuffer b = direct ? ByteBuffer.allocateDirect(cap) : ByteBuffer.allocate(cap);
      byte[] junk = new byte[cap];
      rnd.nextBytes(junk);
      b.put(junk).clear();
      b.put(POS + OFF, shards[i]);
      out[i] = b.position(POS).limit(POS + OFF + LEN + 5);
    }
    return out;
  }

  private static byte[] shard(ByteBuffer b) {
    byte[] out = new byte[LEN];
    b.get(POS + OFF, out);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"heap-cauchy", "direct-cauchy", "heap-vandermonde", "direct-vandermonde"})
  void encodeVerifyReconstructOnBuffers(String variant) {
    boolean direct = variant.startsWith("direct");
    MatrixKind kind = variant.endsWith("cauchy") ? MatrixKind.CAUCHY : MatrixKind.VANDERMONDE;
    ReedSolomon rs = ReedSolomon.create(K, M, kind, Kernels.bestJava());
    Random rnd = new Random(42);
    byte[][] expected = new byte[K + M][LEN];
    for (int i = 0; i < K; i++) {
      rnd.nextBytes(expected[i]);
    }
    ByteBuffer[] bufs = buffers(expected, direct, rnd);
    byte[] before = new byte[POS + OFF];
    bufs[K].get(0, before);
    rs.encode(expected, 0, LEN);

    rs.encode(bufs, OFF, LEN);
    for (int i = 0; i < K + M; i++) {
      assertArrayEquals(expected[i], shard(bufs[i]), "shard " + i);
      assertEquals(POS, bufs[i].position(), "position unchanged");
      assertEquals(POS + OFF + LEN + 5, bufs[i].limit(), "limit unchanged");
    }
    byte[] after = new byte[POS + OFF];
    bufs[K].get(0, after);
    assertArrayEquals(before, after, "nothing written before the range");
    assertTrue(rs.verify(bufs, OFF, LEN));

    boolean[] present = {true, false, true, true, false, true, true, false, true};
    for (int i = 0; i < K + M; i++) {
      if (!present[i]) {
        bufs[i].put(POS + OFF, new byte[LEN]);
      }
    }
    assertFalse(rs.verify(bufs, OFF, LEN));
    rs.reconstructData(bufs, present, OFF, LEN);
    assertArrayEquals(expected[1], shard(bufs[1]));
    assertArrayEquals(expected[4], shard(bufs[4]));
    assertArrayEquals(new byte[LEN], shard(bufs[7]), "reconstructData leaves parity alone");
    rs.reconstruct(bufs, present, OFF, LEN);
    for (int i = 0; i < K + M; i++) {
      assertArrayEquals(expected[i], shard(bufs[i]), "rebuilt shard " + i);
    }

    try (TaskPool pool = TaskPool.create(2)) {
      ParallelCoder coder = new ParallelCoder(rs, pool);
      bufs[K + 1].put(POS + OFF, new byte[LEN]);
      coder.encode(bufs, OFF, LEN);
      assertArrayEquals(expected[K + 1], shard(bufs[K + 1]));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void rangeBeyondTheLimitIsRefused(boolean direct) {
    ReedSolomon rs = ReedSolomon.create(K, M);
    ByteBuffer[] bufs = buffers(new byte[K + M][LEN], direct, new Random(1));
    assertThrows(IllegalArgumentException.class, () -> rs.encode(bufs, OFF, LEN + 6));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void readOnlyParityIsRefused(boolean direct) {
    ReedSolomon rs = ReedSolomon.create(K, M);
    ByteBuffer[] bufs = buffers(new byte[K + M][LEN], direct, new Random(1));
    bufs[K] = bufs[K].asReadOnlyBuffer();
    assertThrows(UnsupportedOperationException.class, () -> rs.encode(bufs, OFF, LEN));
  }
}
