package dev.weft.store.oci;

import java.io.IOException;
import java.nio.file.Path;

/** The CLI tests' image: three generated layers (plain tar, gzip, zstd) tagged {@code tag}. */
public final class TestImagesForCli {
  private TestImagesForCli() {}

  public static String sha256(byte[] b) throws IOException {
    return TestImages.sha256(b);
  }

  public static Path layout(Path dir, String tag) throws IOException {
    return TestImages.writeLayout(dir, tag, TestImages.layers(), "none", "gzip", "zstd");
  }

  /** Without zstd layers, which the umoci in Debian 12 cannot read. */
  public static Path layoutNoZstd(Path dir, String tag) throws IOException {
    return TestImages.writeLayout(dir, tag, TestImages.layers(), "none", "gzip");
  }
}
