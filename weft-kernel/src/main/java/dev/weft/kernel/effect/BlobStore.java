package dev.weft.kernel.effect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Content-addressed storage for effect results: {@code blobs/XX/<sha256 hex>}. Equal results are stored
 * once. A blob is written to a temporary name, fsynced and renamed into place before the outcome event that
 * names it is appended, so a durable event never names a missing blob.
 */
public final class BlobStore {
  private final Path dir;

  public BlobStore(Path dir) {
    this.dir = dir;
  }

  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** Stores {@code bytes} durably (if not already there) and returns their SHA-256. */
  public byte[] put(byte[] bytes) {
    byte[] digest = sha256(bytes);
    Path target = path(digest);
    if (Files.exists(target)) {
      return digest;
    }
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return digest;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bytes stored under {@code digest}, or null if absent. */
  public byte[] get(byte[] digest) {
    try {
      return Files.readAllBytes(path(digest));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path path(byte[] digest) {
    String hex = HexFormat.of().formatHex(digest);
    return dir.resolve(hex.substring(0, 2)).resolve(hex);
  }
}
