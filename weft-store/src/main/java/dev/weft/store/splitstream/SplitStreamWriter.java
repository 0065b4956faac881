package dev.weft.store.splitstream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import dev.weft.store.verity.ObjectId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one split stream in memory, in the current composefs-rs format. Chunks are appended in order:
 * adjacent inline data is coalesced into one chunk (as composefs does); each external reference is
 * numbered by first appearance in the object-refs array. Not thread-safe: one writer per stream, fed in
 * stream order (parallel work is joined before it reaches the writer).
 */
public final class SplitStreamWriter {
  static final byte[] MAGIC = "SplitStream".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_SIZE = 32;
  static final int INFO_SIZE = 80;
  static final int ALGORITHM_SHA256 = 1;
  static final int LG_BLOCKSIZE = 12;
  /** zstd level composefs-rs uses (0 = the library default, 3). */
  static final int ZSTD_LEVEL = 3;

  private final long contentType;
  private final ByteArrayOutputStream compressed = new ByteArrayOutputStream();
  private final ZstdOutputStream zstd;
  private final ByteArrayOutputStream inline = new ByteArrayOutputStream();
  private final List<ObjectId> objectRefs = new ArrayList<>();
  private final Map<ObjectId, Integer> objectIndex = new HashMap<>();
  private final List<ObjectId> streamRefs = new ArrayList<>();
  private final Map<ObjectId, Integer> streamIndex = new HashMap<>();
  /** Sorted by name's UTF-8 bytes, as a Rust BTreeMap of str. */
  private final TreeMap<String, Integer> namedRefs = new TreeMap<>(SplitStreamWriter::compareUtf8);
  private final byte[] instruction = new byte[8];
  private long totalSize;
  private boolean anyChunk;

  public SplitStreamWriter(long contentType) {
    this.contentType = contentType;
    try {
      this.zstd = new ZstdOutputStream(compressed, ZSTD_LEVEL);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  public void writeInline(byte[] data, int offset, int length) {
    inline.write(data, offset, length);
    totalSize += length;
  }

  public void writeInline(byte[] data) {
    writeInline(data, 0, data.length);
  }

  /** A reference to an object of {@code size} bytes already stored in the repository. */
  public void writeExternal(ObjectId id, long size) {
    flushInline();
    int idx = objectIndex.computeIfAbsent(id, k -> {
      objectRefs.add(k);
      return objectRefs.size() - 1;
    });
    writeInstruction(idx);
    totalSize += size;
  }

  /** Names another stream (e.g. a layer from a config); gc keeps named streams alive. */
  public void addNamedStreamRef(String name, ObjectId stream) {
    int idx = streamIndex.computeIfAbsent(stream, k -> {
      streamRefs.add(k);
      return streamRefs.size() - 1;
    });
    namedRefs.put(name, idx);
  }

  private void flushInline() {
    if (inline.size() > 0) {
      writeInstruction(-(long) inline.size());
      try {
        inline.writeTo(zstd);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      inline.reset();
    }
  }

  private void writeInstruction(long value) {
    ByteBuffer.wrap(instruction).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    try {
      zstd.write(instruction);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    anyChunk = true;
  }

  /** Total bytes the stream stands for (inline plus external). */
  public long totalSize() {
    return totalSize;
  }

  /** Finishes the stream and returns the file's bytes. */
  public byte[] finish() {
    flushInline();
    byte[] stream;
    try {
      zstd.close();
      stream = anyChunk ? compressed.toByteArray() : Zstd.compress(new byte[0], ZSTD_LEVEL);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder names = new StringBuilder();
    namedRefs.forEach((name, idx) -> names.append(idx).append(':').append(name).append('\0'));
    byte[] named = Zstd.compress(names.toString().getBytes(StandardCharsets.UTF_8), ZSTD_LEVEL);

    long infoStart = HEADER_SIZE;
    long streamRefsStart = infoStart + INFO_SIZE;
    long objectRefsStart = streamRefsStart + (long) streamRefs.size() * ObjectId.LENGTH;
    long namedStart = objectRefsStart + (long) objectRefs.size() * ObjectId.LENGTH;
    long streamStart = namedStart + named.length;
    long end = streamStart + stream.length;

    ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(end)).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 0).putShort((short) 0).put((byte) ALGORITHM_SHA256).put((byte) LG_BLOCKSIZE);
    out.putLong(infoStart).putLong(infoStart + INFO_SIZE);
    out.putLong(streamRefsStart).putLong(objectRefsStart);
    out.putLong(objectRefsStart).putLong(namedStart);
    out.putLong(streamStart).putLong(end);
    out.putLong(namedStart).putLong(streamStart);
    out.putLong(contentType).putLong(totalSize);
    byte[] id = new byte[ObjectId.LENGTH];
    for (ObjectId s : streamRefs) {
      s.copyTo(id, 0);
      out.put(id);
    }
    for (ObjectId o : objectRefs) {
      o.copyTo(id, 0);
      out.put(id);
    }
    out.put(named).put(stream);
    return out.array();
  }
}
