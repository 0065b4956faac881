package dev.weft.store.gzip;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Builds gzip members for the tests (deflate by java.util.zip; the RFC 1952 framing by hand, to vary it). */
final class GzipFiles {
  static final int FHCRC = 0x02;
  static final int FEXTRA = 0x04;
  static final int FNAME = 0x08;
  static final int FCOMMENT = 0x10;

  private GzipFiles() {}

  /** One member of {@code data} at {@code level} (0 = stored blocks) with the optional header fields of {@code flags}. */
  static byte[] member(byte[] data, int level, int flags) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
    if ((flags & FEXTRA) != 0) { // two well-formed subfields
      byte[] extra = {'W', 'f', 3, 0, 1, 2, 3, 'X', 'y', 0, 0};
      out.write(extra.length);
      out.write(0);
      out.writeBytes(extra);
    }
    if ((flags & FNAME) != 0) {
      out.writeBytes("layer.tar\0".getBytes());
    }
    if ((flags & FCOMMENT) != 0) {
      out.writeBytes("a comment\0".getBytes());
    }
    if ((flags & FHCRC) != 0) {
      CRC32 h = new CRC32();
      h.update(out.toByteArray());
      out.write((int) h.getValue());
      out.write((int) (h.getValue() >>> 8));
    }
    Deflater d = new Deflater(level, true);
    try {
      d.setInput(data);
      d.finish();
      byte[] buf = new byte[64 * 1024];
      while (!d.finished()) {
        out.write(buf, 0, d.deflate(buf));
      }
    } finally {
      d.end();
    }
    CRC32 crc = new CRC32();
    crc.update(data);
    le32(out, crc.getValue());
    le32(out, data.length);
    return out.toByteArray();
  }

  private static void le32(ByteArrayOutputStream out, long v) {
    for (int i = 0; i < 4; i++) {
      out.write((int) (v >>> (8 * i)));
    }
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** What reading a gzip file gave: its bytes, or the failure as the import reports it. */
  record Outcome(byte[] bytes, String failure) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Outcome other && Arrays.equals(bytes, other.bytes)
          && java.util.Objects.equals(failure, other.failure);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes) * 31 + java.util.Objects.hashCode(failure);
    }

    @Override
    public String toString() {
      return failure != null ? "failure: " + failure : bytes.length + " bytes";
    }
  }

  /** Reads {@code gz} with {@code inflater}, the input arriving in pieces of at most {@code inChunk} bytes, read in pieces of {@code readSize}. */
  static Outcome read(byte[] gz, Gunzip.Inflater inflater, int inChunk, int readSize) {
    InputStream in = new java.io.ByteArrayInputStream(gz) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, inChunk));
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream z = Gunzip.open(in, inflater)) {
      byte[] buf = new byte[readSize];
      for (int n; (n = z.read(buf, 0, buf.length)) >= 0; ) {
        out.write(buf, 0, n);
      }
      return new Outcome(out.toByteArray(), null);
    } catch (IOException e) {
      // as ImageImporter.why: a bare EOFException is "unexpected end of data"
      String why = e.getMessage() != null ? e.getMessage()
          : e instanceof EOFException ? "unexpected end of data" : e.getClass().getSimpleName();
      return new Outcome(null, why);
    }
  }
}
