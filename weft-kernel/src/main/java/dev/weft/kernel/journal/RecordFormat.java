package dev.weft.kernel.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The byte layout of segments and records (little-endian), documented in {@code docs/formats/journal.md}.
 *
 * <pre>
 * segment header: magic "WEFTJNL2" (8) | first seq u64      ("WEFTJNL1": version 1, still read)
 * record:         length u32 | seq u64 | type u8 | state hash u64 | body | crc32c u32 | length u32
 * </pre>
 * The CRC covers seq, type, state hash and body. {@code length} is the whole record's size, written at both
 * ends so a reader can tell a torn tail (the trailing copy is missing or wrong) and walk backwards.
 */
public final class RecordFormat {
  /** Version 1 segments grow with every write; they are still read, and never appended to again. */
  static final byte[] MAGIC_V1 = "WEFTJNL1".getBytes(StandardCharsets.US_ASCII);
  /**
   * Version 2 segments are preallocated (zero-filled ahead of the data, see {@link JournalWriter}): a length
   * field of 0 at a record boundary followed only by zero bytes is the end of the data, not damage.
   */
  static final byte[] MAGIC_V2 = "WEFTJNL2".getBytes(StandardCharsets.US_ASCII);
  public static final int SEGMENT_HEADER = 16;
  /** Bytes of a record besides its body. */
  public static final int OVERHEAD = 4 + 8 + 1 + 8 + 4 + 4;
  /** Upper bound on one record, so a corrupt length cannot make a reader allocate gigabytes. */
  public static final int MAX_RECORD = 64 << 20;

  private RecordFormat() {}

  static void writeHeader(ByteBuffer buf, long firstSeq) {
    buf.order(ByteOrder.LITTLE_ENDIAN).put(MAGIC_V2).putLong(firstSeq);
  }

  /** Appends one record at the buffer's position. */
  static void encode(ByteBuffer buf, long seq, int type, long stateHash, byte[] body) {
    int len = OVERHEAD + body.length;
    int start = buf.position();
    buf.putInt(len).putLong(seq).put((byte) type).putLong(stateHash).put(body);
    CRC32C crc = new CRC32C();
    crc.update(buf.duplicate().position(start + 4).limit(start + 4 + 17 + body.length));
    buf.putInt((int) crc.getValue()).putInt(len);
  }

  /**
   * Checks the record at {@code pos} in {@code buf} (little-endian, limit = valid data end). Returns its
   * length if it is complete and intact, else a negative {@link Damage} code.
   */
  static int check(ByteBuffer buf, int pos, CRC32C crc) {
    int end = buf.limit();
    if (end - pos < 4) {
      return Damage.SHORT;
    }
    int len = buf.getInt(pos);
    if (len < OVERHEAD || len > MAX_RECORD) {
      return Damage.BAD_LENGTH;
    }
    if (end - pos < len) {
      return Damage.SHORT;
    }
    if (buf.getInt(pos + len - 4) != len) {
      return Damage.BAD_LENGTH;
    }
    crc.reset();
    // Through a view whose position and limit are moved, not a slice: no allocation per record.
    int limit = buf.limit();
    int position = buf.position();
    crc.update(buf.limit(pos + len - 8).position(pos + 4));
    buf.limit(limit).position(position);
    if ((int) crc.getValue() != buf.getInt(pos + len - 8)) {
      return Damage.BAD_CRC;
    }
    return len;
  }

  /** The segment format version named by the header's magic, or 0 if it is neither. */
  static int version(ByteBuffer buf) {
    byte[] magic = new byte[8];
    buf.get(0, magic);
    if (java.util.Arrays.equals(magic, MAGIC_V2)) {
      return 2;
    }
    return java.util.Arrays.equals(magic, MAGIC_V1) ? 1 : 0;
  }

  /** True if {@code buf[from, limit)} holds only zero bytes (the preallocated remainder of a segment). */
  static boolean zeroFrom(ByteBuffer buf, int from) {
    int end = buf.limit();
    int p = from;
    for (; p + 8 <= end; p += 8) {
      if (buf.getLong(p) != 0) {
        return false;
      }
    }
    for (; p < end; p++) {
      if (buf.get(p) != 0) {
        return false;
      }
    }
    return true;
  }

  /** The offset after the last non-zero byte of {@code buf[from, limit)}, or {@code from} if all zero. */
  static int nonZeroEnd(ByteBuffer buf, int from) {
    int p = buf.limit();
    while (p > from && buf.get(p - 1) == 0) {
      p--;
    }
    return p;
  }

  static long seq(ByteBuffer buf, int pos) {
    return buf.getLong(pos + 4);
  }

  static int type(ByteBuffer buf, int pos) {
    return buf.get(pos + 12) & 0xFF;
  }

  static long stateHash(ByteBuffer buf, int pos) {
    return buf.getLong(pos + 13);
  }

  /** Offset of the body from the record start. */
  static final int BODY = 21;

  /** Why a record failed its check. */
  static final class Damage {
    static final int SHORT = -1;
    static final int BAD_LENGTH = -2;
    static final int BAD_CRC = -3;

    static String describe(int code) {
      return switch (code) {
        case SHORT -> "record cut short";
        case BAD_LENGTH -> "bad record length";
        case BAD_CRC -> "CRC mismatch";
        default -> "damage " + code;
      };
    }

    private Damage() {}
  }
}
