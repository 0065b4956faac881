package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code mknod(2)}, {@code symlink(2)}, {@code chmod(2)}, {@code utimensat(2)}, {@code lsetxattr(2)} and {@code lgetxattr(2)}
 * (bound in {@link Posix}), with errno turned into an {@link IOException} naming the path. Unavailable off
 * Linux/glibc or without native access.
 */
public final class NativeFs {
  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFBLK = 0060000;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final long UTIME_OMIT = (1L << 30) - 2;

  private NativeFs() {}

  public static boolean available() {
    return Posix.available();
  }

  /** True when this process runs as root (then ownership and device nodes can be applied). */
  public static boolean isRoot() {
    return uid() == 0;
  }

  /** This process's user id (the owner of {@code /proc/self}), or −1 where that cannot be read. */
  public static long uid() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  /** glibc's {@code makedev}. */
  public static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }

  /** Creates a device node or fifo: {@code type} is {@link #S_IFCHR}, {@link #S_IFBLK} or {@link #S_IFIFO}. */
  public static void mknod(Path p, int type, int mode, long dev) throws IOException {
    check();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      int rc = (int) Posix.MKNOD.invokeExact(state, arena.allocateFrom(p.toString()), type | (mode & 07777), dev);
      if (rc != 0) {
        throw failure("mknod", p, state);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(p + ": mknod failed: " + t, t);
    }
  }

  /**
   * Creates symlink {@code link} whose target is exactly {@code target}'s bytes (UTF-8). The JDK's
   * {@code Files.createSymbolicLink} takes the target as a {@code Path}, which drops a trailing and doubled
   * {@code /} ({@code usr/lib/} becomes {@code usr/lib}); a root filesystem should hold what the tar says.
   * An existing {@code link} is a {@link java.nio.file.FileAlreadyExistsException}, a missing parent a
   * {@link java.nio.file.NoSuchFileException}, as with the JDK.
   */
  public static void symlink(String target, Path link) throws IOException {
    check();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      int rc = (int) Posix.SYMLINK.invokeExact(state, arena.allocateFrom(target), arena.allocateFrom(link.toString()));
      if (rc != 0) {
        int errno = Posix.errno(state);
        throw switch (errno) {
          case Posix.EEXIST -> new java.nio.file.FileAlreadyExistsException(link.toString());
          case Posix.ENOENT -> new java.nio.file.NoSuchFileException(link.toString());
          case Posix.ENOTDIR -> new java.nio.file.NotDirectoryException(link.toString());
          default -> failure("symlink", link, state);
        };
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(link + ": symlink failed: " + t, t);
    }
  }

  /**
   * {@code chmod(2)} by path. For fifos and device nodes: the JDK's attribute views open the file to
   * change its mode or times, and opening a fifo blocks until a writer comes.
   */
  public static void chmod(Path p, int mode) throws IOException {
    check();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      int rc = (int) Posix.CHMOD.invokeExact(state, arena.allocateFrom(p.toString()), mode & 07777);
      if (rc != 0) {
        throw failure("chmod", p, state);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(p + ": chmod failed: " + t, t);
    }
  }

  /** Sets the modification time of {@code p} itself (access time untouched) without opening it. */
  public static void setModifiedTime(Path p, java.time.Instant t) throws IOException {
    check();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
      times.setAtIndex(ValueLayout.JAVA_LONG, 0, 0);
      times.setAtIndex(ValueLayout.JAVA_LONG, 1, UTIME_OMIT);
      times.setAtIndex(ValueLayout.JAVA_LONG, 2, t.getEpochSecond());
      times.setAtIndex(ValueLayout.JAVA_LONG, 3, t.getNano());
      int rc = (int) Posix.UTIMENSAT.invokeExact(state, Posix.AT_FDCWD, arena.allocateFrom(p.toString()), times,
          AT_SYMLINK_NOFOLLOW);
      if (rc != 0) {
        throw failure("setting the modification time", p, state);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t2) {
      throw new IOException(p + ": utimensat failed: " + t2, t2);
    }
  }

  /** Sets extended attribute {@code name} (any namespace) on {@code p} itself, not following a symlink. */
  public static void lsetxattr(Path p, String name, byte[] value) throws IOException {
    check();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      MemorySegment v = arena.allocate(Math.max(1, value.length));
      MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
      int rc = (int) Posix.LSETXATTR.invokeExact(state, arena.allocateFrom(p.toString()), arena.allocateFrom(name), v,
          (long) value.length, 0);
      if (rc != 0) {
        throw failure("setting xattr " + name, p, state);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(p + ": lsetxattr failed: " + t, t);
    }
  }

  /** The value of extended attribute {@code name} of {@code p}, or null when it has none (up to 64 KiB). */
  public static byte[] lgetxattr(Path p, String name) throws IOException {
    check();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      MemorySegment v = arena.allocate(65536);
      long n = (long) Posix.LGETXATTR.invokeExact(state, arena.allocateFrom(p.toString()), arena.allocateFrom(name), v, 65536L);
      if (n < 0) {
        if (Posix.errno(state) == Posix.ENODATA) {
          return null;
        }
        throw failure("reading xattr " + name, p, state);
      }
      return v.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(p + ": lgetxattr failed: " + t, t);
    }
  }

  private static void check() throws IOException {
    if (!available()) {
      throw new IOException("native file-system calls are unavailable (not Linux/glibc, or no native access)");
    }
  }

  private static IOException failure(String what, Path p, MemorySegment state) throws Throwable {
    int errno = Posix.errno(state);
    String text = p + ": " + what + ": " + Posix.strerror(errno);
    return errno == Posix.EINVAL || errno == Posix.ERANGE || errno == Posix.E2BIG
        ? new InvalidValueException(text) : new IOException(text);
  }

  /** The kernel refused the value itself (EINVAL, ERANGE, E2BIG), not the file or the file system. */
  public static final class InvalidValueException extends IOException {
    InvalidValueException(String message) {
      super(message);
    }
  }
}
