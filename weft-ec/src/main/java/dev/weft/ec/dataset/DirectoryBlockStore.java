package dev.weft.ec.dataset;

import dev.weft.runtime.io.Fsync;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A block store in a directory, ids = SHA-256, files at {@code DIR/ab/cdef…} (the first two hex digits
 * name the subdirectory). Blocks are written to a temporary name and renamed into place, so a crash never
 * leaves a block under a partial name; {@link #sync} makes them durable (one fsync per block file and one
 * per directory, done once per batch rather than per put, so a put of many blocks pays them together).
 */
public final class DirectoryBlockStore implements BlockStore {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
  private final Path dir;
  /** Blocks put (written or found) since the last {@link #sync}: they may still be only in the page cache. */
  private final Set<Path> unsynced = ConcurrentHashMap.newKeySet();

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
        // Possibly written by a run that never synced: the next sync covers it too.
        unsynced.add(target);
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
      unsynced.add(target);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return id;
  }

  /**
   * Fsyncs every block put since the last sync, then the prefix directories holding them and the store
   * directory (which holds any new prefix directory). A block's id is its content, so a block cut short by
   * a crash before this is found corrupt on read and replaced by the next put, never trusted.
   */
  @Override
  public void sync() throws IOException {
    List<Path> files = new ArrayList<>(unsynced);
    Set<Path> dirs = new TreeSet<>();
    for (Path f : files) {
      Fsync.file(f);
      dirs.add(f.getParent());
    }
    for (Path d : dirs) {
      Fsync.directory(d);
    }
    if (!files.isEmpty()) {
      Fsync.directory(dir);
    }
    unsynced.removeAll(files);
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
