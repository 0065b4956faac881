package dev.weft.kernel.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The byte layout of segments and records (little-endian), documented in {@code docs/formats/journal.md}.
 *
 * <pre>
 * segment header: magic "WEFTJNL1" (8) | first seq u64
 * record:         length u32 | seq u64 | type u8 | state hash u64 | body | crc32c u32 | length u32
 * </pre>
 * The CRC covers seq, type, state hash and body. {@code length} is the whole record's size, written at both
 * ends so a reader can tell a torn tail (the trailing copy is missing or wrong) and walk backwards.
 */
public final class RecordFormat {
  static final byte[] MAGIC = "WEFTJNL1".getBytes(StandardCharsets.US_ASCII);
  public static final int SEGMENT_HEADER = 16;
  /** Bytes of a record besides its body. */
  public static final int OVERHEAD = 4 + 8 + 1 + 8 + 4 + 4;
  /** Upper bound on one record, so a corrupt length cannot make a reader allocate gigabytes. */
  public static final int MAX_RECORD = 64 << 20;

  private RecordFormat() {}

  static void writeHeader(ByteBuffer buf, long firstSeq) {
    buf.order(ByteOrder.LITTLE_ENDIAN).put(MAGIC).putLong(firstSeq);
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
    crc.update(buf.slice(pos + 4, len - 12));
    if ((int) crc.getValue() != buf.getInt(pos + len - 8)) {
      return Damage.BAD_CRC;
    }
    return len;
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
