package dev.weft.ec.dataset;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lowercase hex: the ids of weft-ec's own block stores. */
final class Sha256Ids {
  private Sha256Ids() {}

  static String of(byte[] data, int off, int len) {
    return HexFormat.of().formatHex(digest().digest(java.util.Arrays.copyOfRange(data, off, off + len)));
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }
}
