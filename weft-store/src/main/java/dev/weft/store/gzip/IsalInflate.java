package dev.weft.store.gzip;

import dev.weft.ec.isal.IsalLocator;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The FFM binding to ISA-L's raw-deflate inflater ({@code isal_inflate_init}, {@code isal_inflate}) on a
 * caller-allocated {@code struct inflate_state}. Present only when libisal is found (see {@link IsalLocator})
 * and the layout below passes a known-answer self-test at load.
 *
 * <p>The struct's layout is not in the library, only in its header: the offsets below were printed by
 * {@code scripts/isal-inflate-layout.c} (gcc, {@code sizeof}/{@code offsetof}) against
 * {@code /usr/include/isa-l/igzip_lib.h} of libisal-dev 2.30.0 ({@code libisal.so.2}, file
 * {@code libisal.so.2.0.30}). The struct has been append-only in the fields used here since ISA-L 2.20; a
 * library whose layout differs fails the self-test (or the guard check after the state) and gzip falls back
 * to Java with the reason.
 */
final class IsalInflate {
  /** {@code sizeof(struct inflate_state)}: 87,368 bytes, mostly Huffman tables and a 64 KiB history. */
  static final long STATE_SIZE = 87_368;
  static final long NEXT_OUT = 0;
  static final long AVAIL_OUT = 8;
  static final long NEXT_IN = 16;
  static final long AVAIL_IN = 32;
  static final long READ_IN_LENGTH = 36;
  static final long BLOCK_STATE = 21_160;
  static final long CRC_FLAG = 21_172;
  static final long CRC = 21_176;
  static final long TMP_IN_SIZE = 21_206;
  /** {@code ISAL_BLOCK_FINISH}: the deflate data ended and all of it is in the output. */
  static final int BLOCK_FINISH = 5;
  /** {@code ISAL_GZIP_NO_HDR}: raw deflate, with the gzip CRC-32 of the output kept in {@code crc}. */
  static final int GZIP_NO_HDR = 2;
  /** Bytes after the state that must stay untouched: a library with a larger struct would write there. */
  static final long GUARD = 128 * 1024;

  static final String KNOWN_TEXT = "weft weft weft: gzip layers through igzip, checked at load. ".repeat(8);
  /** Raw deflate of {@link #KNOWN_TEXT}, made once with java.util.zip (level 9, then level 0 for a stored block). */
  static final byte[] KNOWN = known();

  private static final IsalLocator.Bound<IsalInflate> BOUND = IsalLocator.bind(IsalInflate::checked);

  private final Path file;
  private final MethodHandle init;
  private final MethodHandle inflate;

  private IsalInflate(Path file, SymbolLookup symbols) {
    this.file = file;
    Linker linker = Linker.nativeLinker();
    // Both calls only touch memory the reader owns and make no upcalls; isal_inflate's time is bounded by the
    // output window (256 KiB per call, well under a millisecond), so critical calls are safe here.
    init = linker.downcallHandle(symbols.findOrThrow("isal_inflate_init"),
        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS), Linker.Option.critical(false));
    inflate = linker.downcallHandle(symbols.findOrThrow("isal_inflate"),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS), Linker.Option.critical(false));
  }

  /** The binding, when libisal is installed, not turned off, and passed the self-test. */
  static Optional<IsalInflate> get() {
    return BOUND.binding();
  }

  /** Why {@link #get()} is empty. */
  static String absentReason() {
    return BOUND.absentReason();
  }

  Path file() {
    return file;
  }

  /** The binding, once the self-test passed; else what failed, as the reason ISA-L is not used. */
  private static IsalInflate checked(Path file, SymbolLookup symbols) {
    IsalInflate lib = new IsalInflate(file, symbols);
    String failed = lib.selfTest();
    if (failed != null) {
      throw new IllegalStateException("the inflate self-test failed: " + failed);
    }
    return lib;
  }

  /** {@code isal_inflate_init(state)}, then raw deflate with the gzip CRC kept. */
  void reset(MemorySegment state) {
    try {
      init.invokeExact(state);
    } catch (Throwable t) {
      throw IsalLocator.rethrow(t);
    }
    state.set(ValueLayout.JAVA_INT, CRC_FLAG, GZIP_NO_HDR);
  }

  /** {@code isal_inflate(state)}: ISAL_DECOMP_OK (0) or a negative error. */
  int inflate(MemorySegment state) {
    try {
      return (int) inflate.invokeExact(state);
    } catch (Throwable t) {
      throw IsalLocator.rethrow(t);
    }
  }

  /**
   * Where the deflate data ended, once the state is {@link #BLOCK_FINISH}: in raw mode isal_inflate leaves
   * the whole bytes it read ahead (up to 8) in its bit buffer, so they are handed back here; they sit just
   * before {@code next_in}, in the input of the last call (the caller keeps 8 bytes of history for this).
   * Input set aside in {@code tmp_in_buffer} cannot be handed back, so it must be empty.
   */
  static long endOfData(MemorySegment state) {
    if (state.get(ValueLayout.JAVA_SHORT, TMP_IN_SIZE) != 0) {
      throw new IllegalStateException("isal_inflate kept input aside past the end of the deflate data");
    }
    return state.get(ValueLayout.ADDRESS, NEXT_IN).address() - state.get(ValueLayout.JAVA_INT, READ_IN_LENGTH) / 8;
  }

  /**
   * Inflates {@link #KNOWN} (raw deflate of a fixed text, a stored block then a Huffman-coded one) through
   * the offsets above and checks the output, the CRC, where the input stopped and that nothing was written
   * past the state. Returns what went wrong, or null.
   */
  private String selfTest() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(STATE_SIZE + GUARD, 64);
      state.asSlice(STATE_SIZE).fill((byte) 0x5a);
      MemorySegment in = arena.allocate(KNOWN.length + 8);
      MemorySegment.copy(KNOWN, 0, in, ValueLayout.JAVA_BYTE, 0, KNOWN.length);
      in.asSlice(KNOWN.length).fill((byte) 0x77); // bytes after the deflate data must not be consumed
      MemorySegment out = arena.allocate(KNOWN_TEXT.length() + 64);
      MemorySegment st = state.asSlice(0, STATE_SIZE);
      reset(st);
      st.set(ValueLayout.ADDRESS, NEXT_IN, in);
      st.set(ValueLayout.JAVA_INT, AVAIL_IN, (int) in.byteSize());
      st.set(ValueLayout.ADDRESS, NEXT_OUT, out);
      st.set(ValueLayout.JAVA_INT, AVAIL_OUT, (int) out.byteSize());
      int rc = inflate(st);
      if (rc != 0 || st.get(ValueLayout.JAVA_INT, BLOCK_STATE) != BLOCK_FINISH) {
        return "isal_inflate returned " + rc + " in block state " + st.get(ValueLayout.JAVA_INT, BLOCK_STATE);
      }
      long produced = out.byteSize() - Integer.toUnsignedLong(st.get(ValueLayout.JAVA_INT, AVAIL_OUT));
      String text = new String(out.asSlice(0, produced).toArray(ValueLayout.JAVA_BYTE),
          java.nio.charset.StandardCharsets.ISO_8859_1);
      if (!text.equals(KNOWN_TEXT)) {
        return "wrong output (" + produced + " bytes)";
      }
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(KNOWN_TEXT.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      if (Integer.toUnsignedLong(st.get(ValueLayout.JAVA_INT, CRC)) != crc.getValue()) {
        return "wrong CRC-32";
      }
      long stoppedAt = endOfData(st) - in.address();
      if (stoppedAt != KNOWN.length) {
        return "deflate data ended at byte " + stoppedAt + " of " + KNOWN.length;
      }
      for (long i = STATE_SIZE; i < STATE_SIZE + GUARD; i++) {
        if (state.get(ValueLayout.JAVA_BYTE, i) != 0x5a) {
          return "the library's struct inflate_state is larger than " + STATE_SIZE + " bytes";
        }
      }
      return null;
    }
  }

  private static byte[] known() {
    // Built at class load with java.util.zip: a Huffman-coded block and a stored block, so both decoders run.
    byte[] text = KNOWN_TEXT.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
    try {
      byte[] buf = new byte[text.length * 2 + 64];
      d.setInput(text, 0, text.length / 2);
      int n = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
      d.setLevel(0);
      d.setInput(text, text.length / 2, text.length - text.length / 2);
      d.finish();
      while (!d.finished()) {
        n += d.deflate(buf, n, buf.length - n);
      }
      return java.util.Arrays.copyOf(buf, n);
    } finally {
      d.end();
    }
  }
}
