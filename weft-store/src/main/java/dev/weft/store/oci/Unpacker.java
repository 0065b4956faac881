package dev.weft.store.oci;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.fs.NativeFs;
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
 * setgid, sticky) and modification times are kept, symlinks and hard links made. Symlinks in an entry's
 * parent path (and in a hard link's target's) are followed inside DIR, as umoci's SecureJoin does: an
 * absolute target counts from DIR, {@code ..} stops at DIR; the entry's own name is never followed, and
 * every file-system call acts on a path so resolved, so nothing outside DIR is touched. Symlink targets
 * are stored verbatim (they are only text until resolved, again inside DIR). Refused as bad data: absolute
 * entry paths, {@code ..} in entry names, hard links whose target leaves DIR lexically or is no regular
 * file, more than {@value #MAX_SYMLINKS} symlinks in one path (a loop), empty symlink targets. Fifos are
 * made, and extended attributes from PAX headers ({@code SCHILY.xattr.*}, {@code LIBARCHIVE.xattr.*}) set,
 * in the {@code user.} namespace always and in the others when running as root. When running as root,
 * ownership (uid/gid, symlinks included) is applied and device nodes are made, as umoci does; otherwise
 * device nodes are skipped and reported and ownership is the caller's.
 */
public final class Unpacker {
  /** Symlinks followed in one path before it counts as a loop (filepath-securejoin's limit, used by umoci). */
  static final int MAX_SYMLINKS = 255;

  private final Repository repo;
  private final ProgressListener progress;
  /** Root may chown and mknod devices; decided once, like umoci's --rootless default. */
  private final boolean asRoot;

  public Unpacker(Repository repo) {
    this(repo, ProgressListener.NONE);
  }

  /** Reports one task for the image and one per layer, in bytes of layer tar read. */
  public Unpacker(Repository repo, ProgressListener progress) {
    this.repo = repo;
    this.progress = progress;
    this.asRoot = NativeFs.available() && NativeFs.isRoot();
  }

  /** What was unpacked. */
  public record Report(long entries, List<String> skipped) {}

  public Report unpack(String name, Path dir) throws IOException {
    try (RepoLock lock = repo.lockForReading()) {
      StoredImage img = StoredImage.load(repo, name);
      if (Files.exists(dir)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
          if (s.iterator().hasNext()) {
            throw new UsageException(dir + ": not empty; unpack needs an empty or new directory");
          }
        }
        // Symlinks are resolved on paths below DIR: its owner could swap a directory for a link meanwhile
        // and redirect the writes (as root, anywhere). Only a DIR of the caller's own is taken.
        long owner = ((Number) Files.getAttribute(dir.toRealPath(), "unix:uid")).longValue();
        if (owner != NativeFs.uid()) {
          throw new UsageException(dir + ": owned by another user (uid " + owner + "); unpack into a directory "
              + "of your own, or a new one");
        }
      }
      boolean existed = Files.exists(dir);
      Files.createDirectories(dir);
      Path root = dir.toRealPath();
      try {
        return unpackInto(img, name, root);
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

  private Report unpackInto(StoredImage img, String name, Path root) throws IOException {
    Map<Path, TarArchiveEntry> dirs = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    long entries = 0;
    List<SplitStream> streams = new ArrayList<>();
    long total = 0;
    for (StoredImage.StoredLayer l : img.layers()) {
      streams.add(SplitStream.load(repo, l.streamId(), l.streamName()));
      total += streams.getLast().streamSize();
    }
    try (ProgressTask overall = ProgressTask.start(progress, "unpack " + name, total, "bytes")) {
      for (int i = 0; i < streams.size(); i++) {
        StoredImage.StoredLayer l = img.layers().get(i);
        SplitStream ss = streams.get(i);
        Set<Path> created = new HashSet<>();
        String where = "layer " + l.diffId();
        try (ProgressTask bar = overall.child("layer " + ImageImporter.shortDigest(l.diffId()), ss.streamSize(), "bytes");
             InputStream in = counted(ss.open(repo), bar, overall);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
          try {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
              entries++;
              try {
                apply(root, e, tar, created, dirs, skipped, where);
              } catch (java.nio.file.NoSuchFileException | java.nio.file.FileAlreadyExistsException
                  | java.nio.file.NotDirectoryException | java.nio.file.DirectoryNotEmptyException fs) {
                // DIR was new and empty: an entry that cannot be placed there (a file where the layer later
                // puts a directory's entries) is the image's fault. Other file-system failures (disk full,
                // read-only, permissions) stay the machine's.
                throw new BadDataException(where + ": entry '" + e.getName() + "' cannot be unpacked: " + fs.getMessage());
              } catch (java.nio.file.InvalidPathException nul) {
                throw new BadDataException(where + ": entry '" + e.getName() + "' has an invalid name or link target");
              }
            }
            // Read what the tar reader left (end-of-archive padding) so every object's digest is checked.
            in.transferTo(OutputStream.nullOutputStream());
          } catch (IOException | RuntimeException | Error t) {
            bar.fail(t);
            overall.fail(t);
            throw t;
          }
        }
      }
    }
    // Directory modes and times last: a read-only directory must not stop later writes into it. A directory
    // that a later entry replaced by a symlink (in it or in a parent) is skipped: p would now lead elsewhere,
    // perhaps outside DIR.
    List<Map.Entry<Path, TarArchiveEntry>> ds = new ArrayList<>(dirs.entrySet());
    for (int i = ds.size() - 1; i >= 0; i--) {
      Path p = ds.get(i).getKey();
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && noSymlinkBetween(root, p)) {
        setModeAndTime(p, ds.get(i).getValue());
      }
    }
    if (!dirs.containsKey(root)) {
      // No layer describes "./": DIR gets the epoch rather than the time of the unpack, so two unpacks of one
      // image agree (umoci 0.4.7 leaves the time of the unpack).
      Files.getFileAttributeView(root, BasicFileAttributeView.class).setTimes(FileTime.fromMillis(0), null, null);
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
    List<String> parts = components(name);
    if (parts.contains("..")) {
      throw new BadDataException(where + ": entry '" + raw + "' contains '..'");
    }
    if (parts.isEmpty()) {
      if (e.isDirectory()) {
        dirs.put(root, e);
      }
      return;
    }
    // The parent path resolves inside DIR; the entry's own name is not followed: it replaces what is there.
    String base = parts.getLast();
    Path parent = resolve(root, parts.subList(0, parts.size() - 1), where + ": entry '" + raw + "'");
    Path target = parent.resolve(base);
    if (base.equals(".wh..wh..opq")) {
      if (Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(parent)) {
          for (Path child : s) {
            deleteLower(child, created);
          }
        }
      }
      return;
    }
    if (base.startsWith(".wh.")) {
      String hidden = base.substring(4);
      // ".wh.." and ".wh..." would name the directory itself or its parent: outside what a whiteout may hide.
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw new BadDataException(where + ": entry '" + raw + "' is not a valid whiteout");
      }
      deleteLower(parent.resolve(hidden), created);
      return;
    }
    created.add(target);
    // Tars often omit entries for parent directories (hand-made layers, explicit file lists); like
    // umoci and docker, create them with default permissions.
    Files.createDirectories(parent);
    if (e.isDirectory()) {
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(target);
      }
      Files.createDirectories(target);
      chown(target, e);
      setXattrs(target, e, skipped, raw);
      dirs.put(target, e);
      return;
    }
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(target);
    } else {
      Files.deleteIfExists(target);
    }
    if (e.isSymbolicLink()) {
      // Stored as it is, even "../../../bin/sh" from one level down or "/etc": whoever follows it later
      // resolves it (the kernel, in a container, inside its root; this class, inside DIR).
      String link = e.getLinkName();
      if (link.isEmpty()) {
        throw new BadDataException(where + ": symlink '" + raw + "' has an empty target");
      }
      if (link.indexOf('\0') >= 0) {
        throw new BadDataException(where + ": entry '" + raw + "' has an invalid name or link target");
      }
      if (NativeFs.available()) {
        NativeFs.symlink(link, target); // the target's bytes as the tar has them ("usr/lib/" keeps its '/')
      } else {
        Files.createSymbolicLink(target, Path.of(link));
      }
      chown(target, e);
      setTime(target, e);
    } else if (e.isLink()) {
      // The target names a path in the image: an absolute one counts from DIR, as with umoci. One that
      // climbs out lexically ("../../etc/passwd") is hostile, not clamped; its parent path resolves like an
      // entry's, its own name is not followed (a symlink there is refused, like a directory).
      String link = e.getLinkName();
      String what = where + ": hard link '" + raw + "' -> '" + link + "'";
      if (!root.resolve(link.replaceFirst("^/+", "")).normalize().startsWith(root)) {
        throw new BadDataException(what + " leaves the target directory");
      }
      List<String> lp = components(link);
      Path source = lp.isEmpty() || lp.getLast().equals("..") ? root
          : resolve(root, lp.subList(0, lp.size() - 1), what).resolve(lp.getLast());
      if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
        throw new BadDataException(what + " names no regular file");
      }
      Files.createLink(target, source);
    } else if (e.isFIFO() || e.isCharacterDevice() || e.isBlockDevice()) {
      // Before isFile(): commons-compress calls any entry not ending in '/' a file.
      if (NativeFs.available() && (e.isFIFO() || asRoot)) {
        int type = e.isFIFO() ? NativeFs.S_IFIFO : e.isCharacterDevice() ? NativeFs.S_IFCHR : NativeFs.S_IFBLK;
        long dev = e.isFIFO() ? 0 : NativeFs.makedev(e.getDevMajor(), e.getDevMinor());
        NativeFs.mknod(target, type, e.getMode(), dev);
        chown(target, e);
        setXattrs(target, e, skipped, raw);
        NativeFs.chmod(target, e.getMode()); // not setModeAndTime: the JDK would open the fifo and block
        NativeFs.setModifiedTime(target, e.getLastModifiedTime().toInstant());
      } else {
        skipped.add(raw);
      }
    } else if (e.isFile()) {
      Files.copy(data, target, StandardCopyOption.REPLACE_EXISTING);
      chown(target, e); // before the mode: chown clears setuid and setgid
      setXattrs(target, e, skipped, raw);
      setModeAndTime(target, e);
    } else {
      skipped.add(raw);
    }
  }

  private void chown(Path p, TarArchiveEntry e) throws IOException {
    if (asRoot) {
      Files.setAttribute(p, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /**
   * Extended attributes from the entry's PAX headers. {@code LIBARCHIVE.xattr.NAME} carries the exact value
   * in base64 (NAME URL-encoded) and wins; {@code SCHILY.xattr.NAME} values reach us as commons-compress's
   * UTF-8 string, so a binary value that is not valid UTF-8 (security.capability) only survives the
   * LIBARCHIVE form. Namespaces other than {@code user.} need root; without it they are reported as skipped.
   * A file system without xattr support fails the unpack with the path and the reason.
   */
  private void setXattrs(Path p, TarArchiveEntry e, List<String> skipped, String raw) throws IOException {
    Map<String, String> pax = e.getExtraPaxHeaders();
    if (pax.isEmpty()) {
      return;
    }
    Map<String, byte[]> attrs = new java.util.TreeMap<>();
    for (Map.Entry<String, String> h : pax.entrySet()) {
      if (h.getKey().startsWith("SCHILY.xattr.")) {
        attrs.putIfAbsent(h.getKey().substring(13), h.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    for (Map.Entry<String, String> h : pax.entrySet()) {
      if (h.getKey().startsWith("LIBARCHIVE.xattr.")) {
        String name = java.net.URLDecoder.decode(h.getKey().substring(17), java.nio.charset.StandardCharsets.UTF_8);
        try {
          attrs.put(name, java.util.Base64.getDecoder().decode(h.getValue().trim()));
        } catch (IllegalArgumentException bad) {
          throw new BadDataException("entry '" + raw + "': xattr " + name + " is not valid base64");
        }
      }
    }
    for (Map.Entry<String, byte[]> a : attrs.entrySet()) {
      if (!NativeFs.available() || (!asRoot && !a.getKey().startsWith("user."))) {
        skipped.add(raw + " (xattr " + a.getKey() + ")");
        continue;
      }
      try {
        NativeFs.lsetxattr(p, a.getKey(), a.getValue());
      } catch (NativeFs.InvalidValueException invalid) {
        // The image's value, not this machine, is at fault (umoci refuses it too).
        throw new BadDataException("entry '" + raw + "': xattr " + a.getKey() + " rejected: " + invalid.getMessage());
      }
    }
  }

  /** The path's components without empty ones and {@code .}. */
  private static List<String> components(String path) {
    List<String> out = new ArrayList<>();
    for (String c : path.split("/")) {
      if (!c.isEmpty() && !c.equals(".")) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Where {@code parts} lead from DIR, every symlink on the way resolved inside DIR (filepath-securejoin's
   * SecureJoin, which umoci and docker use): a symlink's target continues the walk, from DIR when absolute,
   * else from the symlink's directory; {@code ..} stops at DIR; a missing component is taken as a directory
   * still to be made. The result is DIR or a path below it with no symlink in it.
   */
  private static Path resolve(Path root, List<String> parts, String what) throws IOException {
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(parts);
    Path at = root;
    int followed = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.equals("..")) {
        at = at.equals(root) ? root : at.getParent();
        continue;
      }
      Path next = at.resolve(c);
      if (!Files.isSymbolicLink(next)) {
        at = next;
        continue;
      }
      if (++followed > MAX_SYMLINKS) {
        throw new BadDataException(what + " passes through more than " + MAX_SYMLINKS + " symlinks (a symlink loop?)");
      }
      String link = Files.readSymbolicLink(next).toString();
      for (String t : components(link).reversed()) {
        todo.addFirst(t);
      }
      if (link.startsWith("/")) {
        at = root;
      }
    }
    return at;
  }

  /** A directory recorded earlier is still reached from DIR without a symlink (no later entry replaced a parent). */
  private static boolean noSymlinkBetween(Path root, Path p) {
    for (Path q = p.getParent(); q != null && q.startsWith(root) && !q.equals(root); q = q.getParent()) {
      if (Files.isSymbolicLink(q)) {
        return false;
      }
    }
    return true;
  }

  /** Counts the layer's tar bytes as they are read, for its bar and the image's. */
  private static InputStream counted(InputStream in, ProgressTask bar, ProgressTask overall) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          add(1);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          add(n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long k = super.skip(n);
        add(k);
        return k;
      }

      private void add(long n) {
        bar.advance(n);
        overall.advance(n);
      }
    };
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

  /**
   * Deletes what lower layers left at {@code p}: a whiteout hides only lower layers' entries, so anything
   * this layer itself wrote there (in {@code created}) stays, whatever the entries' order in the tar
   * (image-spec layer.md, "Whiteouts"; umoci does the same). A lower directory that still holds this
   * layer's entries stays with them.
   */
  private static void deleteLower(Path p, Set<Path> created) throws IOException {
    boolean ours = created.contains(p);
    boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    if (ours && !dir) {
      return;
    }
    if (dir) {
      boolean empty = true;
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
        for (Path c : s) {
          deleteLower(c, created);
          empty &= !Files.exists(c, LinkOption.NOFOLLOW_LINKS);
        }
      }
      if (ours || !empty) {
        return;
      }
    }
    Files.deleteIfExists(p);
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
