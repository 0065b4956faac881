package dev.weft.kernel.journal;

import dev.weft.runtime.BadDataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads and checks journal records in sequence order. Every record's lengths, CRC and sequence number are
 * checked; damage in any segment but the last, a sequence gap between segments (a missing segment) or damage
 * in the last segment that is followed by intact records is corruption in the middle and throws a
 * {@link BadDataException} naming the sequence number and segment. Damage at the end of the last segment
 * with nothing intact after it is a torn tail (a write cut short by a crash): reading stops there and
 * the {@link Scan} reports it; {@link JournalWriter} truncates it when it opens the journal.
 */
public final class JournalReader {
  private JournalReader() {}

  /** Receives each record; {@code body} is a read-only view valid only during the call. */
  @FunctionalInterface
  public interface Visitor {
    void record(long seq, int type, long stateHash, ByteBuffer body);
  }

  /** A torn tail: {@code droppedBytes} after offset {@code validBytes} of {@code segment}. */
  public record Tail(Layout.Segment segment, long validBytes, long droppedBytes, long lastGoodSeq, String reason) {
    public String describe() {
      return "torn tail in " + segment.name() + ": " + droppedBytes + " bytes after seq " + lastGoodSeq
          + " (" + reason + ")";
    }
  }

  /** What a read saw: the sequence range present and the torn tail, if any (null when clean). */
  public record Scan(long firstSeq, long lastSeq, long records, Tail tail) {}

  /** Reads every record with {@code seq >= from} (see the class comment for what throws). */
  public static Scan read(Layout layout, long from, Visitor visitor) {
    List<Layout.Segment> segments = layout.segments();
    long first = layout.firstSeq();
    if (segments.isEmpty()) {
      return new Scan(first, first - 1, 0, null);
    }
    if (segments.getFirst().firstSeq() != first) {
      throw new BadDataException(layout.dir() + ": missing segment: seq " + first + ".."
          + (segments.getFirst().firstSeq() - 1) + " absent before " + segments.getFirst().name());
    }
    int start = 0;
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).firstSeq() <= from) {
        start = i;
      }
    }
    long expected = segments.get(start).firstSeq();
    long visited = 0;
    CRC32C crc = new CRC32C();
    for (int i = start; i < segments.size(); i++) {
      Layout.Segment seg = segments.get(i);
      boolean last = i == segments.size() - 1;
      if (seg.firstSeq() != expected) {
        throw new BadDataException(layout.dir() + ": missing segment: seq " + expected + ".."
            + (seg.firstSeq() - 1) + " absent before " + seg.name());
      }
      ByteBuffer buf = map(seg);
      int size = buf.limit();
      if (size < RecordFormat.SEGMENT_HEADER) {
        if (last) {
          return new Scan(first, expected - 1, visited, new Tail(seg, 0, size, expected - 1, "segment header cut short"));
        }
        throw new BadDataException(seg.name() + ": segment header cut short (seq " + expected + ")");
      }
      int version = RecordFormat.version(buf);
      if (version == 0 && last && RecordFormat.zeroFrom(buf, 0)) {
        // A crash while the segment was being created: its preallocated zeros reached the disk, its header did not.
        return new Scan(first, expected - 1, visited, new Tail(seg, 0, 0, expected - 1, "segment header never written"));
      }
      if (version == 0 || buf.getLong(8) != seg.firstSeq()) {
        throw new BadDataException(seg.name() + ": bad segment header (seq " + expected + ")");
      }
      boolean preallocated = version >= 2;
      int pos = RecordFormat.SEGMENT_HEADER;
      while (pos < size) {
        if (preallocated && endOfData(buf, pos)) {
          break; // the zero-filled remainder: this segment's records end here
        }
        int len = RecordFormat.check(buf, pos, crc);
        if (len < 0) {
          String why = RecordFormat.Damage.describe(len);
          if (!last || intactRecordAfter(buf, pos + 1, expected, crc)) {
            throw new BadDataException("journal corrupt at seq " + expected + " in segment " + seg.name()
                + " (offset " + pos + "): " + why);
          }
          // In a preallocated segment only the bytes the cut-short write left count as dropped.
          long dropped = (preallocated ? RecordFormat.nonZeroEnd(buf, pos) : size) - pos;
          return new Scan(first, expected - 1, visited, new Tail(seg, pos, dropped, expected - 1, why));
        }
        long seq = RecordFormat.seq(buf, pos);
        if (seq != expected) {
          throw new BadDataException("journal corrupt at seq " + expected + " in segment " + seg.name()
              + " (offset " + pos + "): found seq " + seq + " out of order");
        }
        if (seq >= from) {
          visitor.record(seq, RecordFormat.type(buf, pos), RecordFormat.stateHash(buf, pos),
              // The mapping is read-only, so is the slice.
              buf.slice(pos + RecordFormat.BODY, len - RecordFormat.OVERHEAD).order(ByteOrder.LITTLE_ENDIAN));
          visited++;
        }
        expected++;
        pos += len;
      }
    }
    return new Scan(first, expected - 1, visited, null);
  }

  /** True if the data of a preallocated segment ends at {@code pos}: a zero length and nothing but zeros after it. */
  private static boolean endOfData(ByteBuffer buf, int pos) {
    int size = buf.limit();
    if (size - pos >= 4 && buf.getInt(pos) != 0) {
      return false;
    }
    return RecordFormat.zeroFrom(buf, pos);
  }

  /**
   * Where the records of an intact segment end: its size for a version 1 segment, the start of the
   * zero-filled remainder for a preallocated one. Only for a segment {@link #read} accepted up to its end.
   */
  public static long dataEnd(Layout.Segment seg) {
    ByteBuffer buf = map(seg);
    if (buf.limit() < RecordFormat.SEGMENT_HEADER || RecordFormat.version(buf) < 2) {
      return buf.limit();
    }
    int pos = RecordFormat.SEGMENT_HEADER;
    while (pos < buf.limit() && !endOfData(buf, pos)) {
      int len = buf.getInt(pos);
      if (len < RecordFormat.OVERHEAD || len > buf.limit() - pos) {
        break; // not expected after a successful read; the writer's open truncates here
      }
      pos += len;
    }
    return pos;
  }

  /** True if an intact record with a sequence number at or after {@code expected} starts after {@code from}. */
  private static boolean intactRecordAfter(ByteBuffer buf, int from, long expected, CRC32C crc) {
    int size = buf.limit();
    for (int q = from; q + RecordFormat.OVERHEAD <= size; q++) {
      int len = buf.getInt(q);
      if (len >= RecordFormat.OVERHEAD && len <= size - q && buf.getInt(q + len - 4) == len
          && RecordFormat.check(buf, q, crc) == len && RecordFormat.seq(buf, q) >= expected) {
        return true;
      }
    }
    return false;
  }

  static ByteBuffer map(Layout.Segment seg) {
    try (FileChannel ch = FileChannel.open(seg.path(), StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        throw new BadDataException(seg.name() + ": segment larger than 2 GiB");
      }
      MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      return m.order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
