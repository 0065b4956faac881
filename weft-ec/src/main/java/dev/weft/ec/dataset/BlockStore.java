package dev.weft.ec.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The content-addressed storage an erasure-coded dataset is written to: blocks are stored and fetched by an
 * id the store derives from their content. This is the whole contract weft-ec needs from a repository, so
 * the real one (weft-store's composefs repository, ids = fs-verity digests) plugs in behind it.
 *
 * <p>Implementations must be thread-safe: steps are stored and fetched in parallel.
 */
public interface BlockStore {
  /** Stores bytes (if not already there) and returns their id. */
  String put(byte[] data, int off, int len) throws IOException;

  /** The bytes stored under {@code id}, or null if there are none. May be corrupt: callers verify. */
  byte[] get(String id) throws IOException;

  /** The id {@link #put} would return for these bytes, so readers can verify what {@link #get} returned. */
  String idOf(byte[] data, int off, int len);

  /**
   * Makes every block {@link #put} so far durable (DESIGN.md §3): a dataset's manifest is stored only after
   * its blocks are synced, and its id is reported only after the manifest is. Stores that are not files
   * (in memory) or that sync on their own have nothing to do.
   */
  default void sync() throws IOException {}

  /**
   * The directory the blocks live in, if the store has one: a dataset must never be rebuilt into a file
   * inside it, where it could replace one of its own blocks.
   */
  default Optional<Path> directory() {
    return Optional.empty();
  }
}
