package dev.weft.kernel.machine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The kernel event ({@link Event#OUTCOME}) that brings the outcome of effect {@code index} of the event at
 * {@code originSeq} back into the state machine. Body: originSeq u64, index u32, tag u8, then per tag
 * (see {@code docs/formats/journal.md}).
 */
public record OutcomeEvent(long originSeq, int index, Recorded recorded) {
  /** What the journal records about an outcome. */
  public sealed interface Recorded {}

  /** The value inline. */
  public record Inline(byte[] value) implements Recorded {}

  /** The value's SHA-256; bytes in the blob store. */
  public record Stored(byte[] sha256, long length) implements Recorded {}

  /** "Result of effect k of event e": the value's SHA-256 only; recomputed and checked on replay. */
  public record Reference(byte[] sha256, long length) implements Recorded {}

  /** A deterministic failure with its trace. */
  public record Failed(String exceptionClass, String message, String trace) implements Recorded {}

  /** Timed out after {@code millis} (a fact of the environment). */
  public record TimedOut(long millis) implements Recorded {}

  /** A resource limit was exceeded (a fact of the environment). */
  public record ResourceExceeded(String what) implements Recorded {}

  private static final int MAX_TEXT = 8192;

  public Event toEvent() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(originSeq);
      out.writeInt(index);
      switch (recorded) {
        case Inline i -> {
          out.writeByte(1);
          out.writeInt(i.value().length);
          out.write(i.value());
        }
        case Stored s -> {
          out.writeByte(2);
          out.write(s.sha256());
          out.writeLong(s.length());
        }
        case Reference r -> {
          out.writeByte(3);
          out.write(r.sha256());
          out.writeLong(r.length());
        }
        case Failed f -> {
          out.writeByte(4);
          out.writeUTF(clip(f.exceptionClass()));
          out.writeUTF(clip(f.message()));
          out.writeUTF(clip(f.trace()));
        }
        case TimedOut t -> {
          out.writeByte(5);
          out.writeLong(t.millis());
        }
        case ResourceExceeded r -> {
          out.writeByte(6);
          out.writeUTF(clip(r.what()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Event(Event.OUTCOME, bytes.toByteArray());
  }

  /** Decodes an {@link Event#OUTCOME} event; IllegalArgumentException if the body is malformed. */
  public static OutcomeEvent decode(Event event) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(event.body()))) {
      long origin = in.readLong();
      int index = in.readInt();
      int tag = in.readUnsignedByte();
      Recorded r = switch (tag) {
        case 1 -> new Inline(in.readNBytes(in.readInt()));
        case 2 -> new Stored(in.readNBytes(32), in.readLong());
        case 3 -> new Reference(in.readNBytes(32), in.readLong());
        case 4 -> new Failed(in.readUTF(), in.readUTF(), in.readUTF());
        case 5 -> new TimedOut(in.readLong());
        case 6 -> new ResourceExceeded(in.readUTF());
        default -> throw new IllegalArgumentException("unknown outcome tag " + tag);
      };
      return new OutcomeEvent(origin, index, r);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated outcome event", e);
    }
  }

  /**
   * A 64-bit summary a handler can store in the state: the first 8 bytes of the value's SHA-256 for values,
   * small negative codes for the other kinds.
   */
  public long summary() {
    return switch (recorded) {
      case Inline i -> ByteBuffer.wrap(dev.weft.kernel.effect.BlobStore.sha256(i.value())).getLong();
      case Stored s -> ByteBuffer.wrap(s.sha256()).getLong();
      case Reference r -> ByteBuffer.wrap(r.sha256()).getLong();
      case Failed f -> -1;
      case TimedOut t -> -2;
      case ResourceExceeded r -> -3;
    };
  }

  private static String clip(String s) {
    String v = s == null ? "" : s;
    return v.length() > MAX_TEXT ? v.substring(0, MAX_TEXT) : v;
  }
}
