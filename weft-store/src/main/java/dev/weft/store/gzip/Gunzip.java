package dev.weft.store.gzip;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Opens a gzip layer's tar for reading, with the best inflater available (see {@link Inflater}).
 *
 * <p>Concatenated members are one gzip file (RFC 1952), but bytes after the last member are refused
 * ("Unexpected data after a valid .gz stream."), as zstd refuses bytes after its last frame. java.util.zip's
 * GZIPInputStream silently stops at them, which would let a blob carry anything at its end.
 */
public final class Gunzip {
  private Gunzip() {}

  /** Which code inflates: ISA-L's igzip through FFM, or java.util.zip (zlib) through commons-compress. */
  public enum Inflater {
    ISAL("isal"),
    JAVA("java");

    private final String label;

    Inflater(String label) {
      this.label = label;
    }

    /** "isal" or "java", as reports and bench rows name it. */
    public String label() {
      return label;
    }

    /** Whether this inflater can run here (Java always can). */
    public boolean available() {
      return this == JAVA || IsalInflate.get().isPresent();
    }
  }

  /** ISA-L when libisal is installed, not turned off ({@code WEFT_ISAL=none}) and passed its self-test; else Java. */
  public static Inflater best() {
    return Inflater.ISAL.available() ? Inflater.ISAL : Inflater.JAVA;
  }

  /** For reports: which inflater gzip layers use and, for Java, why not ISA-L. */
  public static String describe() {
    return best() == Inflater.ISAL
        ? "isal (igzip, " + IsalInflate.get().orElseThrow().file() + ")"
        : "java (java.util.zip; " + IsalInflate.absentReason() + ")";
  }

  /** The tar of a gzip file, with the best inflater. Header errors are thrown here, the rest by reads. */
  public static InputStream open(InputStream in) throws IOException {
    return open(in, best());
  }

  /**
   * The tar of a gzip file with the given inflater ({@link Inflater#available()} must hold).
   *
   * <p>The Java path reads ahead and steps back with mark/reset when its input supports them, which a
   * DigestInputStream underneath would hash twice: so it gets an input without mark, which it buffers
   * itself (every byte then passes the digests once). The ISA-L path never steps back.
   */
  public static InputStream open(InputStream in, Inflater inflater) throws IOException {
    if (inflater == Inflater.ISAL) {
      return new IsalGzipInputStream(IsalInflate.get().orElseThrow(
          () -> new IllegalStateException("ISA-L inflate is not available: " + IsalInflate.absentReason())), in);
    }
    return GzipCompressorInputStream.builder().setInputStream(withoutMark(in)).setDecompressConcatenated(true).get();
  }

  private static InputStream withoutMark(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public boolean markSupported() {
        return false;
      }
    };
  }
}
