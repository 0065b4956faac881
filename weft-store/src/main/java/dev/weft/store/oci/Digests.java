package dev.weft.store.oci;

import dev.weft.runtime.BadDataException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** OCI content digests ({@code sha256:<64 hex>}), the only algorithm weft accepts. */
final class Digests {
  private Digests() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String of(byte[] data) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(data));
  }

  /** Formats a finished SHA-256 ({@code sha256:<hex>}); {@link #of(byte[])} hashes its argument instead. */
  static String formatted(byte[] sha256) {
    return "sha256:" + HexFormat.of().formatHex(sha256);
  }

  static String of(MessageDigest md) {
    return formatted(md.digest());
  }

  /** Checks the form of a digest read from JSON; {@code where} names the field in the error. */
  static String check(String digest, String where) {
    if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
      throw new BadDataException(where + ": '" + digest + "' is not a sha256 digest");
    }
    return digest;
  }
}
