package dev.weft.store.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.runtime.pool.TaskPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HashingReaderTest {
  private static MessageDigest sha256() throws Exception {
    return MessageDigest.getInstance("SHA-256");
  }

  /** Bytes out equal bytes in and the digest equals a plain SHA-256 of them, whatever the chunking, read sizes and pool. */
  @Property(tries = 60)
  void readsEveryByteInOrderAndHashesThem(@ForAll @IntRange(min = 0, max = 200_000) int size,
      @ForAll @IntRange(min = 1, max = 70_000) int chunk, @ForAll @IntRange(min = 2, max = 5) int chunks,
      @ForAll @IntRange(min = 0, max = 2) int threads, @ForAll boolean inScope, @ForAll long seed) throws Exception {
    byte[] data = new byte[size];
    Random r = new Random(seed);
    r.nextBytes(data);
    TaskPool pool = threads == 0 ? null : TaskPool.create(threads);
    // The import's way: hashing passes forked into a helper-limited scope, this thread holding one of the
    // permits (at 1 thread every pass runs on this thread).
    dev.weft.runtime.limit.NamedLimit limit = pool == null ? null : pool.limits().limit("test.threads", threads);
    dev.weft.runtime.limit.NamedLimit.Permit mine = inScope && pool != null ? limit.acquire() : null;
    dev.weft.runtime.pool.Scope scope = mine != null ? pool.openScope(limit) : null;
    try {
      HashingReader h = scope != null ? new HashingReader(new ByteArrayInputStream(data), sha256(), scope, chunk, chunks)
          : new HashingReader(new ByteArrayInputStream(data), sha256(), pool, chunk, chunks);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[1 + r.nextInt(9000)];
      // Stop part-way: digest() must read the rest itself.
      int stopAt = r.nextBoolean() ? size : r.nextInt(size + 1);
      while (out.size() < stopAt) {
        int n = r.nextInt(4) == 0 ? single(h, buf) : h.read(buf, 0, 1 + r.nextInt(buf.length));
        if (n < 0) {
          break;
        }
        out.write(buf, 0, n);
      }
      byte[] got = h.digest();
      assertArrayEquals(java.util.Arrays.copyOf(data, out.size()), out.toByteArray());
      assertArrayEquals(sha256().digest(data), got);
      assertEquals(size, h.count());
      assertEquals(-1, h.read());
    } finally {
      if (scope != null) {
        scope.close();
        mine.close();
        assertEquals(0, limit.metrics().inUse(), "helper permits came back");
      }
      if (pool != null) {
        pool.close();
      }
    }
  }

  private static int single(InputStream in, byte[] buf) throws IOException {
    int b = in.read();
    if (b < 0) {
      return -1;
    }
    buf[0] = (byte) b;
    return 1;
  }

  /** With the pool's only worker busy the reader hashes queued chunks itself instead of waiting for it. */
  @Test
  void neverWaitsForABusyPool() throws Exception {
    byte[] data = new byte[5_000_000];
    new Random(7).nextBytes(data);
    CountDownLatch release = new CountDownLatch(1);
    try (TaskPool pool = TaskPool.create(1)) {
      pool.submit(() -> {
        release.await();
        return null;
      });
      HashingReader h = new HashingReader(new ByteArrayInputStream(data), sha256(), pool, 4096, 3);
      byte[] all = h.readAllBytes();
      byte[] got = h.digest();
      release.countDown();
      assertArrayEquals(data, all);
      assertArrayEquals(sha256().digest(data), got);
    }
  }

  @Test
  void aFailingSourceFailsTheRead() throws Exception {
    InputStream broken = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (n++ > 10_000) {
          throw new IOException("disk on fire");
        }
        return 1;
      }
    };
    try (TaskPool pool = TaskPool.create(2)) {
      HashingReader h = new HashingReader(broken, sha256(), pool, 1024, 2);
      IOException e = assertThrows(IOException.class, h::readAllBytes);
      assertEquals("disk on fire", e.getMessage());
      // The bytes of the chunk being filled are lost to the digest, so no digest is given afterwards.
      IOException later = assertThrows(IOException.class, h::digest);
      assertEquals(e, later.getCause());
      assertThrows(IOException.class, h::read);
    }
  }
}
