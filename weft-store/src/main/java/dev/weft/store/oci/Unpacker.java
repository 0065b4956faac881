package dev.weft.store.oci;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.store.repo.RepoLock;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Writes an image's merged root filesystem: layers bottom first, {@code .wh.NAME} whiteouts delete NAME,
 * {@code .wh..wh..opq} empties its directory of lower layers' entries; permissions (including setuid,
 * setgid, sticky) and modification times are kept, symlinks and hard links made. Refused as bad data:
 * absolute paths, {@code ..} components, entries or hard links that would pass through a symlink or leave
 * DIR, and relative symlinks pointing outside DIR. Device nodes and fifos are skipped and reported
 * (creating them needs root); ownership is not applied.
 */
public final class Unpacker {
  private final Repository repo;

  public Unpacker(Repository repo) {
    this.repo = repo;
  }

  /** What was unpacked. */
  public record Report(long entries, List<String> skipped) {}

  public Report unpack(String name, Path dir) throws IOException {
    try (RepoLock lock = repo.lockShared()) {
      StoredImage img = StoredImage.load(repo, name);
      if (Files.exists(dir)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
          if (s.iterator().hasNext()) {
            throw new UsageException(dir + ": not empty; unpack needs an empty or new directory");
          }
        }
      }
      boolean existed = Files.exists(dir);
      Files.createDirectories(dir);
      Path root = dir.toRealPath();
      try {
        return unpackInto(img, root);
      } catch (IOException | RuntimeException | Error e) {
        // No partial root filesystem: it would look like a successful unpack to the next tool.
        try {
          if (existed) {
            deleteContents(root);
          } else {
            deleteTree(root);
          }
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
        throw e;
      }
    }
  }

  private Report unpackInto(StoredImage img, Path root) throws IOException {
    Map<Path, TarArchiveEntry> dirs = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    long entries = 0;
    for (StoredImage.StoredLayer l : img.layers()) {
      SplitStream ss = SplitStream.load(repo, l.streamId(), l.streamName());
      Set<Path> created = new HashSet<>();
      try (InputStream in = ss.open(repo); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
          entries++;
          apply(root, e, tar, created, dirs, skipped, "layer " + l.diffId());
        }
        // Read what the tar reader left (end-of-archive padding) so every object's digest is checked.
        in.transferTo(OutputStream.nullOutputStream());
      }
    }
    // Directory modes and times last: a read-only directory must not stop later writes into it.
    List<Map.Entry<Path, TarArchiveEntry>> ds = new ArrayList<>(dirs.entrySet());
    for (int i = ds.size() - 1; i >= 0; i--) {
      Path p = ds.get(i).getKey();
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        setModeAndTime(p, ds.get(i).getValue());
      }
    }
    return new Report(entries, skipped);
  }

  private void apply(Path root, TarArchiveEntry e, InputStream data, Set<Path> created,
      Map<Path, TarArchiveEntry> dirs, List<String> skipped, String where) throws IOException {
    String raw = e.getName();
    String name = raw;
    while (name.startsWith("./")) {
      name = name.substring(2);
    }
    while (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (raw.startsWith("/")) {
      throw new BadDataException(where + ": entry '" + raw + "' has an absolute path");
    }
    for (String c : name.split("/")) {
      if (c.equals("..")) {
        throw new BadDataException(where + ": entry '" + raw + "' contains '..'");
      }
    }
    if (name.isEmpty() || name.equals(".")) {
      if (e.isDirectory()) {
        dirs.put(root, e);
      }
      return;
    }
    Path target = root.resolve(name).normalize();
    if (!target.startsWith(root)) {
      throw new BadDataException(where + ": entry '" + raw + "' leaves the target directory");
    }
    checkNoSymlinkParents(root, target.getParent(), raw, where);
    String base = target.getFileName().toString();
    if (base.equals(".wh..wh..opq")) {
      Path parent = target.getParent();
      if (Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent)) {
          for (Path child : s) {
            if (!created.contains(child)) {
              deleteTree(child);
            }
          }
        }
      }
      return;
    }
    if (base.startsWith(".wh.")) {
      deleteTree(target.resolveSibling(base.substring(4)));
      return;
    }
    created.add(target);
    // Tars often omit entries for parent directories (hand-made layers, explicit file lists); like
    // umoci and docker, create them with default permissions.
    Files.createDirectories(target.getParent());
    if (e.isDirectory()) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(target);
      }
      Files.createDirectories(target);
      dirs.put(target, e);
      return;
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(target);
    } else {
      Files.deleteIfExists(target);
    }
    if (e.isSymbolicLink()) {
      String link = e.getLinkName();
      if (!link.startsWith("/") && !target.getParent().resolve(link).normalize().startsWith(root)) {
        throw new BadDataException(where + ": symlink '" + raw + "' -> '" + link + "' points outside the target directory");
      }
      Files.createSymbolicLink(target, Path.of(link));
      setTime(target, e);
    } else if (e.isLink()) {
      String link = e.getLinkName();
      while (link.startsWith("./")) {
        link = link.substring(2);
      }
      Path source = root.resolve(link).normalize();
      if (link.startsWith("/") || !source.startsWith(root)) {
        throw new BadDataException(where + ": hard link '" + raw + "' -> '" + e.getLinkName() + "' leaves the target directory");
      }
      checkNoSymlinkParents(root, source.getParent(), raw, where);
      if (Files.isSymbolicLink(source) || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
        throw new BadDataException(where + ": hard link '" + raw + "' -> '" + e.getLinkName() + "' names no regular file");
      }
      Files.createLink(target, source);
    } else if (e.isFile()) {
      Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
      setModeAndTime(target, e);
    } else {
      skipped.add(raw);
    }
  }

  private static void checkNoSymlinkParents(Path root, Path dir, String raw, String where) {
    for (Path p = dir; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new BadDataException(where + ": entry '" + raw + "' goes through symlink " + root.relativize(p));
      }
    }
  }

  private static void setModeAndTime(Path p, TarArchiveEntry e) throws IOException {
    Files.setAttribute(p, "unix:mode", e.getMode() & 07777, LinkOption.NOFOLLOW_LINKS);
    setTime(p, e);
  }

  private static void setTime(Path p, TarArchiveEntry e) throws IOException {
    FileTime t = FileTime.from(e.getLastModifiedTime().toInstant());
    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
  }

  private static void deleteContents(Path dir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path c : s) {
        deleteTree(c);
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
        for (Path c : s) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
