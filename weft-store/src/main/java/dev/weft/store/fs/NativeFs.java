package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code mknod(2)}, {@code lsetxattr(2)} and {@code lgetxattr(2)} through FFM, with errno turned into an
 * {@link IOException} naming the path. Unavailable off Linux/glibc or without native access.
 */
public final class NativeFs {
  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFBLK = 0060000;
  private static final MethodHandle MKNOD;
  private static final MethodHandle LSETXATTR;
  private static final MethodHandle LGETXATTR;
  private static final MethodHandle STRERROR;
  private static final MethodHandle CHMOD;
  private static final MethodHandle UTIMENSAT;
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final VarHandle ERRNO;
  private static final java.lang.foreign.StructLayout CAPTURE;

  static {
    MethodHandle mknod = null;
    MethodHandle set = null;
    MethodHandle get = null;
    MethodHandle strerror = null;
    MethodHandle chmod = null;
    MethodHandle utimensat = null;
    VarHandle errno = null;
    java.lang.foreign.StructLayout capture = null;
    try {
      capture = Linker.Option.captureStateLayout();
      Linker linker = Linker.nativeLinker();
      var lookup = linker.defaultLookup();
      Linker.Option errnoOption = Linker.Option.captureCallState("errno");
      mknod = linker.downcallHandle(lookup.find("mknod").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
          errnoOption);
      set = linker.downcallHandle(lookup.find("lsetxattr").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), errnoOption);
      get = linker.downcallHandle(lookup.find("lgetxattr").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG), errnoOption);
      chmod = linker.downcallHandle(lookup.find("chmod").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errnoOption);
      utimensat = linker.downcallHandle(lookup.find("utimensat").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
              ValueLayout.JAVA_INT), errnoOption);
      strerror = linker.downcallHandle(lookup.find("strerror").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      errno = capture.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    } catch (Throwable t) {
      mknod = null; // not Linux/glibc, or native access denied
    }
    CAPTURE = capture;
    MKNOD = mknod;
    LSETXATTR = mknod == null ? null : set;
    LGETXATTR = mknod == null ? null : get;
    STRERROR = mknod == null ? null : strerror;
    CHMOD = mknod == null ? null : chmod;
    UTIMENSAT = mknod == null ? null : utimensat;
    ERRNO = mknod == null ? null : errno;
  }

  private NativeFs() {}

  public static boolean available() {
    return MKNOD != null;
  }

  /** True when this process runs as root (then ownership and device nodes can be applied). */
  public static boolean isRoot() {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
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
      MemorySegment state = arena.allocate(CAPTURE);
      int rc = (int) MKNOD.invokeExact(state, arena.allocateFrom(p.toString()), type | (mode & 07777), dev);
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
   * {@code chmod(2)} by path. For fifos and device nodes: the JDK's attribute views open the file to
   * change its mode or times, and opening a fifo blocks until a writer comes.
   */
  public static void chmod(Path p, int mode) throws IOException {
    check();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int rc = (int) CHMOD.invokeExact(state, arena.allocateFrom(p.toString()), mode & 07777);
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
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
      times.setAtIndex(ValueLayout.JAVA_LONG, 0, 0);
      times.setAtIndex(ValueLayout.JAVA_LONG, 1, UTIME_OMIT);
      times.setAtIndex(ValueLayout.JAVA_LONG, 2, t.getEpochSecond());
      times.setAtIndex(ValueLayout.JAVA_LONG, 3, t.getNano());
      int rc = (int) UTIMENSAT.invokeExact(state, AT_FDCWD, arena.allocateFrom(p.toString()), times, AT_SYMLINK_NOFOLLOW);
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
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment v = arena.allocate(Math.max(1, value.length));
      MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
      int rc = (int) LSETXATTR.invokeExact(state, arena.allocateFrom(p.toString()), arena.allocateFrom(name), v,
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
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment v = arena.allocate(65536);
      long n = (long) LGETXATTR.invokeExact(state, arena.allocateFrom(p.toString()), arena.allocateFrom(name), v, 65536L);
      if (n < 0) {
        int errno = (int) ERRNO.get(state, 0L);
        if (errno == 61) { // ENODATA
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
    int errno = (int) ERRNO.get(state, 0L);
    MemorySegment msg = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256);
    String text = p + ": " + what + ": " + msg.getString(0);
    return errno == EINVAL || errno == ERANGE || errno == E2BIG ? new InvalidValueException(text) : new IOException(text);
  }

  private static final int E2BIG = 7;
  private static final int EINVAL = 22;
  private static final int ERANGE = 34;

  /** The kernel refused the value itself (EINVAL, ERANGE, E2BIG), not the file or the file system. */
  public static final class InvalidValueException extends IOException {
    InvalidValueException(String message) {
      super(message);
    }
  }
}
