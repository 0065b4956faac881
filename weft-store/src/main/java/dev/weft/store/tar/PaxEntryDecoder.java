package dev.weft.store.tar;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveStructSparse;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * Decodes a tar entry preceded by exactly one PAX extended header ({@code 'x'}) the way
 * {@code TarArchiveInputStream} does, without building one per entry.
 *
 * <p>Why: tars written with POSIX times (GNU tar {@code --format=posix}, commons-compress, many image
 * builders) carry a PAX header before every entry. Decoding it through a fresh {@code TarArchiveInputStream}
 * reads the records one byte at a time through that stream, whose every read re-checks its entry; that was
 * 39 % of an import's reading thread (JFR, docs/bench/store.md "Round 5"), and the reading thread is the
 * import's critical path. Here the same parser, commons-compress's {@code TarUtils.parsePaxHeaders}, reads
 * the records straight from their bytes, and the stream's own {@code updateEntryFromPaxHeaders} applies them
 * to the entry. Both are not public, so they are reached by reflection once; if that is ever refused,
 * {@link #available()} is false and the caller keeps the stream.
 * {@code PaxEntryDecoderTest} checks both ways give the same entry.
 */
final class PaxEntryDecoder {
  private static final MethodHandle PARSE = handle(TarUtils.class, "parsePaxHeaders",
      MethodType.methodType(Map.class, java.io.InputStream.class, List.class, Map.class, long.class));
  private static final MethodHandle APPLY = handle(TarArchiveEntry.class, "updateEntryFromPaxHeaders",
      MethodType.methodType(void.class, TarArchiveEntry.class, Map.class));
  /** The stream's default: the platform charset for names in ustar fields (PAX values are UTF-8). */
  private static final ZipEncoding NAMES = ZipEncodingHelper.getZipEncoding((String) null);

  private PaxEntryDecoder() {}

  /** {@code owner}'s method {@code name} of {@code type} (receiver first if an instance method), or null. */
  private static MethodHandle handle(Class<?> owner, String name, MethodType type) {
    for (var m : owner.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == type.parameterCount()
          - (java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? 0 : 1)) {
        try {
          m.setAccessible(true);
          return MethodHandles.lookup().unreflect(m).asType(type);
        } catch (ReflectiveOperationException | RuntimeException e) {
          return null; // a module that refuses access, or a changed signature
        }
      }
    }
    return null; // a commons-compress without this method
  }

  static boolean available() {
    return PARSE != null && APPLY != null;
  }

  /**
   * The entry whose ustar header is {@code header}, with the PAX records {@code records} (the extended
   * header's content, {@code size} bytes of it meaningful, at most {@code records.length}) applied. A GNU
   * 1.x sparse entry comes back flagged ({@link TarArchiveEntry#isPaxGNU1XSparse}) without its sparse map,
   * which the stream would go on to read from the entry's data: callers reject sparse entries.
   *
   * @throws IOException on malformed records or values, as the stream would
   */
  static TarArchiveEntry decode(byte[] records, long size, byte[] header) throws IOException {
    if (size > records.length) {
      throw new IllegalArgumentException("PAX header of " + size + " bytes, " + records.length + " given");
    }
    Map<String, String> pax;
    try {
      @SuppressWarnings("unchecked")
      Map<String, String> parsed = (Map<String, String>) PARSE.invokeExact(
          (java.io.InputStream) new ByteArrayInputStream(records, 0, (int) size),
          (List<TarArchiveStructSparse>) new ArrayList<TarArchiveStructSparse>(), // sparse maps: rejected anyway
          (Map<String, String>) Map.<String, String>of(), size); // no global headers: as decodeGroup
      pax = parsed;
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t); // parsePaxHeaders declares only IOException
    }
    TarArchiveEntry e = new TarArchiveEntry(Map.of(), header, NAMES, false);
    try {
      APPLY.invokeExact(e, pax);
    } catch (NumberFormatException ex) {
      throw new IOException("Error detected parsing the pax header", ex); // the stream's wording
    } catch (IOException | RuntimeException | Error ex) {
      throw ex;
    } catch (Throwable t) {
      throw new IllegalStateException(t); // updateEntryFromPaxHeaders declares only IOException
    }
    return e;
  }
}
