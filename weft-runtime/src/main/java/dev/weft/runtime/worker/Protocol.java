package dev.weft.runtime.worker;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The frames exchanged with a worker over its stdin and stdout (see {@code docs/formats/worker-protocol.md}).
 * Every frame is a big-endian int32 payload length followed by the payload, whose first byte is the frame
 * type. Strings are an int32 byte count and UTF-8 bytes. Shared by both ends so they cannot drift apart.
 */
final class Protocol {
  static final int VERSION = 1;
  /** Largest payload either side accepts; a length beyond it means the stream is out of step. */
  static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

  /** Worker → parent, once at start: version, pid. */
  static final byte HELLO = 'H';
  /** Parent → worker: function name, input bytes (the rest of the payload). */
  static final byte CALL = 'C';
  /** Worker → parent: int64 elapsed nanoseconds, output bytes (the rest). */
  static final byte SUCCESS = 'S';
  /** Worker → parent: exception class, message, stack trace. */
  static final byte FAILED = 'F';
  /** Worker → parent: what ran out; the worker exits right after. */
  static final byte RESOURCE = 'R';

  private Protocol() {}

  /** A frame read off the wire: its type and a cursor over the rest of the payload. */
  record Frame(byte type, ByteBuffer body) {
    String string() throws IOException {
      if (body.remaining() < 4) {
        throw new IOException("worker frame truncated");
      }
      int n = body.getInt();
      if (n < 0 || n > body.remaining()) {
        throw new IOException("worker frame has a string of " + n + " bytes with " + body.remaining() + " left");
      }
      byte[] b = new byte[n];
      body.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    byte[] rest() {
      byte[] b = new byte[body.remaining()];
      body.get(b);
      return b;
    }
  }

  /** Reads one frame, or returns null at a clean end of stream (between frames). */
  static Frame read(DataInputStream in) throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      return null;
    }
    if (length < 1 || length > MAX_PAYLOAD) {
      throw new IOException("worker stream out of step: frame length " + length);
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    ByteBuffer body = ByteBuffer.wrap(payload);
    byte type = body.get();
    return new Frame(type, body);
  }

  /** Builds a payload: the type byte, then the parts written by the caller. */
  static final class Builder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    Builder(byte type) {
      bytes.write(type);
    }

    Builder string(String s) {
      byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
      try {
        out.writeInt(b.length);
        out.write(b);
      } catch (IOException e) {
        throw new AssertionError(e); // a ByteArrayOutputStream does not fail
      }
      return this;
    }

    Builder int32(int v) {
      try {
        out.writeInt(v);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return this;
    }

    Builder int64(long v) {
      try {
        out.writeLong(v);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return this;
    }

    /** Writes the frame (length prefix, the parts so far, then {@code tail}) and flushes. */
    void writeTo(DataOutputStream to, byte[] tail) throws IOException {
      long length = (long) bytes.size() + tail.length;
      if (length > MAX_PAYLOAD) {
        throw new IOException("worker frame of " + length + " bytes is too large");
      }
      to.writeInt((int) length);
      bytes.writeTo(to);
      to.write(tail);
      to.flush();
    }
  }
}
