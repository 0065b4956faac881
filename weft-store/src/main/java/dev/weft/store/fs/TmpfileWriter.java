package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * Objects from {@link DirectIo#MIN_BYTES} on are written with {@code O_DIRECT} ({@link DirectIo}): their
 * whole blocks directly, the rest of the last block buffered. The bytes are copied through a borrowed
 * staging buffer ({@link Scratch}). Thread-safe.
 */
public final class TmpfileWriter {
  /**
   * Whether {@code linkat(fd, "", …, AT_EMPTY_PATH)} works here: since Linux 6.10 for a file the caller
   * opened itself, before that only with {@code CAP_DAC_READ_SEARCH}. It saves resolving {@code
   * /proc/self/fd/N} on every object (round 3's probe: 50.6 → 44.5 µs of kernel time per file). Cleared
   * the first time the kernel refuses it; the {@code /proc} link is used from then on.
   */
  private static volatile boolean emptyPathLink = true;
  /** Same as the JDK's default for new files; the umask applies as usual. */
  private static final int MODE = 0666;

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
    if (!Posix.available()) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      int fd = (int) Posix.OPEN.invokeExact(state, arena.allocateFrom(dir.toString()),
          Posix.O_TMPFILE | Posix.O_WRONLY | Posix.O_CLOEXEC, MODE);
      if (fd < 0) {
        return false;
      }
      int ignored = (int) Posix.CLOSE.invokeExact(fd);
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
    if (!Posix.available()) {
      throw new IOException("O_TMPFILE writes are unavailable (not Linux/glibc, or no native access)");
    }
    Path target = dir.resolve(name);
    try (Scratch scratch = Scratch.take()) {
      MemorySegment state = scratch.state;
      MemorySegment dirName = scratch.cString(0, dir.toString());
      int flags = Posix.O_TMPFILE | Posix.O_WRONLY | Posix.O_CLOEXEC;
      // Large objects bypass the page cache (DirectIo says why); a file system that refuses is asked once.
      boolean direct = DirectIo.wanted(length);
      int fd = (int) Posix.OPEN.invokeExact(state, dirName, flags | (direct ? Posix.O_DIRECT : 0), MODE);
      if (fd < 0 && direct && Posix.errno(state) == Posix.EINVAL) {
        DirectIo.refused("creating an O_DIRECT file in " + dir + " was refused (EINVAL)");
        direct = false;
        fd = (int) Posix.OPEN.invokeExact(state, dirName, flags, MODE);
      }
      if (fd < 0) {
        throw Posix.failure("creating an unnamed file in " + dir, state);
      }
      try {
        MemorySegment bytes = MemorySegment.ofArray(data);
        MemorySegment buffer = scratch.staging();
        long pos = offset;
        long end = (long) offset + length;
        while (pos < end) {
          long chunk = Math.min(buffer.byteSize(), end - pos);
          if (direct && chunk >= DirectIo.ALIGN) {
            chunk &= -DirectIo.ALIGN; // whole blocks directly; what is left of the last one goes buffered
          } else if (direct) {
            direct = false; // the tail, under one block: buffered, into the block after the direct ones
            if (!Posix.setBuffered(state, fd)) {
              throw Posix.failure("writing " + target, state);
            }
          }
          MemorySegment.copy(bytes, pos, buffer, 0, chunk);
          Posix.writeFully(state, fd, buffer.asSlice(0, chunk), -1, target.toString());
          pos += chunk;
        }
        MemorySegment targetName = scratch.cString(1, target.toString());
        int rc = -1;
        if (emptyPathLink) {
          rc = (int) Posix.LINKAT.invokeExact(state, fd, Scratch.EMPTY, Posix.AT_FDCWD, targetName,
              Posix.AT_EMPTY_PATH);
          int err = rc == 0 ? 0 : Posix.errno(state);
          if (err == Posix.ENOENT || err == Posix.EPERM) {
            emptyPathLink = false; // refused by this kernel (no capability): link through /proc instead
          }
        }
        if (!emptyPathLink) {
          rc = (int) Posix.LINKAT.invokeExact(state, Posix.AT_FDCWD, scratch.cString(0, "/proc/self/fd/" + fd),
              Posix.AT_FDCWD, targetName, Posix.AT_SYMLINK_FOLLOW);
        }
        if (rc != 0) {
          if (Posix.errno(state) == Posix.EEXIST) {
            return false;
          }
          throw Posix.failure("linking " + target, state);
        }
        return true;
      } finally {
        // Closing an unlinked O_TMPFILE inode frees it: a failure above leaves nothing on disk.
        int ignored = (int) Posix.CLOSE.invokeExact(fd);
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(target + ": native write failed: " + t, t);
    }
  }
}
