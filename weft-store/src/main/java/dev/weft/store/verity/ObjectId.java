package dev.weft.store.verity;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte fs-verity SHA-256 digest naming one object in a repository. Immutable; compares by value and
 * orders bytewise (the order in which composefs sorts digests).
 */
public final class ObjectId implements Comparable<ObjectId> {
  public static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private ObjectId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of 32 digest bytes. */
  public static ObjectId of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an object id has 32 bytes, got " + bytes.length);
    }
    return new ObjectId(bytes.clone());
  }

  /** Reads 32 bytes at {@code offset}. */
  public static ObjectId of(byte[] bytes, int offset) {
    return new ObjectId(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
  }

  /** Parses 64 lowercase or uppercase hex digits; null if {@code hex} is not such a string. */
  public static ObjectId parseOrNull(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      return null;
    }
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        return null;
      }
    }
    return new ObjectId(HEX.parseHex(hex));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** Copies the 32 bytes into {@code dst} at {@code offset}. */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  public String hex() {
    return HEX.formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public int compareTo(ObjectId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
