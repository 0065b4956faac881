package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the object writers make ({@link TmpfileWriter}, {@link DirectIo}), bound once through the
 * FFM API with {@code errno} captured. All handles are null off Linux/glibc or without native access; callers
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
  static final int EEXIST = 17;
  static final int EINVAL = 22;

  static final MethodHandle OPEN;
  static final MethodHandle WRITE;
  static final MethodHandle PWRITE;
  static final MethodHandle CLOSE;
  static final MethodHandle LINKAT;
  static final MethodHandle FCNTL;
  static final MethodHandle STRERROR;
  static final StructLayout CAPTURE;
  private static final VarHandle ERRNO;

  static {
    MethodHandle open = null;
    MethodHandle write = null;
    MethodHandle pwrite = null;
    MethodHandle close = null;
    MethodHandle linkat = null;
    MethodHandle fcntl = null;
    MethodHandle strerror = null;
    StructLayout capture = null;
    VarHandle errno = null;
    try {
      Linker linker = Linker.nativeLinker();
      var lookup = linker.defaultLookup();
      capture = Linker.Option.captureStateLayout();
      Linker.Option errnoOption = Linker.Option.captureCallState("errno");
      open = linker.downcallHandle(lookup.find("open").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
          errnoOption, Linker.Option.firstVariadicArg(2));
      // Not critical calls: write(2) can sleep (dirty-page throttling, a slow disk, a direct write waiting for
      // the device), and a critical call would hold every safepoint (GC included) of the JVM until it returns.
      // The bytes go through a native buffer instead (one copy, ~1 % of an import's CPU).
      write = linker.downcallHandle(lookup.find("write").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
          errnoOption);
      pwrite = linker.downcallHandle(lookup.find("pwrite").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_LONG), errnoOption);
      close = linker.downcallHandle(lookup.find("close").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      linkat = linker.downcallHandle(lookup.find("linkat").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errnoOption);
      fcntl = linker.downcallHandle(lookup.find("fcntl").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
          errnoOption, Linker.Option.firstVariadicArg(2));
      strerror = linker.downcallHandle(lookup.find("strerror").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    } catch (Throwable t) {
      open = null; // not Linux/glibc, or native access denied
    }
    OPEN = open;
    WRITE = open == null ? null : write;
    PWRITE = open == null ? null : pwrite;
    CLOSE = open == null ? null : close;
    LINKAT = open == null ? null : linkat;
    FCNTL = open == null ? null : fcntl;
    STRERROR = open == null ? null : strerror;
    CAPTURE = open == null ? null : capture;
    ERRNO = open == null ? null : errno;
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
    int errno = errno(state);
    MemorySegment msg = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256);
    return new IOException(what + ": " + msg.getString(0));
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
