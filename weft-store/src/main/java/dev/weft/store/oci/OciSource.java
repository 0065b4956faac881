package dev.weft.store.oci;

import dev.weft.runtime.BadDataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  /**
   * A tar read in place. Symbolic and hard links are followed inside the archive: legacy {@code docker
   * save} writes {@code <id>/layer.tar -> ../<other>/layer.tar} for a layer shared between saved images, so
   * reading the link entry itself would give an empty file. A link that leaves the archive (absolute, or
   * {@code ..} above its root), names nothing in it, names no regular file, or loops is bad data, reported
   * when it is read.
   *
   * <p>Entries are read with positional reads on one channel of our own, never through {@link
   * TarFile#getInputStream}: that stream moves the shared channel's position and then reads, unlocked,
   * so two layers read at once (the importer does) can get each other's bytes.
   */
  static final class Archive extends OciSource {
    /** Longest chain of links followed; docker writes one, anything much longer is hostile or a loop. */
    private static final int MAX_LINKS = 16;

    private final FileChannel channel;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();
    /** Link entries that do not lead to a regular file of the archive, with the reason. */
    private final Map<String, String> broken = new HashMap<>();

    Archive(Path file) throws IOException {
      super(file);
      channel = FileChannel.open(file, StandardOpenOption.READ);
      Map<String, TarArchiveEntry> all = new HashMap<>();
      // TarFile only lists the entries, through a handle of its own
      try (TarFile listing = new TarFile(file)) {
        for (TarArchiveEntry e : listing.getEntries()) {
          all.put(clean(e.getName()), e);
        }
      } catch (IOException | IllegalArgumentException e) {
        channel.close();
        throw new BadDataException(file + ": not a readable image archive: " + e.getMessage());
      } catch (Throwable t) {
        channel.close();
        throw t;
      }
      for (var e : all.entrySet()) {
        if (regular(e.getValue())) {
          entries.put(e.getKey(), e.getValue());
        }
      }
      for (var e : all.entrySet()) {
        TarArchiveEntry t = e.getValue();
        if (t.isSymbolicLink() || t.isLink()) {
          try {
            entries.put(e.getKey(), follow(all, e.getKey()));
          } catch (BadDataException why) {
            broken.put(e.getKey(), why.getMessage());
          }
        }
      }
    }

    /** commons-compress calls link entries files too (they have no type of their own for it). */
    private static boolean regular(TarArchiveEntry e) {
      return e.isFile() && !e.isSymbolicLink() && !e.isLink() && !e.isDirectory() && !e.isCharacterDevice()
          && !e.isBlockDevice() && !e.isFIFO();
    }

    private static String clean(String name) {
      while (name.startsWith("./")) {
        name = name.substring(2);
      }
      while (name.endsWith("/")) {
        name = name.substring(0, name.length() - 1); // directory entries, as links name them
      }
      return name;
    }

    /** The regular file entry the link {@code name} leads to, through at most {@link #MAX_LINKS} links. */
    private TarArchiveEntry follow(Map<String, TarArchiveEntry> all, String name) {
      String current = name;
      for (int hops = 0; hops < MAX_LINKS; hops++) {
        TarArchiveEntry e = all.get(current);
        if (e == null) {
          throw new BadDataException(location + ": " + name + " is a link to " + current
              + ", which is not in the archive");
        }
        if (!e.isSymbolicLink() && !e.isLink()) {
          if (!regular(e)) {
            throw new BadDataException(location + ": " + name + " is a link to " + current
                + ", which is not a regular file");
          }
          return e;
        }
        String target = e.getLinkName();
        // A symlink is relative to its own directory; a hard link names an archive path.
        String resolved = e.isSymbolicLink() ? resolveSymlink(current, target) : normalize(clean(target));
        if (resolved == null) {
          throw new BadDataException(location + ": " + name + " is a link to '" + target
              + "', which leaves the archive");
        }
        current = resolved;
      }
      throw new BadDataException(location + ": " + name + " is a chain of more than " + MAX_LINKS
          + " links (a loop?)");
    }

    /** {@code target} of a symlink at {@code linkPath}, as an archive path; null if it leaves the archive. */
    private static String resolveSymlink(String linkPath, String target) {
      if (target.startsWith("/")) {
        return null;
      }
      int slash = linkPath.lastIndexOf('/');
      return normalize(slash < 0 ? target : linkPath.substring(0, slash + 1) + target);
    }

    /** Removes {@code .} and resolves {@code ..} in an archive path; null if it climbs above the root. */
    private static String normalize(String path) {
      if (path.startsWith("/")) {
        return null;
      }
      java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
      for (String p : path.split("/")) {
        if (p.isEmpty() || p.equals(".")) {
          continue;
        }
        if (p.equals("..")) {
          if (parts.isEmpty()) {
            return null;
          }
          parts.removeLast();
        } else {
          parts.addLast(p);
        }
      }
      return String.join("/", parts);
    }

    @Override
    boolean exists(String path) {
      return entries.containsKey(path) || broken.containsKey(path);
    }

    @Override
    long size(String path) {
      return entry(path).getSize();
    }

    @Override
    InputStream open(String path) throws IOException {
      TarArchiveEntry e = entry(path);
      if (e.isSparse()) {
        // docker save never writes one; its data is not a contiguous run of the archive
        throw new BadDataException(location + ": " + path + " is a sparse tar entry, which is not supported");
      }
      long end = e.getDataOffset() + e.getSize();
      if (e.getDataOffset() < 0 || e.getSize() < 0 || end < 0 || end > channel.size()) {
        throw new BadDataException(location + ": " + path + " runs past the end of the archive");
      }
      return new BufferedInputStream(new EntryStream(channel, e.getDataOffset(), e.getSize(), location + ": " + path),
          1 << 20);
    }

    private TarArchiveEntry entry(String path) {
      String why = broken.get(path);
      if (why != null) {
        throw new BadDataException(why);
      }
      return entries.get(path);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * One entry's bytes, {@code [offset, offset + size)} of the channel, by positional reads: several entries can
   * be read from different threads at once. The channel is interruptible: interrupting any reader (a cancel)
   * closes it for all of them, which is what a cancel wants.
   */
  private static final class EntryStream extends InputStream {
    private final FileChannel channel;
    private final long end;
    private final String what;
    private long at;

    EntryStream(FileChannel channel, long offset, long size, String what) {
      this.channel = channel;
      this.at = offset;
      this.end = offset + size;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      if (at >= end) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - at)), at);
      if (n < 0) {
        throw new java.io.EOFException(what + ": the archive ends at byte " + at + ", inside this entry");
      }
      at += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, end - at));
      at += k;
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, end - at);
    }
  }
}
