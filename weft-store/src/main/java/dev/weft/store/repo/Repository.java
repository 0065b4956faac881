package dev.weft.store.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.io.Fsync;
import dev.weft.store.fs.FsBarrier;
import dev.weft.store.fs.TmpfileWriter;
import dev.weft.store.verity.FsVerity;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A composefs-compatible repository (see the package documentation for the layout and API). Thread-safe:
 * objects may be put from many pool threads at once. Objects appear under their names only complete: small
 * ones as unnamed O_TMPFILE files linked into place (or, without O_TMPFILE, a {@code .tmp-*} name in
 * {@code objects/XX/} renamed into place), large objects written piecewise through a {@code .tmp-*} name in
 * {@code objects/} that is renamed; new objects become durable at the next {@link #barrier()}.
 */
public final class Repository {
  public static final int FORMAT_VERSION = 1;
  public static final String ALGORITHM = "fsverity-sha256-12";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TMP_PREFIX = ".tmp-";
  private static final AtomicLong TMP_IDS = new AtomicLong(System.nanoTime());
  private static final long PID = ProcessHandle.current().pid();
  /**
   * {@code -Dweft.store.noTmpfile=true} writes every object through a temporary name and a rename, as on
   * file systems without O_TMPFILE: for tests of that path and for comparing the two in benchmarks.
   */
  public static final String NO_TMPFILE_PROPERTY = "weft.store.noTmpfile";

  private final Path root;
  private final Path objects;
  private final Path streams;
  private final Path refs;
  /** Bit i of word i/64 set once objects/XX exists, to skip createDirectories on the hot path. */
  private final AtomicLongArray prefixDirs = new AtomicLongArray(4);
  /** Files and directories written since the last barrier; fsynced only when syncfs is unavailable. */
  private final Queue<Path> unsynced = new ConcurrentLinkedQueue<>();
  /**
   * The next barrier's handle, opened before any change it is to cover so that it sees every writeback
   * error of those changes ({@link FsBarrier} says why): by the first change, and then by each barrier for
   * the next one, before it syncs (a write still in flight during a barrier is covered by the next).
   */
  private final AtomicReference<FsBarrier> nextBarrier = new AtomicReference<>();
  private final AtomicLong objectsWritten = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  /** Null until the first object write finds out whether {@code objects/} takes O_TMPFILE files. */
  private volatile Boolean tmpfile;
  private volatile Consumer<String> lockWaitNotice = message -> {};

  private Repository(Path root) {
    this.root = root;
    this.objects = root.resolve("objects");
    this.streams = root.resolve("streams");
    this.refs = streams.resolve("refs");
  }

  /**
   * Opens the repository at {@code root}, creating it (with {@code meta.json}) when {@code create} and it
   * does not exist. Without {@code create} (read-only commands) nothing is created: a directory that does
   * not exist is a {@link UsageException} (the user named the wrong place), an existing directory without
   * {@code meta.json} or with an unsupported one a {@link BadDataException} naming the file.
   */
  public static Repository open(Path root, boolean create) {
    Repository repo = new Repository(root);
    Path meta = root.resolve("meta.json");
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new UsageException(root + ": not a directory; --repo names a repository directory (or a new one to create)");
    }
    try {
      if (!Files.exists(meta)) {
        if (!create && !Files.exists(root)) {
          throw new UsageException(root + ": no such repository (weft oci import or weft put creates one)");
        }
        if (!create) {
          throw new BadDataException(root + ": not a weft/composefs repository (no meta.json); import something first");
        }
        refuseForeignContent(root);
        Files.createDirectories(repo.objects);
        Files.createDirectories(repo.refs);
        ObjectNode m = JSON.createObjectNode();
        m.put("version", FORMAT_VERSION);
        m.put("algorithm", ALGORITHM);
        ObjectNode f = m.putObject("features");
        f.putArray("compatible");
        f.putArray("read-only-compatible");
        f.putArray("incompatible");
        Path tmp = root.resolve(".meta.json.tmp");
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        Files.move(tmp, meta, StandardCopyOption.ATOMIC_MOVE);
        return repo;
      }
      JsonNode m;
      try {
        m = JSON.readTree(meta.toFile());
      } catch (IOException e) {
        throw new BadDataException(meta + ": malformed JSON: " + JsonErrors.describe(e));
      }
      if (m == null || !m.path("version").canConvertToInt()) {
        throw new BadDataException(meta + ": no integer \"version\"");
      }
      if (m.get("version").asInt() > FORMAT_VERSION) {
        throw new BadDataException(meta + ": repository version " + m.get("version").asInt()
            + " is newer than this weft understands (" + FORMAT_VERSION + ")");
      }
      if (!ALGORITHM.equals(m.path("algorithm").asText())) {
        throw new BadDataException(meta + ": algorithm " + m.path("algorithm") + " is not supported (only "
            + ALGORITHM + ")");
      }
      JsonNode incompatible = m.path("features").path("incompatible");
      if (incompatible.isArray() && !incompatible.isEmpty()) {
        throw new BadDataException(meta + ": repository needs unknown features " + incompatible);
      }
      Files.createDirectories(repo.objects);
      Files.createDirectories(repo.refs);
      return repo;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open repository " + root + ": " + e.getMessage(), e);
    }
  }

  /** What a repository being created may already hold: the parts an interrupted creation leaves. */
  private static final java.util.Set<String> CREATION_LEFTOVERS = java.util.Set.of("objects", "streams",
      ".meta.json.tmp", ".lock", "lost+found"); // lost+found: the root of a file system of its own

  /** A new repository goes into an empty or new directory only: never turn someone's files into one. */
  private static void refuseForeignContent(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> s = Files.list(root)) {
      List<String> foreign = s.map(p -> p.getFileName().toString()).filter(n -> !CREATION_LEFTOVERS.contains(n))
          .sorted().limit(3).toList();
      if (!foreign.isEmpty()) {
        throw new UsageException(root + ": not a weft repository (no meta.json) and not empty (holds "
            + String.join(", ", foreign) + (foreign.size() == 3 ? ", …" : "") + "); choose a new or empty directory");
      }
    }
  }

  public Path root() {
    return root;
  }

  /**
   * Where to say that this repository's lock is busy and the command waits for it (see {@link RepoLock});
   * by default nowhere. The CLI sends it to stderr. Returns this repository.
   */
  public Repository onLockWait(Consumer<String> notice) {
    this.lockWaitNotice = java.util.Objects.requireNonNull(notice);
    return this;
  }

  /** Shared lock for a command that adds data (import, put): needs write access to the repository. */
  public RepoLock lockShared() {
    return RepoLock.acquire(root.resolve(".lock"), false, false, lockWaitNotice);
  }

  /**
   * Shared lock for a command that only reads (export, unpack, fsck without repair, get): works on a
   * repository this user cannot write, see {@link RepoLock}.
   */
  public RepoLock lockForReading() {
    return RepoLock.acquire(root.resolve(".lock"), false, true, lockWaitNotice);
  }

  /** Exclusive lock: gc, fsck --repair. */
  public RepoLock lockExclusive() {
    return RepoLock.acquire(root.resolve(".lock"), true, false, lockWaitNotice);
  }

  // ---- objects ----

  public Path objectPath(ObjectId id) {
    String hex = id.hex();
    return objects.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
  }

  public boolean hasObject(ObjectId id) {
    return Files.exists(objectPath(id));
  }

  /** Stores {@code data} and returns its digest; an object that exists already is not written again. */
  public ObjectId putObject(byte[] data) {
    return putObject(data, 0, data.length);
  }

  public ObjectId putObject(byte[] data, int offset, int length) {
    ObjectId id = FsVerity.digest(data, offset, length);
    storeObject(id, data, offset, length);
    return id;
  }

  /**
   * Stores {@code data[offset, offset+length)} as object {@code id}, which the caller has computed with
   * {@link FsVerity}; returns false when the object was present already (nothing written).
   *
   * <p>Where the file system has {@code O_TMPFILE} (ext4, xfs, btrfs, tmpfs) the object is written as an
   * unnamed file and linked under its name once complete ({@link TmpfileWriter}): no temporary name, no
   * rename, and nothing left behind by a killed process. Elsewhere it is written to a temporary name in the
   * object's own {@code objects/XX/} and renamed (a rename inside one directory; measured in
   * docs/bench/store.md). Either way nothing half-written ever has an object's name. One existence check,
   * one create, one write, one link or rename: no fsync here, the barrier covers it.
   */
  public boolean storeObject(ObjectId id, byte[] data, int offset, int length) {
    Path target = objectPath(id);
    try {
      if (present(target, length)) {
        return false;
      }
      beforeChange();
      ensurePrefixDir(id, target.getParent());
      boolean written = useTmpfile() ? linkNew(target, data, offset, length) : writeViaTempName(target, data, offset, length);
      if (written) {
        unsynced.add(target);
        objectsWritten.incrementAndGet();
        bytesWritten.addAndGet(length);
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write object " + id + " to " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code target} as an unnamed file linked into place. When the name exists already (another
   * writer got there first, or what {@link #present} did not trust) it is kept if its size is right and
   * otherwise replaced by a complete copy, see {@link #present}.
   */
  private boolean linkNew(Path target, byte[] data, int offset, int length) throws IOException {
    String name = target.getFileName().toString();
    for (int attempt = 0; ; attempt++) {
      if (TmpfileWriter.writeNew(target.getParent(), name, data, offset, length)) {
        return true;
      }
      if (attempt > 0 || sizeOrMinusOne(target) == length) {
        return false;
      }
      Files.deleteIfExists(target); // cut short by a crash before a barrier: write it again
    }
  }

  private boolean writeViaTempName(Path target, byte[] data, int offset, int length) throws IOException {
    Path tmp = tempNameIn(target.getParent());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(data, offset, length);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
      return true;
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
    }
  }

  /** Tests: write objects through temporary names and renames, as on a file system without O_TMPFILE. */
  void forceTempNameWrites() {
    tmpfile = false;
  }

  /** Whether objects are written as unnamed files; decided once, on the first write, for this repository. */
  private boolean useTmpfile() {
    Boolean use = tmpfile;
    if (use == null) {
      use = !Boolean.getBoolean(NO_TMPFILE_PROPERTY) && TmpfileWriter.supported(objects);
      tmpfile = use;
    }
    return use;
  }

  /** A new empty file under {@code objects/} for an object written piecewise; commit or delete it. */
  public Path newTempFile() {
    try {
      beforeChange();
      Path tmp = tempName();
      Files.createFile(tmp);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary file in " + objects + ": " + e.getMessage(), e);
    }
  }

  private Path tempName() {
    return tempNameIn(objects);
  }

  private static Path tempNameIn(Path dir) {
    return dir.resolve(TMP_PREFIX + PID + "-" + TMP_IDS.incrementAndGet());
  }

  /** Renames a fully written temporary file into place as object {@code id} (its digest, computed by the caller). */
  public void commitTemp(Path tmp, ObjectId id, long size) throws IOException {
    Path target = objectPath(id);
    beforeChange();
    ensurePrefixDir(id, target.getParent());
    if (present(target, size)) {
      Files.deleteIfExists(tmp);
      return;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); // replaces an object of the wrong size
    unsynced.add(target);
    objectsWritten.incrementAndGet();
    bytesWritten.addAndGet(size);
  }

  /**
   * True if object file {@code target} exists with {@code size} bytes, so it need not be written again. One
   * of another size is not trusted: while the system runs an object only ever appears complete, but after a
   * crash before the {@link #barrier()} that would have covered it, its name can be on disk with its data
   * missing or cut short (ext4 in ordered mode shows such a file empty or short, never with stale bytes).
   * The write that follows replaces it (a rename replaces the name; {@link #linkNew} removes it first), so
   * a rerun import does not publish a stream over it; a damaged object of the right size is for
   * {@code fsck}, which re-hashes every object.
   *
   * <p>Most objects of an import are new, so this must be cheap when the file is absent: {@code
   * File.length()} is one {@code stat(2)} that reports a missing file as 0, where {@code Files.size} threw
   * a {@code NoSuchFileException} per new object, whose stack trace was ≈ 3 % of an import's CPU
   * (docs/bench/store.md, round 7).
   */
  private static boolean present(Path target, long size) {
    return size > 0 ? target.toFile().length() == size : sizeOrMinusOne(target) == 0;
  }

  /** The size of {@code file}, or −1 when it does not exist (or cannot be read). */
  private static long sizeOrMinusOne(Path file) {
    java.io.File f = file.toFile();
    long n = f.length();
    return n > 0 || f.exists() ? n : -1;
  }

  private void ensurePrefixDir(ObjectId id, Path dir) throws IOException {
    int prefix = Byte.toUnsignedInt(id.bytes()[0]);
    long bit = 1L << (prefix & 63);
    if ((prefixDirs.get(prefix >>> 6) & bit) == 0) {
      Files.createDirectories(dir);
      unsynced.add(dir);
      prefixDirs.getAndUpdate(prefix >>> 6, w -> w | bit);
    }
  }

  public static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a stray temporary file is removed by gc
    }
  }

  public InputStream openObject(ObjectId id) throws IOException {
    try {
      return Files.newInputStream(objectPath(id));
    } catch (NoSuchFileException e) {
      throw new BadDataException(root + ": object " + id + " is missing");
    }
  }

  public byte[] readObject(ObjectId id) throws IOException {
    try {
      return Files.readAllBytes(objectPath(id));
    } catch (NoSuchFileException e) {
      throw new BadDataException(root + ": object " + id + " is missing");
    }
  }

  /** Every object in the store, in no particular order. */
  public List<ObjectId> listObjects() throws IOException {
    List<ObjectId> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(objects)) {
      for (Path d : dirs) {
        String prefix = d.getFileName().toString();
        if (prefix.length() != 2 || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
          for (Path f : files) {
            ObjectId id = ObjectId.parseOrNull(prefix + f.getFileName());
            if (id != null) {
              out.add(id);
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * Temporary files left by interrupted writers, in {@code objects/} (large objects written piecewise) and
   * in the {@code objects/XX/} directories (small objects); removed by gc under the exclusive lock.
   */
  public List<Path> listTempFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> top = Files.newDirectoryStream(objects)) {
      for (Path p : top) {
        String name = p.getFileName().toString();
        if (name.startsWith(TMP_PREFIX)) {
          out.add(p);
        } else if (name.length() == 2 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          try (DirectoryStream<Path> inner = Files.newDirectoryStream(p, TMP_PREFIX + "*")) {
            inner.forEach(out::add);
          }
        }
      }
    }
    // A link being replaced (replaceSymlink) is a temporary name in streams/ or under streams/refs/ until its
    // rename; a kill in between leaves it.
    try (Stream<Path> s = Files.walk(streams)) {
      s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX) && Files.isSymbolicLink(p)).forEach(out::add);
    }
    return out;
  }

  /** Objects and bytes this instance wrote (objects found present are not counted). */
  public long objectsWritten() {
    return objectsWritten.get();
  }

  public long bytesWritten() {
    return bytesWritten.get();
  }

  // ---- durability ----

  /** True if this instance wrote objects since its last barrier (so publishing needs one). */
  public boolean hasUnsyncedWrites() {
    return !unsynced.isEmpty();
  }

  /** Tests: the handle the next barrier syncs (the one open now is closed). */
  void nextBarrierForTests(FsBarrier handle) {
    FsBarrier old = nextBarrier.getAndSet(handle);
    if (old != null) {
      old.close();
    }
  }

  /** Opens the next barrier's handle unless it is open: call before any change the barrier covers. */
  private void beforeChange() throws IOException {
    if (nextBarrier.get() == null) {
      FsBarrier opened = FsBarrier.open(root);
      if (!nextBarrier.compareAndSet(null, opened)) {
        opened.close(); // another writer opened it first
      }
    }
  }

  /**
   * Makes every object written so far durable: one {@code syncfs} of the repository's filesystem, or,
   * where that is unavailable, an fsync of each file and directory written since the last barrier. A
   * failed {@code syncfs} is an {@link IOException} (the data may be lost: nothing may be published).
   */
  public void barrier() throws IOException {
    List<Path> pending = new ArrayList<>();
    for (Path p; (p = unsynced.poll()) != null; ) {
      pending.add(p);
    }
    FsBarrier current = nextBarrier.getAndSet(FsBarrier.open(root));
    try (FsBarrier b = current != null ? current : FsBarrier.open(root)) {
      if (b.sync()) {
        return;
      }
    } catch (IOException e) {
      // The objects written since the last barrier keep their names but maybe not their data, and the
      // kernel reports a writeback error once: a rerun would find them by size, sync cleanly and publish
      // them. Removed, the rerun writes them again.
      for (Path p : pending) {
        if (p.startsWith(objects) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          deleteQuietly(p);
        }
      }
      throw e;
    }
    // Without syncfs: each file, then every directory a file was renamed into (a rename is durable only
    // once its directory is), then objects/ for the prefix directories created.
    java.util.Set<Path> dirs = new java.util.LinkedHashSet<>();
    for (Path p : pending) {
      fsync(p);
      dirs.add(p.getParent());
    }
    dirs.remove(objects);
    for (Path d : dirs) {
      fsync(d);
    }
    fsync(objects);
  }

  private static void fsync(Path p) throws IOException {
    try {
      Fsync.file(p);
    } catch (NoSuchFileException e) {
      // removed by a concurrent gc; nothing to make durable
    }
  }

  // ---- streams ----

  private static void checkName(String name) {
    if (name.isEmpty() || name.contains("/") || name.startsWith(".") || name.equals("refs") || name.indexOf('\0') >= 0) {
      // Names come from the command line too (weft cat STREAM): a usage error, not an internal one.
      throw new UsageException("bad stream name '" + name + "': a name in streams/, without '/' or a leading '.'");
    }
  }

  /**
   * Stores a split stream's bytes as an object, makes it and every object written before it durable, then
   * links {@code streams/name} to it (replacing an older link atomically).
   */
  public ObjectId publishStream(String name, byte[] splitStream) throws IOException {
    checkName(name);
    ObjectId id = putObject(splitStream);
    barrier();
    String hex = id.hex();
    replaceSymlink(streams.resolve(name), Path.of("..", "objects", hex.substring(0, 2), hex.substring(2)));
    return id;
  }

  /**
   * Links {@code streams/name} to an object already stored with {@link #putObject}; the caller must have
   * run {@link #barrier()} after storing it and everything it names. Lets an import publish many streams
   * after one barrier.
   */
  public void linkStream(String name, ObjectId id) throws IOException {
    checkName(name);
    if (!hasObject(id)) {
      throw new IllegalStateException("stream " + name + " would name missing object " + id);
    }
    String hex = id.hex();
    replaceSymlink(streams.resolve(name), Path.of("..", "objects", hex.substring(0, 2), hex.substring(2)));
  }

  /** The object a stream links to, if the link exists (the object itself may be missing). */
  public Optional<ObjectId> streamId(String name) {
    checkName(name);
    Path link = streams.resolve(name);
    try {
      Path target = Files.readSymbolicLink(link);
      int n = target.getNameCount();
      if (n < 2) {
        return Optional.empty();
      }
      ObjectId id = ObjectId.parseOrNull(target.getName(n - 2).toString() + target.getName(n - 1));
      // Only a link to this repository's object counts: one elsewhere that merely ends like an object
      // name would have fsck check, and gc keep, the wrong file.
      if (id == null || !streams.resolve(target).toAbsolutePath().normalize()
          .equals(objectPath(id).toAbsolutePath().normalize())) {
        return Optional.empty();
      }
      return Optional.of(id);
    } catch (NoSuchFileException | java.nio.file.NotLinkException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True if the stream is linked and its object exists. */
  public boolean hasStream(String name) {
    return streamId(name).map(this::hasObject).orElse(false);
  }

  public List<String> streamNames() throws IOException {
    try (Stream<Path> s = Files.list(streams)) {
      // Names with a leading '.' are no streams (checkName refuses them): a replaceSymlink temporary left by a kill.
      return s.filter(p -> Files.isSymbolicLink(p)).map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  public void removeStream(String name) throws IOException {
    checkName(name);
    Path link = streams.resolve(name);
    beforeChange();
    Files.deleteIfExists(link);
    // The next barrier makes the removal durable: fsync of the gone link is skipped, its directory is synced.
    unsynced.add(link);
  }

  // ---- refs ----

  private Path refPath(String ref) {
    Path p = refs.resolve(ref).normalize();
    if (!p.startsWith(refs) || p.equals(refs) || ref.startsWith("/")) {
      throw new UsageException("bad ref name '" + ref + "': a path inside streams/refs/");
    }
    return p;
  }

  /** Points {@code streams/refs/<ref>} at {@code streams/<stream>}; a GC root. */
  public void setRef(String ref, String stream) throws IOException {
    checkName(stream);
    Path link = refPath(ref);
    Files.createDirectories(link.getParent());
    // From streams/refs/a/b the stream streams/<stream> is ../../<stream>: one ".." per ref component.
    Path target = Path.of(stream);
    for (int i = 0; i < refs.relativize(link).getNameCount(); i++) {
      target = Path.of("..").resolve(target);
    }
    replaceSymlink(link, target);
    fsync(link.getParent());
  }

  /** The stream a ref names, or empty when the ref does not exist. */
  public Optional<String> refTarget(String ref) {
    try {
      return Optional.of(Files.readSymbolicLink(refPath(ref)).getFileName().toString());
    } catch (NoSuchFileException | java.nio.file.NotLinkException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ref names (relative to {@code streams/refs}) under {@code prefix} ("" for all), sorted. */
  public List<String> refs(String prefix) throws IOException {
    Path base = prefix.isEmpty() ? refs : refs.resolve(prefix);
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(base)) {
      return s.filter(p -> Files.isSymbolicLink(p) && !p.getFileName().toString().startsWith(TMP_PREFIX))
          .map(p -> refs.relativize(p).toString()).sorted().toList();
    }
  }

  public boolean removeRef(String ref) throws IOException {
    Path link = refPath(ref);
    beforeChange();
    boolean removed = Files.deleteIfExists(link);
    unsynced.add(link); // as removeStream: the next barrier syncs its directory
    return removed;
  }

  private void replaceSymlink(Path link, Path target) throws IOException {
    Path tmp = link.resolveSibling(TMP_PREFIX + link.getFileName() + "-" + TMP_IDS.incrementAndGet());
    try {
      Files.createSymbolicLink(tmp, target);
    } catch (FileAlreadyExistsException e) {
      Files.delete(tmp);
      Files.createSymbolicLink(tmp, target);
    }
    try {
      Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      deleteQuietly(tmp);
    }
  }
}
