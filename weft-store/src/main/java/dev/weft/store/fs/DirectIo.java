package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writing large objects with {@code O_DIRECT}: their bytes go from a reused, aligned native buffer straight
 * to the device instead of being copied into newly allocated page-cache pages and written back later.
 *
 * <p>Why: an import writes its whole layer once and reads none of it back, so caching it only evicts what
 * the machine had cached, and the copy into fresh page-cache pages is a large part of an import's CPU
 * (docs/notes/store.md, round 9: {@code dd} of 1.2 GB into a new file on this VM took 0.4–0.6 ms of
 * system time per MB once the page cache recycled its own pages, 2.4–3.3 ms while the kernel handed out
 * pages the hypervisor had not backed; with {@code O_DIRECT}, 0.06–0.18). Small objects stay buffered: most
 * of an object's cost there is the inode, and a direct write waits for the device, which for a 4 KiB file
 * would cost more than it saves.
 *
 * <p>Durability is unchanged: a direct write reaches the device, possibly only its volatile cache, and the
 * repository's barrier ({@code syncfs}) flushes that cache together with the new files' metadata, as for
 * buffered writes. Only whole 4 KiB blocks are written directly; the rest of a file's last block is written
 * buffered into the block after them (so no padding and no truncate, which would make the file system
 * read the last block back). All of it happens before the file gets its name.
 *
 * <p>Where the file system refuses {@code O_DIRECT} (tmpfs before Linux 6.6, some FUSE and network file
 * systems) or a direct write's alignment ({@code EINVAL}), the first refusal switches it off for the
 * process and the refused write is retried buffered; {@link #describe()} says why. {@code
 * WEFT_DIRECT_IO=off} (or {@code -Dweft.directio=off}) switches it off. btrfs since Linux 6.14 turns direct
 * writes of checksummed files back into buffered ones, so there it saves nothing. Objects written without
 * {@code O_TMPFILE} (file systems that lack it) are always buffered.
 */
public final class DirectIo {
  /** Buffer address, file offset and length alignment of every direct write (the usual 4 KiB block). */
  static final int ALIGN = 4096;
  /** Objects from this size on are written directly (about 60 % of a root filesystem's bytes). */
  static final long MIN_BYTES = 1L << 20;
  /** The staging buffer a write copies through ({@link Scratch}): 1 MiB per write. */
  static final int CHUNK = 1 << 20;

  private static volatile boolean enabled = !"off".equalsIgnoreCase(setting());
  /** Why direct writes are off, when a file system refused them; null otherwise. */
  private static volatile String refusal;
  /**
   * Tests: stage through a buffer one byte off alignment ({@link Scratch#staging}), so that every direct
   * write is refused.
   */
  static volatile boolean misalignForTests;
  private DirectIo() {}

  private static String setting() {
    String p = System.getProperty("weft.directio");
    return p != null ? p : System.getenv("WEFT_DIRECT_IO");
  }

  /** Whether an object of {@code size} bytes is to be written directly. */
  static boolean wanted(long size) {
    return enabled && size >= MIN_BYTES;
  }

  /** A file system refused a direct open or write ({@code why}): write buffered from now on. */
  static void refused(String why) {
    if (enabled) {
      refusal = why;
      enabled = false;
    }
  }

  /** Tests: switch direct writes on or off for this process ({@code WEFT_DIRECT_IO=off} for everyone else). */
  static void enable(boolean on) {
    enabled = on;
    refusal = null;
  }

  /** Whether direct writes are on at the moment. */
  public static boolean enabled() {
    return enabled;
  }

  /** One line for {@code --debug}: on, off by setting, or off because a file system refused. */
  public static String describe() {
    if (enabled) {
      return "on (objects from " + (MIN_BYTES >> 20) + " MiB; WEFT_DIRECT_IO=off turns it off)";
    }
    String why = refusal;
    return why != null ? "off: " + why : "off (WEFT_DIRECT_IO=off)";
  }

  /**
   * Opens an existing, empty temporary file for writing {@code size} bytes in pieces: directly when the
   * size calls for it and the file system takes it, else buffered.
   */
  public static Output open(Path file, long size) throws IOException {
    if (!Posix.available()) {
      return new Output(file, -1, FileChannel.open(file, StandardOpenOption.WRITE));
    }
    try (Scratch scratch = Scratch.take()) {
      MemorySegment state = scratch.state;
      MemorySegment name = scratch.cString(0, file.toString());
      int flags = Posix.O_WRONLY | Posix.O_CLOEXEC;
      boolean direct = wanted(size);
      int fd = (int) Posix.OPEN.invokeExact(state, name, flags | (direct ? Posix.O_DIRECT : 0), 0);
      if (fd < 0 && direct && Posix.errno(state) == Posix.EINVAL) {
        refused("opening " + file + " with O_DIRECT was refused (EINVAL)");
        fd = (int) Posix.OPEN.invokeExact(state, name, flags, 0);
      }
      if (fd < 0) {
        throw Posix.failure("opening " + file, state);
      }
      return new Output(file, fd, null);
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException(file + ": native open failed: " + t, t);
    }
  }

  /**
   * A file being written in pieces at known offsets, from any threads. Owned by its writer, which calls
   * {@link #close} once every piece is written (or to give up).
   */
  public static final class Output implements java.io.Closeable {
    private final Path file;
    /** The native descriptor, maybe with {@code O_DIRECT}; -1 where the JDK channel below is used. */
    private final int fd;
    private final FileChannel channel;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Output(Path file, int fd, FileChannel channel) {
      this.file = file;
      this.fd = fd;
      this.channel = channel;
    }

    /**
     * Writes {@code data[offset, offset+length)} at {@code position}. On a direct descriptor the whole blocks
     * go directly (so {@code position} must be {@link #ALIGN}-aligned) and the rest of the last block buffered,
     * through a second, buffered descriptor.
     */
    public void write(byte[] data, int offset, int length, long position) throws IOException {
      if (channel != null) {
        ByteBuffer buf = ByteBuffer.wrap(data, offset, length);
        long p = position;
        while (buf.hasRemaining()) {
          p += channel.write(buf, p);
        }
        return;
      }
      try (Scratch scratch = Scratch.take()) {
        MemorySegment state = scratch.state;
        MemorySegment staging = scratch.staging();
        MemorySegment src = MemorySegment.ofArray(data);
        boolean direct = (position & (ALIGN - 1)) == 0 && isDirect(state);
        long whole = direct ? length & -ALIGN : length;
        long done = 0;
        while (done < whole) {
          long chunk = Math.min(staging.byteSize(), whole - done);
          MemorySegment.copy(src, offset + done, staging, 0, chunk);
          Posix.writeFully(state, fd, staging.asSlice(0, chunk), position + done, file.toString());
          done += chunk;
        }
        if (done < length) { // the tail of a direct file's last block
          long tail = length - done;
          MemorySegment.copy(src, offset + done, staging, 0, tail);
          int buffered = (int) Posix.OPEN.invokeExact(state, scratch.cString(0, file.toString()),
              Posix.O_WRONLY | Posix.O_CLOEXEC, 0);
          if (buffered < 0) {
            throw Posix.failure("opening " + file, state);
          }
          try {
            Posix.writeFully(state, buffered, staging.asSlice(0, tail), position + done, file.toString());
          } finally {
            int ignored = (int) Posix.CLOSE.invokeExact(buffered);
          }
        }
      } catch (IOException e) {
        throw e;
      } catch (Throwable t) {
        throw new IOException(file + ": native write failed: " + t, t);
      }
    }

    /** Whether the descriptor still has {@code O_DIRECT} (a refused write clears it). */
    private boolean isDirect(MemorySegment state) throws Throwable {
      int flags = (int) Posix.FCNTL.invokeExact(state, fd, Posix.F_GETFL, 0);
      return flags >= 0 && (flags & Posix.O_DIRECT) != 0;
    }

    /** Whether the bytes bypass the page cache at the moment. */
    boolean direct() throws IOException {
      if (channel != null) {
        return false;
      }
      try (Scratch scratch = Scratch.take()) {
        return isDirect(scratch.state);
      } catch (Throwable t) {
        throw new IOException(file + ": fcntl failed: " + t, t);
      }
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      } else if (closed.compareAndSet(false, true)) {
        try {
          if ((int) Posix.CLOSE.invokeExact(fd) != 0) {
            throw new IOException("closing " + file + " failed");
          }
        } catch (IOException e) {
          throw e;
        } catch (Throwable t) {
          throw new IOException(file + ": native close failed: " + t, t);
        }
      }
    }
  }
}
