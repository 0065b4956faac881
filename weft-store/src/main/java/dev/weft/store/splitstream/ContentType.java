package dev.weft.store.splitstream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** The 8-byte content types composefs-rs stores in a split stream's info block (ASCII, read as a little-endian u64). */
public final class ContentType {
  public static final long OCI_LAYER = of("ocilayer");
  public static final long OCI_CONFIG = of("ociconfg");
  public static final long OCI_MANIFEST = of("ocimanif");

  private ContentType() {}

  /** The u64 whose little-endian bytes are the 8 ASCII characters of {@code tag}. */
  public static long of(String tag) {
    byte[] b = tag.getBytes(StandardCharsets.US_ASCII);
    if (b.length != 8) {
      throw new IllegalArgumentException("content type needs 8 ASCII characters: " + tag);
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
