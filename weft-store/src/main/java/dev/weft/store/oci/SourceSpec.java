package dev.weft.store.oci;

import dev.weft.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The {@code SOURCE[:TAG]} argument of {@code weft oci import}: a path, optionally followed by a colon and a
 * tag. Tags may hold colons themselves ({@code saved.tar:repo:tag}) and paths may too, so the split is not
 * at a fixed colon: a SOURCE that exists as a whole is a path without a tag; otherwise the path is the
 * longest prefix ending before a colon that exists, and the rest is the tag.
 *
 * @param tag null when none was given
 */
record SourceSpec(Path path, String tag) {
  static SourceSpec parse(String source) {
    if (exists(source)) {
      return new SourceSpec(Path.of(source), null);
    }
    for (int colon = source.lastIndexOf(':'); colon > 0; colon = source.lastIndexOf(':', colon - 1)) {
      String prefix = source.substring(0, colon);
      if (exists(prefix)) {
        String tag = source.substring(colon + 1);
        if (tag.isEmpty()) {
          throw new UsageException(source + ": empty tag after ':'");
        }
        return new SourceSpec(Path.of(prefix), tag);
      }
    }
    throw new UsageException(source + ": no such image layout directory or archive");
  }

  private static boolean exists(String path) {
    try {
      return !path.isEmpty() && Files.exists(Path.of(path));
    } catch (InvalidPathException e) {
      return false; // e.g. a NUL byte: not a path that can exist
    }
  }
}
