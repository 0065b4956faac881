package dev.weft.store.oci;

import dev.weft.runtime.BadDataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Where an image's files come from: an OCI layout directory, or a {@code docker save} archive tar (read in
 * place, never extracted). Paths are relative, with {@code /}.
 */
abstract sealed class OciSource implements AutoCloseable {
  final Path location;

  OciSource(Path location) {
    this.location = location;
  }

  abstract boolean exists(String path);

  abstract long size(String path) throws IOException;

  abstract InputStream open(String path) throws IOException;

  byte[] read(String path) throws IOException {
    if (!exists(path)) {
      throw new BadDataException(location + ": " + path + " is missing");
    }
    try (InputStream in = open(path)) {
      return in.readAllBytes();
    }
  }

  static String blobPath(String digest) {
    int colon = digest.indexOf(':');
    return "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
  }

  @Override
  public void close() throws IOException {}

  static OciSource open(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      return new Dir(path);
    }
    if (Files.isRegularFile(path)) {
      return new Archive(path);
    }
    throw new BadDataException(path + ": no such image layout directory or archive");
  }

  static final class Dir extends OciSource {
    Dir(Path dir) {
      super(dir);
    }

    @Override
    boolean exists(String path) {
      return Files.isRegularFile(location.resolve(path));
    }

    @Override
    long size(String path) throws IOException {
      return Files.size(location.resolve(path));
    }

    @Override
    InputStream open(String path) throws IOException {
      return new BufferedInputStream(Files.newInputStream(location.resolve(path)), 1 << 20);
    }
  }

  static final class Archive extends OciSource {
    private final TarFile tar;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();

    Archive(Path file) throws IOException {
      super(file);
      try {
        tar = new TarFile(file);
      } catch (IOException | IllegalArgumentException e) {
        throw new BadDataException(file + ": not a readable image archive: " + e.getMessage());
      }
      for (TarArchiveEntry e : tar.getEntries()) {
        String name = e.getName();
        while (name.startsWith("./")) {
          name = name.substring(2);
        }
        if (e.isFile()) {
          entries.put(name, e);
        }
      }
    }

    @Override
    boolean exists(String path) {
      return entries.containsKey(path);
    }

    @Override
    long size(String path) {
      return entries.get(path).getSize();
    }

    @Override
    InputStream open(String path) throws IOException {
      return new BufferedInputStream(tar.getInputStream(entries.get(path)), 1 << 20);
    }

    @Override
    public void close() throws IOException {
      tar.close();
    }
  }
}
