package dev.weft.store.gzip;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A gzip file inflated by ISA-L: headers and trailers are parsed here, each member's deflate data goes to
 * {@code isal_inflate}. Behaves as commons-compress's GzipCompressorInputStream with concatenated members
 * (the Java path): same bytes, the same files refused, and for damaged framing the same messages, which
 * {@code GunzipEquivalenceTest} holds it to.
 *
 * <p>Not thread-safe, like any stream: one thread reads it at a time. The native state and both buffers are
 * allocated once, in a shared arena this stream owns (so a close from another thread, such as a cancelling
 * one, frees them too), and freed by {@link #close()}, or earlier: at the end of the data, or when reading
 * fails (a failed stream keeps failing). Any read after close fails.
 * Every input byte is read once from {@code in}, in order (in pieces of up to 64 KiB, so a gzip file embedded
 * in a longer stream loses what follows it), so a digest under {@code in} sees each byte exactly once.
 */
final class IsalGzipInputStream extends InputStream {
  /** Compressed bytes handed to one call, and decompressed bytes produced by one call at most. */
  static final int IN_SIZE = 256 * 1024;
  static final int OUT_SIZE = 256 * 1024;
  /** Consumed bytes kept in front of new input: isal_inflate reads at most 8 bytes ahead. */
  private static final int HISTORY = 8;
  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;
  private static final int RESERVED = 0xe0;

  private enum Phase { DATA, TRAILER, END }

  private final IsalInflate isal;
  private final InputStream in;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment state;
  private final MemorySegment inBuf;
  private final MemorySegment outBuf;
  /** Staging for reads from {@code in} (streams read into arrays). */
  private final byte[] staging = new byte[64 * 1024];
  private int inPos;
  private int inLimit;
  private boolean inEnded;
  private int outPos;
  private int outLimit;
  /** Bytes inflated from the current member (ISIZE is this modulo 2^32). */
  private long memberSize;
  private Phase phase;
  private boolean closed;
  /** Why the stream failed, once it has: later reads fail with it (the native memory is freed by then). */
  private String failed;

  IsalGzipInputStream(IsalInflate isal, InputStream in) throws IOException {
    this.isal = isal;
    this.in = in;
    boolean ok = false;
    try {
      state = arena.allocate(IsalInflate.STATE_SIZE, 64);
      inBuf = arena.allocate(IN_SIZE, 64);
      outBuf = arena.allocate(OUT_SIZE, 64);
      // As the Java path: the first header is read when the stream is opened, and its errors come from here.
      int b0 = nextOrEnd();
      if (b0 != 0x1f || nextOrEnd() != 0x8b) {
        throw new IOException("Input is not in the .gz format.");
      }
      startMember();
      ok = true;
    } finally {
      if (!ok) {
        arena.close();
        closed = true;
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("Stream closed");
    }
    if (len == 0) {
      return 0;
    }
    while (outPos == outLimit) {
      if (phase == Phase.END) {
        return -1;
      }
      if (failed != null) {
        throw new IOException(failed);
      }
      try {
        step();
      } catch (IOException | RuntimeException e) {
        // nothing more can be read: free the native memory now, whether or not the owner closes this
        failed = e.getMessage() != null ? e.getMessage() : "unexpected end of data";
        outPos = 0; // a step that failed after publishing its output: none of it is readable any more
        outLimit = 0;
        arena.close();
        throw e;
      }
      if (phase == Phase.END) {
        arena.close(); // the last member checked: no more native calls
      }
    }
    int n = Math.min(len, outLimit - outPos);
    MemorySegment.copy(outBuf, ValueLayout.JAVA_BYTE, outPos, b, off, n);
    outPos += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return closed ? 0 : outLimit - outPos;
  }

  /** Whether the native state and buffers are still allocated (tests check that close and failures free them). */
  boolean nativeMemoryAlive() {
    return arena.scope().isAlive();
  }

  /** Frees the native memory and closes the input. Safe to call twice. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      try {
        if (arena.scope().isAlive()) {
          arena.close();
        }
      } finally {
        closed = true;
        in.close();
      }
    }
  }

  /** Inflates some data, or finishes a member (trailer, next header, or the end). */
  private void step() throws IOException {
    if (phase == Phase.TRAILER) {
      finishMember();
      return;
    }
    if (inPos == inLimit) {
      fill(); // at the end of the input isal_inflate may still finish from the bits it holds
    }
    state.set(ValueLayout.ADDRESS, IsalInflate.NEXT_IN, inBuf.asSlice(inPos));
    state.set(ValueLayout.JAVA_INT, IsalInflate.AVAIL_IN, inLimit - inPos);
    state.set(ValueLayout.ADDRESS, IsalInflate.NEXT_OUT, outBuf);
    state.set(ValueLayout.JAVA_INT, IsalInflate.AVAIL_OUT, OUT_SIZE);
    int rc = isal.inflate(state);
    if (rc < 0) {
      throw new IOException("Gzip-compressed data is corrupt.");
    }
    int before = inPos;
    inPos = (int) (state.get(ValueLayout.ADDRESS, IsalInflate.NEXT_IN).address() - inBuf.address());
    outPos = 0;
    outLimit = OUT_SIZE - state.get(ValueLayout.JAVA_INT, IsalInflate.AVAIL_OUT);
    memberSize += outLimit;
    if (state.get(ValueLayout.JAVA_INT, IsalInflate.BLOCK_STATE) == IsalInflate.BLOCK_FINISH) {
      inPos = (int) (IsalInflate.endOfData(state) - inBuf.address()); // the trailer follows
      phase = Phase.TRAILER;
    } else if (inPos == before && outLimit == 0 && !fill()) { // no progress: more input, or it is cut short
      throw new EOFException();
    }
  }

  /** Checks the trailer, then starts the next member, or ends when the input does. */
  private void finishMember() throws IOException {
    long crc = Integer.toUnsignedLong(state.get(ValueLayout.JAVA_INT, IsalInflate.CRC));
    if (littleEndian32() != crc) {
      throw new IOException("Gzip-compressed data is corrupt (CRC32 error).");
    }
    if (littleEndian32() != (memberSize & 0xffffffffL)) {
      throw new IOException("Gzip-compressed data is corrupt (uncompressed size mismatch).");
    }
    int b0 = nextOrEnd();
    if (b0 == -1) {
      phase = Phase.END;
      return;
    }
    if (b0 != 0x1f || nextOrEnd() != 0x8b) {
      throw new IOException("Unexpected data after a valid .gz stream.");
    }
    startMember();
  }

  /** Reads a member's header after its magic and resets the inflater for its data. */
  private void startMember() throws IOException {
    int method = next();
    if (method != 8) {
      throw new IOException("Unsupported compression method " + method + " in the .gz header");
    }
    int flags = next();
    if ((flags & RESERVED) != 0) {
      throw new IOException("Reserved flags are set in the .gz header.");
    }
    for (int i = 0; i < 6; i++) { // MTIME, XFL, OS
      next();
    }
    if ((flags & FEXTRA) != 0) {
      int xlen = next() | next() << 8;
      byte[] extra = new byte[xlen];
      for (int i = 0; i < xlen; i++) {
        extra[i] = (byte) next();
      }
      checkExtra(extra);
    }
    if ((flags & FNAME) != 0) {
      skipToNul();
    }
    if ((flags & FCOMMENT) != 0) {
      skipToNul();
    }
    if ((flags & FHCRC) != 0) { // read but not checked, as the Java path does
      next();
      next();
    }
    isal.reset(state);
    memberSize = 0;
    phase = Phase.DATA;
  }

  /**
   * The FEXTRA subfields (SI1 SI2 LEN data) must fill the field exactly, as commons-compress requires of
   * the Java path; the messages are its own.
   */
  private static void checkExtra(byte[] extra) throws IOException {
    int pos = 0;
    while (pos <= extra.length - 4) {
      int len = (extra[pos + 2] & 0xff) | (extra[pos + 3] & 0xff) << 8;
      pos += 4;
      if (len > extra.length - pos) {
        throw new IOException("Extra subfield lenght exceeds remaining bytes in extra: " + len + " > "
            + (extra.length - pos));
      }
      pos += len;
    }
    if (pos < extra.length) {
      throw new IOException((extra.length - pos) + " remaining bytes not used to parse an extra subfield.");
    }
  }

  private void skipToNul() throws IOException {
    while (next() != 0) {
      // a NUL-terminated name or comment: not kept
    }
  }

  private long littleEndian32() throws IOException {
    return next() | (long) next() << 8 | (long) next() << 16 | (long) next() << 24;
  }

  /** The next input byte; the input ending here is a truncated file. */
  private int next() throws IOException {
    int b = nextOrEnd();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  private int nextOrEnd() throws IOException {
    if (inPos == inLimit && !fill()) {
      return -1;
    }
    return inBuf.get(ValueLayout.JAVA_BYTE, inPos++) & 0xff;
  }

  /**
   * Reads more input after the unconsumed bytes, moving them to the front first when the buffer's end is
   * reached. False at the end of the input (with nothing new).
   */
  private boolean fill() throws IOException {
    if (inEnded) {
      return false;
    }
    if (inPos == inLimit || inLimit == IN_SIZE) {
      // keep the last HISTORY consumed bytes: isal_inflate may hand that many back when the data ends
      int keep = Math.min(inPos, HISTORY);
      MemorySegment.copy(inBuf, inPos - keep, inBuf, 0, inLimit - inPos + keep);
      inLimit -= inPos - keep;
      inPos = keep;
    }
    if (inLimit == IN_SIZE) { // a full buffer isal_inflate takes nothing from: it always does, so never here
      throw new IOException("Gzip-compressed data is corrupt.");
    }
    int n = in.read(staging, 0, Math.min(staging.length, IN_SIZE - inLimit));
    if (n < 0) {
      inEnded = true;
      return false;
    }
    MemorySegment.copy(staging, 0, inBuf, ValueLayout.JAVA_BYTE, inLimit, n);
    inLimit += n;
    return true;
  }
}
