package dev.weft.store.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writing large objects with {@code O_DIRECT}: their bytes go from a reused, aligned native buffer straight
 * to the device instead of being copied into newly allocated page-cache pages and written back later.
 *
 * <p>Why: an import writes its whole layer once and reads none of it back, so caching it only evicts what
 * the machine had cached, and the copy into fresh page-cache pages is a large part of an import's CPU
 * (docs/notes/store.md, round 9: 0.45 ms per MB on this VM once the page cache recycles its pages,
 * 2.4 ms per MB while the kernel still hands out pages the hypervisor has not backed yet; an
 * {@code O_DIRECT} write costs 0.06). Small objects stay buffered: most of an object's cost there is the
 * inode, and a direct write waits for the device, which for a 4 KiB file would cost more than it saves.
 *
 * <p>Durability is unchanged: a direct write reaches the device, possibly only its volatile cache, and the
 * repository's barrier ({@code syncfs}) flushes that cache together with the new files' metadata, as for
 * buffered writes. A file's last block is written whole (zero-padded) and the file then truncated to its
 * size, all before the file gets its name.
 *
 * <p>Where the file system refuses {@code O_DIRECT} (tmpfs before Linux 6.6, some FUSE and network file
 * systems) or needs a coarser alignment, the first refusal switches it off for the process and every write
 * is buffered, as before. {@code WEFT_DIRECT_IO=off} (or {@code -Dweft.directio=off}) switches it off.
 */
public final class DirectIo {
  /** Buffer address, file offset and length alignment of every direct write (the usual 4 KiB block). */
  public static final int ALIGN = 4096;
  /** Objects from this size on are written directly (about 60 % of a root filesystem's bytes). */
  public static final long MIN_BYTES = 1L << 20;
  /** The staging buffer each thread copies through: 1 MiB per direct write. */
  static final int CHUNK = 1 << 20;

  private static volatile boolean enabled = !"off".equalsIgnoreCase(setting());
  /**
   * Each platform thread's aligned staging buffer, reused for every object it writes (new pages are
   * expensive in this VM, see {@link TmpfileWriter}). Freed by GC once the thread is gone; virtual threads
   * stage through a buffer of their own call instead.
   */
  private static final ThreadLocal<MemorySegment> STAGING =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CHUNK, ALIGN));

  private DirectIo() {}

  private static String setting() {
    String p = System.getProperty("weft.directio");
    return p != null ? p : System.getenv("WEFT_DIRECT_IO");
  }

  /** Whether an object of {@code size} bytes is to be written directly. */
  public static boolean wanted(long size) {
    return enabled && size >= MIN_BYTES;
  }

  /** The file system refused a direct open or write: write buffered from now on. */
  static void refused() {
    enabled = false;
  }

  /** Tests and benchmarks: switch direct writes on or off for this process. */
  public static void enable(boolean on) {
    enabled = on;
  }

  /** Whether direct writes are on at the moment. */
  public static boolean enabled() {
    return enabled;
  }

  /**
   * This thread's staging buffer: {@link #CHUNK} bytes aligned to {@link #ALIGN}, for platform threads
   * reused, for a virtual thread allocated in {@code arena}.
   */
  static MemorySegment staging(Arena arena) {
    return Thread.currentThread().isVirtual() ? arena.allocate(CHUNK, ALIGN) : STAGING.get();
  }

  static long roundUp(long n) {
    return (n + ALIGN - 1) & -ALIGN;
  }

  /**
   * Opens an existing, empty temporary file for writing {@code size} bytes: directly when the size calls for
   * it and the file system takes it (its alignment is at most {@link #ALIGN}), else buffered.
   */
  public static Output open(Path file, long size) throws IOException {
    if (wanted(size)) {
      try {
        long block = Files.getFileStore(file).getBlockSize();
        if (block > 0 && block <= ALIGN && ALIGN % block == 0) {
          return new Output(FileChannel.open(file, StandardOpenOption.WRITE,
              com.sun.nio.file.ExtendedOpenOption.DIRECT), true);
        }
      } catch (UnsupportedOperationException | IOException refusedHere) {
        // EINVAL from open(O_DIRECT), or no block size: this file system writes buffered
      }
      refused();
    }
    return new Output(FileChannel.open(file, StandardOpenOption.WRITE), false);
  }

  /**
   * A file being written in pieces at known offsets, from any thread, directly or buffered. Owned by its
   * writer, which calls {@link #finish} once every piece is written, or {@link #close} to give up.
   */
  public static final class Output implements java.io.Closeable {
    private final FileChannel channel;
    private final boolean direct;

    private Output(FileChannel channel, boolean direct) {
      this.channel = channel;
      this.direct = direct;
    }

    /** Whether the bytes bypass the page cache. */
    public boolean direct() {
      return direct;
    }

    /**
     * Writes {@code data[offset, offset+length)} at {@code position}, which must be {@link #ALIGN}-aligned
     * when direct; a partial last block is padded with zeros, which {@link #finish} cuts off.
     */
    public void write(byte[] data, int offset, int length, long position) throws IOException {
      if (!direct) {
        ByteBuffer buf = ByteBuffer.wrap(data, offset, length);
        long p = position;
        while (buf.hasRemaining()) {
          p += channel.write(buf, p);
        }
        return;
      }
      if (position % ALIGN != 0) {
        throw new IllegalArgumentException("direct write at unaligned offset " + position);
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment staging = staging(arena);
        MemorySegment src = MemorySegment.ofArray(data);
        long done = 0;
        while (done < length) {
          int chunk = (int) Math.min(CHUNK, length - done);
          MemorySegment.copy(src, offset + done, staging, 0, chunk);
          int out = (int) roundUp(chunk);
          if (out > chunk) {
            staging.asSlice(chunk, out - chunk).fill((byte) 0);
          }
          ByteBuffer buf = staging.asSlice(0, out).asByteBuffer();
          long p = position + done;
          while (buf.hasRemaining()) {
            p += channel.write(buf, p);
          }
          done += chunk;
        }
      }
    }

    /** Cuts the file back to {@code size} (a direct write padded its last block) and closes it. */
    public void finish(long size) throws IOException {
      try (channel) {
        if (direct && channel.size() > size) {
          channel.truncate(size);
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
