package dev.weft.ec.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A block store in a directory, ids = SHA-256, files at {@code DIR/ab/cdef…} (the first two hex digits
 * name the subdirectory). Blocks are written to a temporary name and renamed into place, so a crash never
 * leaves a block under its id with other content.
 */
public final class DirectoryBlockStore implements BlockStore {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
  private final Path dir;

  public DirectoryBlockStore(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  @Override
  public Optional<Path> directory() {
    return Optional.of(dir);
  }

  /** Where the block with this id lives (whether or not it exists). */
  public Path pathOf(String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("not a block id: '" + id + "'");
    }
    return dir.resolve(id.substring(0, 2)).resolve(id.substring(2));
  }

  @Override
  public String put(byte[] data, int off, int len) throws IOException {
    String id = idOf(data, off, len);
    Path target = pathOf(id);
    if (Files.exists(target)) {
      byte[] existing = get(id);
      if (existing != null && idOf(existing, 0, existing.length).equals(id)) {
        return id;
      }
      // A corrupt copy under this id: fall through and replace it (this is how a repair heals the store).
    }
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", "");
    try {
      try (var out = Files.newOutputStream(tmp)) {
        out.write(data, off, len);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return id;
  }

  @Override
  public byte[] get(String id) throws IOException {
    try {
      return Files.readAllBytes(pathOf(id));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public String idOf(byte[] data, int off, int len) {
    return Sha256Ids.of(data, off, len);
  }
}
