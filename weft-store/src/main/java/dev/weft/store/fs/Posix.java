package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls of this package ({@link TmpfileWriter}, {@link DirectIo}, {@link NativeFs}, {@link FsBarrier}), bound once
 * through the FFM API with {@code errno} captured. A handle that cannot be bound (off Linux/glibc, without
 * native access) is null; callers check {@link #available()}, true only when every handle is bound.
 */
final class Posix {
  static final int O_RDONLY = 0;
  static final int O_WRONLY = 01;
  static final int O_DIRECTORY = 0200000;
  static final int O_CLOEXEC = 02000000;
  static final int O_TMPFILE = 020000000 | O_DIRECTORY; // __O_TMPFILE | O_DIRECTORY, as glibc defines it
  static final int O_DIRECT = 040000; // x86-64 and aarch64 alike
  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final int AT_FDCWD = -100;
  static final int AT_SYMLINK_FOLLOW = 0x400;
  static final int AT_EMPTY_PATH = 0x1000;
  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int E2BIG = 7;
  static final int EEXIST = 17;
  static final int ENOTDIR = 20;
  static final int EINVAL = 22;
  static final int ERANGE = 34;
  static final int ENODATA = 61;
  static final int ENOSYS = 38;

  private static final Linker LINKER = linkerOrNull();
  private static final Linker.Option ERRNO_STATE = Linker.Option.captureCallState("errno");
  private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
  private static final AddressLayout A = ValueLayout.ADDRESS;

  // Not critical calls: write(2) can sleep (dirty-page throttling, a slow disk, a direct write waiting for
  // the device), and a critical call would hold every safepoint (GC included) of the JVM until it returns.
  // The bytes go through a native buffer instead (one copy, ~1 % of an import's CPU).
  static final MethodHandle OPEN = bind("open", FunctionDescriptor.of(I, A, I, I), ERRNO_STATE,
      Linker.Option.firstVariadicArg(2));
  static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(L, I, A, L), ERRNO_STATE);
  static final MethodHandle PWRITE = bind("pwrite", FunctionDescriptor.of(L, I, A, L, L), ERRNO_STATE);
  static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(I, I));
  static final MethodHandle LINKAT = bind("linkat", FunctionDescriptor.of(I, I, A, I, A, I), ERRNO_STATE);
  static final MethodHandle FCNTL = bind("fcntl", FunctionDescriptor.of(I, I, I, I), ERRNO_STATE,
      Linker.Option.firstVariadicArg(2));
  static final MethodHandle MKNOD = bind("mknod", FunctionDescriptor.of(I, A, I, L), ERRNO_STATE);
  static final MethodHandle SYMLINK = bind("symlink", FunctionDescriptor.of(I, A, A), ERRNO_STATE);
  static final MethodHandle CHMOD = bind("chmod", FunctionDescriptor.of(I, A, I), ERRNO_STATE);
  static final MethodHandle UTIMENSAT = bind("utimensat", FunctionDescriptor.of(I, I, A, A, I), ERRNO_STATE);
  static final MethodHandle LSETXATTR = bind("lsetxattr", FunctionDescriptor.of(I, A, A, A, L, I), ERRNO_STATE);
  static final MethodHandle LGETXATTR = bind("lgetxattr", FunctionDescriptor.of(L, A, A, A, L), ERRNO_STATE);
  /** Not part of {@link #available()}: {@link FsBarrier} checks it itself (a libc without it loses only that). */
  static final MethodHandle SYNCFS = bind("syncfs", FunctionDescriptor.of(I, I), ERRNO_STATE);
  static final MethodHandle STRERROR = bind("strerror", FunctionDescriptor.of(A, I));
  static final StructLayout CAPTURE = LINKER == null ? null : Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CAPTURE == null ? null : CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  /** All or nothing: callers check this once and then use any handle. */
  private static final boolean AVAILABLE = java.util.stream.Stream.of(OPEN, WRITE, PWRITE, CLOSE, LINKAT, FCNTL,
      MKNOD, SYMLINK, CHMOD, UTIMENSAT, LSETXATTR, LGETXATTR, STRERROR).allMatch(java.util.Objects::nonNull);

  /** The native linker, or null off a supported platform. */
  private static Linker linkerOrNull() {
    try {
      return Linker.nativeLinker();
    } catch (Throwable t) {
      return null;
    }
  }

  /** A downcall handle to libc's {@code name}, or null (no linker, no such symbol, native access denied). */
  private static MethodHandle bind(String name, FunctionDescriptor f, Linker.Option... options) {
    if (LINKER == null) {
      return null;
    }
    try {
      return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), f, options);
    } catch (Throwable t) {
      return null;
    }
  }

  private Posix() {}

  static boolean available() {
    return AVAILABLE;
  }

  static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  /** "WHAT: strerror(errno)" as an exception, for a call that just failed. */
  static IOException failure(String what, MemorySegment state) throws Throwable {
    return new IOException(what + ": " + strerror(errno(state)));
  }

  static String strerror(int errno) throws Throwable {
    return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256).getString(0);
  }

  /**
   * Writes all of {@code buf} to {@code fd}: at the descriptor's offset when {@code position} is negative,
   * else at {@code position}. A write refused with {@code EINVAL} on a descriptor opened with {@code O_DIRECT}
   * (the file system or device wants another alignment) clears {@code O_DIRECT} on it, switches direct writes
   * off for the process ({@link DirectIo#refused}) and is retried buffered.
   */
  static void writeFully(MemorySegment state, int fd, MemorySegment buf, long position, String file)
      throws Throwable {
    long done = 0;
    long length = buf.byteSize();
    while (done < length) {
      long n = position < 0
          ? (long) WRITE.invokeExact(state, fd, buf.asSlice(done), length - done)
          : (long) PWRITE.invokeExact(state, fd, buf.asSlice(done), length - done, position + done);
      if (n >= 0) {
        done += n;
        continue;
      }
      int err = errno(state);
      if (err == EINTR) {
        continue;
      }
      if (err == EINVAL && clearDirect(state, fd)) {
        DirectIo.refused("writing " + file + " with O_DIRECT was refused (EINVAL)");
        continue;
      }
      throw failure("writing " + file, state);
    }
  }

  /** Clears {@code O_DIRECT} on {@code fd}; false if it was not set (or fcntl failed). */
  static boolean clearDirect(MemorySegment state, int fd) throws Throwable {
    int flags = (int) FCNTL.invokeExact(state, fd, F_GETFL, 0);
    if (flags < 0 || (flags & O_DIRECT) == 0) {
      return false;
    }
    return (int) FCNTL.invokeExact(state, fd, F_SETFL, flags & ~O_DIRECT) == 0;
  }

  /** Makes {@code fd} buffered (clears {@code O_DIRECT} if set); false only if fcntl failed. */
  static boolean setBuffered(MemorySegment state, int fd) throws Throwable {
    int flags = (int) FCNTL.invokeExact(state, fd, F_GETFL, 0);
    return flags >= 0 && ((flags & O_DIRECT) == 0
        || (int) FCNTL.invokeExact(state, fd, F_SETFL, flags & ~O_DIRECT) == 0);
  }
}
