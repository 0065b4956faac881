package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls of this package ({@link TmpfileWriter}, {@link DirectIo}, {@link NativeFs}), bound once
 * through the FFM API with {@code errno} captured. All handles are null off Linux/glibc or without native access; callers
 * check {@link #available()}.
 */
final class Posix {
  static final int O_WRONLY = 01;
  static final int O_CLOEXEC = 02000000;
  static final int O_TMPFILE = 020000000 | 0200000; // __O_TMPFILE | O_DIRECTORY, as glibc defines it
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
  static final int EINVAL = 22;
  static final int ERANGE = 34;
  static final int ENODATA = 61;

  static final MethodHandle OPEN;
  static final MethodHandle WRITE;
  static final MethodHandle PWRITE;
  static final MethodHandle CLOSE;
  static final MethodHandle LINKAT;
  static final MethodHandle FCNTL;
  static final MethodHandle MKNOD;
  static final MethodHandle CHMOD;
  static final MethodHandle UTIMENSAT;
  static final MethodHandle LSETXATTR;
  static final MethodHandle LGETXATTR;
  static final MethodHandle STRERROR;
  static final StructLayout CAPTURE;
  private static final VarHandle ERRNO;

  /** The handles in the order of the fields above, all bound or (off Linux/glibc, no native access) all null. */
  private static final MethodHandle[] BOUND = bindAll();

  static {
    MethodHandle[] h = BOUND;
    OPEN = h == null ? null : h[0];
    WRITE = h == null ? null : h[1];
    PWRITE = h == null ? null : h[2];
    CLOSE = h == null ? null : h[3];
    LINKAT = h == null ? null : h[4];
    FCNTL = h == null ? null : h[5];
    MKNOD = h == null ? null : h[6];
    CHMOD = h == null ? null : h[7];
    UTIMENSAT = h == null ? null : h[8];
    LSETXATTR = h == null ? null : h[9];
    LGETXATTR = h == null ? null : h[10];
    STRERROR = h == null ? null : h[11];
    CAPTURE = h == null ? null : Linker.Option.captureStateLayout();
    ERRNO = h == null ? null : CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  }

  private static MethodHandle[] bindAll() {
    try {
      Linker linker = Linker.nativeLinker();
      SymbolLookup libc = linker.defaultLookup();
      Linker.Option errno = Linker.Option.captureCallState("errno");
      ValueLayout.OfInt i = ValueLayout.JAVA_INT;
      ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
      AddressLayout a = ValueLayout.ADDRESS;
      // Not critical calls: write(2) can sleep (dirty-page throttling, a slow disk, a direct write waiting for
      // the device), and a critical call would hold every safepoint (GC included) of the JVM until it returns.
      // The bytes go through a native buffer instead (one copy, ~1 % of an import's CPU).
      return new MethodHandle[] {
          bind(linker, libc, "open", FunctionDescriptor.of(i, a, i, i), errno, Linker.Option.firstVariadicArg(2)),
          bind(linker, libc, "write", FunctionDescriptor.of(l, i, a, l), errno),
          bind(linker, libc, "pwrite", FunctionDescriptor.of(l, i, a, l, l), errno),
          bind(linker, libc, "close", FunctionDescriptor.of(i, i)),
          bind(linker, libc, "linkat", FunctionDescriptor.of(i, i, a, i, a, i), errno),
          bind(linker, libc, "fcntl", FunctionDescriptor.of(i, i, i, i), errno, Linker.Option.firstVariadicArg(2)),
          bind(linker, libc, "mknod", FunctionDescriptor.of(i, a, i, l), errno),
          bind(linker, libc, "chmod", FunctionDescriptor.of(i, a, i), errno),
          bind(linker, libc, "utimensat", FunctionDescriptor.of(i, i, a, a, i), errno),
          bind(linker, libc, "lsetxattr", FunctionDescriptor.of(i, a, a, a, l, i), errno),
          bind(linker, libc, "lgetxattr", FunctionDescriptor.of(l, a, a, a, l), errno),
          bind(linker, libc, "strerror", FunctionDescriptor.of(a, i))};
    } catch (Throwable t) {
      return null; // not Linux/glibc, or native access denied
    }
  }

  private static MethodHandle bind(Linker linker, SymbolLookup libc, String name, FunctionDescriptor f,
      Linker.Option... options) {
    return linker.downcallHandle(libc.find(name).orElseThrow(), f, options);
  }

  private Posix() {}

  static boolean available() {
    return OPEN != null;
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
