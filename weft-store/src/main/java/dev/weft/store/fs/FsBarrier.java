package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.file.Path;

/**
 * One durability barrier for everything written to a file system: {@code syncfs(2)} through a descriptor
 * of a directory on it. Open one before the writes it is to cover, and {@link #sync()} it once they are
 * done.
 *
 * <p>Why before: Linux reports a failed writeback (the flusher could not write a page some seconds after
 * the {@code write} returned) to {@code syncfs} through each descriptor at most once, and to a descriptor
 * opened later only while nobody has seen the error yet (the {@code errseq} rules, Linux 5.8 on). A
 * descriptor opened before the first write sees every such error that happens after it. A failed sync is
 * an {@link IOException}, never a reason to fall back to something weaker: the data may be lost, and a
 * per-file {@code fsync} through new descriptors would not report the error again.
 *
 * <p>Where {@code syncfs} cannot be called (off Linux/glibc, without native access, or a kernel without the
 * call) {@link #sync()} returns false and the caller syncs file by file. Not thread-safe; the owner closes
 * it (a handle that becomes unreachable unclosed has its descriptor closed by a cleaner).
 */
public final class FsBarrier implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final FsBarrier UNAVAILABLE = new FsBarrier(null, -1);

  private final Path dir;
  private final int fd;
  private final Cleaner.Cleanable closer;
  private boolean closed;

  private FsBarrier(Path dir, int fd) {
    this.dir = dir;
    this.fd = fd;
    this.closer = fd < 0 ? null : CLEANER.register(this, () -> closeQuietly(fd));
  }

  /**
   * A barrier for the file system holding directory {@code dir}; one whose {@link #sync()} returns false
   * where {@code syncfs} is unavailable. An existing directory that cannot be opened is an {@link IOException}.
   */
  public static FsBarrier open(Path dir) throws IOException {
    if (!Posix.available() || Posix.SYNCFS == null) {
      return UNAVAILABLE;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      int fd = (int) Posix.OPEN.invokeExact(state, arena.allocateFrom(dir.toString()),
          Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
      if (fd < 0) {
        throw Posix.failure("opening " + dir + " for syncfs", state);
      }
      return new FsBarrier(dir, fd);
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(dir + ": native open failed: " + t, t);
    }
  }

  /**
   * A barrier over descriptor {@code fd} of directory {@code dir}, which the handle then owns (closes).
   * Tests use it to see how callers take a failing {@code syncfs}.
   */
  public static FsBarrier ofDescriptor(Path dir, int fd) {
    return new FsBarrier(dir, fd);
  }

  /**
   * Makes everything written to the file system durable. Returns false, having done nothing, where
   * {@code syncfs} is unavailable; throws when the kernel reports an error (the message names the directory
   * and the error, e.g. "Input/output error" after a failed writeback).
   */
  public boolean sync() throws IOException {
    if (fd < 0) {
      return false;
    }
    if (closed) {
      throw new IllegalStateException("barrier for " + dir + " already closed");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(Posix.CAPTURE);
      if ((int) Posix.SYNCFS.invokeExact(state, fd) == 0) {
        return true;
      }
      int err = Posix.errno(state);
      if (err == Posix.ENOSYS || err == Posix.EPERM) {
        // A kernel without the call, or a seccomp filter denying it (container profiles answer EPERM;
        // syncfs itself never does): the caller fsyncs file by file.
        return false;
      }
      throw Posix.failure("syncfs of the file system holding " + dir + " failed", state);
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(dir + ": native syncfs failed: " + t, t);
    }
  }

  @Override
  public void close() {
    if (closer != null && !closed) {
      closed = true;
      closer.clean();
    }
  }

  private static void closeQuietly(int fd) {
    try {
      int ignored = (int) Posix.CLOSE.invokeExact(fd);
    } catch (Throwable ignored) {
      // nothing to do: the descriptor is gone either way
    }
  }
}
