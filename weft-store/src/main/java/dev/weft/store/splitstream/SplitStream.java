package dev.weft.store.splitstream;

import com.github.luben.zstd.ZstdInputStream;
import dev.weft.runtime.BadDataException;
import dev.weft.store.repo.Repository;
import dev.weft.store.verity.ObjectId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed split stream: its header and info block, digest arrays and named refs, with the compressed
 * chunk stream kept for {@link #chunks()}. Also reads the older composefs-rs header layout (bootc
 * &lt;= 1.15, fields reordered by the Rust compiler) so repositories written by it stay readable.
 */
public final class SplitStream {
  private final String what;
  private final long contentType;
  private final long streamSize;
  private final List<ObjectId> streamRefs;
  private final List<ObjectId> objectRefs;
  private final Map<String, ObjectId> namedRefs;
  private final byte[] file;
  private final int streamStart;
  private final int streamEnd;

  private SplitStream(String what, long contentType, long streamSize, List<ObjectId> streamRefs,
      List<ObjectId> objectRefs, Map<String, ObjectId> namedRefs, byte[] file, int streamStart, int streamEnd) {
    this.what = what;
    this.contentType = contentType;
    this.streamSize = streamSize;
    this.streamRefs = streamRefs;
    this.objectRefs = objectRefs;
    this.namedRefs = namedRefs;
    this.file = file;
    this.streamStart = streamStart;
    this.streamEnd = streamEnd;
  }

  /** Parses a split stream's bytes; {@code what} names it in errors (e.g. the stream name). */
  public static SplitStream parse(byte[] file, String what) {
    if (file.length < SplitStreamWriter.HEADER_SIZE) {
      throw bad(what, "too short for a split stream header (" + file.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = Arrays.copyOfRange(file, 0, 11);
    int version;
    int algorithm;
    int lgBlock;
    long infoStart;
    long infoEnd;
    if (Arrays.equals(magic, SplitStreamWriter.MAGIC)) {
      version = file[11];
      algorithm = file[14];
      lgBlock = file[15];
      infoStart = b.getLong(16);
      infoEnd = b.getLong(24);
    } else if (Arrays.equals(Arrays.copyOfRange(file, 18, 29), SplitStreamWriter.MAGIC)) {
      infoStart = b.getLong(0); // old layout: info, flags, magic, version, algorithm, lg_blocksize
      infoEnd = b.getLong(8);
      version = file[29];
      algorithm = file[30];
      lgBlock = file[31];
    } else {
      throw bad(what, "not a split stream (bad magic)");
    }
    if (version != 0) {
      throw bad(what, "unsupported split stream version " + version);
    }
    if (algorithm != SplitStreamWriter.ALGORITHM_SHA256 || lgBlock != SplitStreamWriter.LG_BLOCKSIZE) {
      throw bad(what, "split stream uses fs-verity algorithm " + algorithm + " with 2^" + lgBlock
          + "-byte blocks; only sha256 with 4 KiB blocks is supported");
    }
    int info = range(file, infoStart, infoEnd, what, "info");
    if (infoEnd - infoStart < SplitStreamWriter.INFO_SIZE) {
      throw bad(what, "info block too short");
    }
    int srStart = range(file, b.getLong(info), b.getLong(info + 8), what, "stream refs");
    int srEnd = (int) b.getLong(info + 8);
    int orStart = range(file, b.getLong(info + 16), b.getLong(info + 24), what, "object refs");
    int orEnd = (int) b.getLong(info + 24);
    int stStart = range(file, b.getLong(info + 32), b.getLong(info + 40), what, "stream");
    int stEnd = (int) b.getLong(info + 40);
    int nrStart = range(file, b.getLong(info + 48), b.getLong(info + 56), what, "named refs");
    int nrEnd = (int) b.getLong(info + 56);
    long contentType = b.getLong(info + 64);
    long streamSize = b.getLong(info + 72);
    List<ObjectId> streamRefs = ids(file, srStart, srEnd, what, "stream refs");
    List<ObjectId> objectRefs = ids(file, orStart, orEnd, what, "object refs");
    Map<String, ObjectId> named = namedRefs(file, nrStart, nrEnd, streamRefs, what);
    return new SplitStream(what, contentType, streamSize, streamRefs, objectRefs, named, file, stStart, stEnd);
  }

  private static int range(byte[] file, long start, long end, String what, String section) {
    if (start < 0 || end < start || end > file.length) {
      throw bad(what, section + " range " + start + ".." + end + " lies outside the " + file.length + "-byte file");
    }
    return (int) start;
  }

  private static List<ObjectId> ids(byte[] file, int start, int end, String what, String section) {
    if ((end - start) % ObjectId.LENGTH != 0) {
      throw bad(what, section + " array is not a whole number of 32-byte digests");
    }
    List<ObjectId> out = new ArrayList<>((end - start) / ObjectId.LENGTH);
    for (int p = start; p < end; p += ObjectId.LENGTH) {
      out.add(ObjectId.of(file, p));
    }
    return Collections.unmodifiableList(out);
  }

  private static Map<String, ObjectId> namedRefs(byte[] file, int start, int end, List<ObjectId> refs, String what) {
    byte[] text;
    try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(file, start, end - start))) {
      text = in.readAllBytes();
    } catch (IOException e) {
      throw bad(what, "named refs are not valid zstd: " + e.getMessage());
    }
    Map<String, ObjectId> out = new LinkedHashMap<>();
    int p = 0;
    while (p < text.length) {
      int nul = p;
      while (nul < text.length && text[nul] != 0) {
        nul++;
      }
      if (nul == text.length) {
        throw bad(what, "trailing junk in named refs");
      }
      String item = new String(text, p, nul - p, StandardCharsets.UTF_8);
      int colon = item.indexOf(':');
      int idx;
      try {
        idx = Integer.parseInt(item.substring(0, Math.max(colon, 0)));
      } catch (NumberFormatException e) {
        throw bad(what, "named ref '" + item + "' has no index");
      }
      if (idx < 0 || idx >= refs.size()) {
        throw bad(what, "named ref '" + item + "' is out of range");
      }
      out.put(item.substring(colon + 1), refs.get(idx));
      p = nul + 1;
    }
    return Collections.unmodifiableMap(out);
  }

  static BadDataException bad(String what, String problem) {
    return new BadDataException(what + ": " + problem);
  }

  public long contentType() {
    return contentType;
  }

  /** Bytes the stream rebuilds to (inline plus external). */
  public long streamSize() {
    return streamSize;
  }

  public List<ObjectId> streamRefs() {
    return streamRefs;
  }

  public List<ObjectId> objectRefs() {
    return objectRefs;
  }

  /** Name to referenced stream's object id, in file order. */
  public Map<String, ObjectId> namedRefs() {
    return namedRefs;
  }

  /** One chunk: inline bytes, or a reference to an object. */
  public sealed interface Chunk {
    record Inline(byte[] data) implements Chunk {}

    record External(ObjectId id) implements Chunk {}
  }

  /** Reads chunks in order; {@code next()} returns null at the end. */
  public final class ChunkReader implements AutoCloseable {
    private final InputStream in;
    private final byte[] word = new byte[8];

    private ChunkReader() {
      try {
        in = new ZstdInputStream(new ByteArrayInputStream(file, streamStart, streamEnd - streamStart));
      } catch (IOException e) {
        throw bad(what, "chunk stream is not valid zstd: " + e.getMessage());
      }
    }

    public Chunk next() {
      try {
        int n = in.readNBytes(word, 0, 8);
        if (n == 0) {
          return null;
        }
        if (n < 8) {
          throw bad(what, "chunk stream ends inside an instruction");
        }
        long v = ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (v < 0) {
          long len = -v;
          if (len > Integer.MAX_VALUE - 8) {
            throw bad(what, "inline chunk of " + len + " bytes is too large");
          }
          byte[] data = in.readNBytes((int) len);
          if (data.length != len) {
            throw new EOFException();
          }
          return new Chunk.Inline(data);
        }
        if (v >= objectRefs.size()) {
          throw bad(what, "external reference " + v + " is out of range (" + objectRefs.size() + " objects)");
        }
        return new Chunk.External(objectRefs.get((int) v));
      } catch (EOFException e) {
        throw bad(what, "chunk stream is truncated");
      } catch (IOException e) {
        throw bad(what, "chunk stream is not valid zstd: " + e.getMessage());
      }
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // in-memory source: nothing to release
      }
    }
  }

  public ChunkReader chunks() {
    return new ChunkReader();
  }

  /**
   * Writes the original bytes, reading external chunks from {@code repo}. Each object's fs-verity digest
   * is checked as it is read: a damaged object is a {@link BadDataException} naming it.
   */
  public void cat(Repository repo, OutputStream out) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (ChunkReader r = chunks()) {
      for (Chunk c; (c = r.next()) != null; ) {
        stopIfInterrupted();
        switch (c) {
          case Chunk.Inline in -> out.write(in.data());
          case Chunk.External ex -> {
            try (InputStream obj = VerifiedObjectStream.open(repo, ex.id())) {
              // Not transferTo: one object can be hundreds of MB (a JDK's lib/modules), seconds of work
              // behind a compressor, so the interrupt is checked per buffer, not per object.
              for (int n; (n = obj.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                stopIfInterrupted();
              }
            }
          }
        }
      }
    }
  }

  /** The original bytes as a stream, reading objects lazily and verifying each as {@link #cat} does. */
  public InputStream open(Repository repo) {
    ChunkReader r = chunks();
    return new InputStream() {
      private InputStream current = InputStream.nullInputStream();
      private boolean done;

      private boolean advance() throws IOException {
        while (!done) {
          Chunk c = r.next();
          current.close();
          if (c == null) {
            done = true;
            current = InputStream.nullInputStream();
            return false;
          }
          current = switch (c) {
            case Chunk.Inline in -> new ByteArrayInputStream(in.data());
            case Chunk.External ex -> VerifiedObjectStream.open(repo, ex.id());
          };
          return true;
        }
        return false;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (true) {
          stopIfInterrupted();
          int n = current.read(b, off, len);
          if (n > 0) {
            return n;
          }
          if (!advance()) {
            return -1;
          }
        }
      }

      @Override
      public void close() throws IOException {
        current.close();
        r.close();
      }
    };
  }

  /**
   * Rebuilding a stream reads plain files, which ignore interrupts: without this check an export or unpack
   * would run to its end after Ctrl-C (the command's thread and its pool tasks are interrupted).
   */
  private static void stopIfInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new java.util.concurrent.CancellationException("cancelled while rebuilding a split stream");
    }
  }

  /** Reads a whole stream file from the repository and parses it. */
  public static SplitStream load(Repository repo, ObjectId id, String what) throws IOException {
    return parse(repo.readObject(id), what);
  }

  /** Utility for tests and tools: the bytes {@link #cat} writes. */
  public byte[] catBytes(Repository repo) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cat(repo, out);
    return out.toByteArray();
  }
}
