package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Writes a whole new file that never has a temporary name: {@code open(dir, O_TMPFILE)} makes an unnamed
 * inode, the bytes are written to it, and only then {@code linkat(2)} gives it its final name. A process
 * killed half-way leaves nothing behind (the kernel frees the unnamed inode), nothing half-written can appear
 * under the final name, and the directory sees one entry added instead of a create plus a rename (measured
 * in docs/bench/store.md, "Round 3"). Linux only; {@link #supported(Path)} says whether a directory's file
 * system can do it (ext4, xfs, btrfs, tmpfs can; some network and FUSE file systems cannot).
 *
 * <p>The link is made from the file descriptor itself ({@code AT_EMPTY_PATH}) where the kernel allows it,
 * and otherwise through {@code /proc/self/fd/N} with {@code AT_SYMLINK_FOLLOW}, which needs no privilege.
 * Objects from {@link DirectIo#MIN_BYTES} on are written with {@code O_DIRECT} ({@link DirectIo}). Thread-safe;
 * each platform thread keeps one staging buffer.
 */
public final class TmpfileWriter {
  private static final int O_WRONLY = 01;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_TMPFILE = 020000000 | 0200000; // __O_TMPFILE | O_DIRECTORY, as glibc defines it
  private static final int O_DIRECT = 040000;
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;
  private static final int EINVAL = 22;
  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_FOLLOW = 0x400;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int ENOENT = 2;
  private static final int EPERM = 1;
  private static final int EINTR = 4;
  private static final int EEXIST = 17;
  /*
   * The bytes are copied through each thread's staging buffer (DirectIo.staging: 1 MiB, aligned for
   * O_DIRECT), reused from object to object. A fresh buffer per object was a native allocation (zeroed; above
   * 128 KiB glibc serves it with a new mmap) whose pages faulted in anew every time, and new pages cost
   * 2.7–10 µs each in this VM (docs/notes/store.md).
   */
  /**
   * Whether {@code linkat(fd, "", …, AT_EMPTY_PATH)} works here: since Linux 6.10 for a file the caller
   * opened itself, before that only with {@code CAP_DAC_READ_SEARCH}. It saves resolving {@code
   * /proc/self/fd/N} on every object (round 3's probe: 50.6 → 44.5 µs of kernel time per file). Cleared
   * the first time the kernel refuses it; the {@code /proc} link is used from then on.
   */
  private static volatile boolean emptyPathLink = true;
  /** Same as the JDK's default for new files; the umask applies as usual. */
  private static final int MODE = 0666;

  private static final MethodHandle OPEN;
  private static final MethodHandle WRITE;
  private static final MethodHandle CLOSE;
  private static final MethodHandle LINKAT;
  private static final MethodHandle FTRUNCATE;
  private static final MethodHandle FCNTL;
  private static final MethodHandle STRERROR;
  private static final StructLayout CAPTURE;
  private static final VarHandle ERRNO;

  static {
    MethodHandle open = null;
    MethodHandle write = null;
    MethodHandle close = null;
    MethodHandle linkat = null;
    MethodHandle ftruncate = null;
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
      // Not a critical call: write(2) can sleep (dirty-page throttling, a slow disk), and a critical call
      // would hold every safepoint (GC included) of the JVM until it returns. The bytes go through a native
      // buffer instead (one copy, ~1 % of an import's CPU).
      write = linker.downcallHandle(lookup.find("write").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
          errnoOption);
      close = linker.downcallHandle(lookup.find("close").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      linkat = linker.downcallHandle(lookup.find("linkat").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS, ValueLayout.JAVA_INT), errnoOption);
      ftruncate = linker.downcallHandle(lookup.find("ftruncate").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG), errnoOption);
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
    CLOSE = open == null ? null : close;
    LINKAT = open == null ? null : linkat;
    FTRUNCATE = open == null ? null : ftruncate;
    FCNTL = open == null ? null : fcntl;
    STRERROR = open == null ? null : strerror;
    CAPTURE = open == null ? null : capture;
    ERRNO = open == null ? null : errno;
  }

  private TmpfileWriter() {}

  /** Tests: link through {@code /proc/self/fd/N} (as on kernels that refuse {@code AT_EMPTY_PATH}) or not. */
  static void linkThroughProc(boolean proc) {
    emptyPathLink = !proc;
  }

  /** Tests: whether links are made from the descriptor ({@code AT_EMPTY_PATH}) at the moment. */
  static boolean linksFromDescriptor() {
    return emptyPathLink;
  }

  /**
   * True if files in {@code dir} can be written this way: the native calls are there and the file system
   * accepts {@code O_TMPFILE} there (checked by opening, and closing, one unnamed file; nothing is linked).
   */
  public static boolean supported(Path dir) {
    if (OPEN == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(dir.toString()), O_TMPFILE | O_WRONLY | O_CLOEXEC, MODE);
      if (fd < 0) {
        return false;
      }
      int ignored = (int) CLOSE.invokeExact(fd);
      return new java.io.File("/proc/self/fd").isDirectory(); // linkat goes through /proc
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * Creates {@code dir/name} holding {@code data[offset, offset+length)}. Returns false, writing nothing
   * visible, when {@code dir/name} exists already (another writer got there first). The file becomes
   * durable only with a later fsync/syncfs of its file system, as with any write.
   */
  public static boolean writeNew(Path dir, String name, byte[] data, int offset, int length) throws IOException {
    if (OPEN == null) {
      throw new IOException("O_TMPFILE writes are unavailable (not Linux/glibc, or no native access)");
    }
    Path target = dir.resolve(name);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CAPTURE);
      MemorySegment dirName = arena.allocateFrom(dir.toString());
      // Large objects bypass the page cache (DirectIo says why); a file system that refuses is asked once.
      boolean direct = DirectIo.wanted(length);
      int fd = (int) OPEN.invokeExact(state, dirName, O_TMPFILE | O_WRONLY | O_CLOEXEC | (direct ? O_DIRECT : 0), MODE);
      if (fd < 0 && direct && (int) ERRNO.get(state, 0L) == EINVAL) {
        DirectIo.refused();
        direct = false;
        fd = (int) OPEN.invokeExact(state, dirName, O_TMPFILE | O_WRONLY | O_CLOEXEC, MODE);
      }
      if (fd < 0) {
        throw failure("creating an unnamed file in " + dir, state);
      }
      try {
        MemorySegment bytes = MemorySegment.ofArray(data);
        MemorySegment buffer = DirectIo.staging(arena);
        long pos = offset;
        long end = (long) offset + length;
        boolean padded = false;
        while (pos < end) {
          long chunk = Math.min(buffer.byteSize(), end - pos);
          MemorySegment.copy(bytes, pos, buffer, 0, chunk);
          long out = chunk;
          if (direct && chunk % DirectIo.ALIGN != 0) {
            out = DirectIo.roundUp(chunk); // a direct write is whole blocks: the padding is cut off below
            buffer.asSlice(chunk, out - chunk).fill((byte) 0);
            padded = true;
          }
          long done = 0;
          while (done < out) {
            long n = (long) WRITE.invokeExact(state, fd, buffer.asSlice(done), out - done);
            if (n < 0) {
              int err = (int) ERRNO.get(state, 0L);
              if (err == EINTR) {
                continue;
              }
              if (err == EINVAL && direct) {
                // The file system took O_DIRECT at open but not this write's alignment: buffered from now on.
                DirectIo.refused();
                direct = false;
                int flags = (int) FCNTL.invokeExact(state, fd, F_GETFL, 0);
                if (flags < 0 || (int) FCNTL.invokeExact(state, fd, F_SETFL, flags & ~O_DIRECT) < 0) {
                  throw failure("writing " + target, state);
                }
                continue;
              }
              throw failure("writing " + target, state);
            }
            done += n;
          }
          pos += chunk;
        }
        if (padded && (int) FTRUNCATE.invokeExact(state, fd, (long) length) != 0) {
          throw failure("writing " + target, state);
        }
        MemorySegment targetName = arena.allocateFrom(target.toString());
        int rc = -1;
        if (emptyPathLink) {
          rc = (int) LINKAT.invokeExact(state, fd, arena.allocateFrom(""), AT_FDCWD, targetName, AT_EMPTY_PATH);
          int err = rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
          if (err == ENOENT || err == EPERM) {
            emptyPathLink = false; // refused by this kernel (no capability): link through /proc instead
          }
        }
        if (!emptyPathLink) {
          rc = (int) LINKAT.invokeExact(state, AT_FDCWD, arena.allocateFrom("/proc/self/fd/" + fd), AT_FDCWD, targetName,
              AT_SYMLINK_FOLLOW);
        }
        if (rc != 0) {
          if ((int) ERRNO.get(state, 0L) == EEXIST) {
            return false;
          }
          throw failure("linking " + target, state);
        }
        return true;
      } finally {
        // Closing an unlinked O_TMPFILE inode frees it: a failure above leaves nothing on disk.
        int ignored = (int) CLOSE.invokeExact(fd);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(target + ": native write failed: " + t, t);
    }
  }

  private static IOException failure(String what, MemorySegment state) throws Throwable {
    int errno = (int) ERRNO.get(state, 0L);
    MemorySegment msg = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256);
    return new IOException(what + ": " + msg.getString(0));
  }
}
