package dev.weft.store.fs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native memory one object write borrows: the {@code errno} capture, an aligned staging buffer of
 * {@link DirectIo#CHUNK} bytes and room for two C strings (paths). Taken from a shared free list and given
 * back by {@link #close}, so writing an object allocates no native memory.
 *
 * <p>Why: an import writes tens of thousands of objects, and an arena per object meant several
 * {@code malloc}s, zeroed, per object, plus a staging buffer per call on a virtual thread (each layer's
 * reader is one, and at {@code --threads 1} it writes every object itself). A buffer per platform thread
 * did not cover virtual threads; a free list covers both, and holds as many buffers as writes ever ran at
 * once (at most {@link #KEEP} are kept).
 *
 * <p>Ownership: one thread uses a scratch between {@link #take} and {@link #close}; the free list
 * hands it on with the memory effects of the last user. The memory lives as long as the scratch is
 * reachable (an automatic arena).
 */
final class Scratch implements AutoCloseable {
  /** Scratches kept for reuse; more at once than this are left to the GC when given back. */
  static final int KEEP = 64;
  /** Bytes per C string slot: PATH_MAX, which the kernel refuses to exceed anyway. */
  private static final int SLOT = 4096;
  /** Last given back, first taken: its buffer is the likeliest still in a cache. */
  private static final ConcurrentLinkedDeque<Scratch> FREE = new ConcurrentLinkedDeque<>();
  private static final AtomicInteger KEPT = new AtomicInteger();
  /** An empty C string, for {@code linkat(fd, "", …, AT_EMPTY_PATH)}. */
  static final MemorySegment EMPTY = Arena.global().allocateFrom("");

  /** Where a call's {@code errno} is captured. */
  final MemorySegment state;
  private final MemorySegment staging;
  private final MemorySegment text;
  /** Whether the scratch is on the free list: a second close would put it there twice, shared by two writers. */
  private boolean free;

  private Scratch() {
    Arena arena = Arena.ofAuto();
    state = arena.allocate(Posix.CAPTURE);
    staging = arena.allocate(DirectIo.CHUNK + DirectIo.ALIGN, DirectIo.ALIGN);
    text = arena.allocate(2L * SLOT);
  }

  /** A free scratch, or a new one. */
  static Scratch take() {
    Scratch s = FREE.pollFirst();
    if (s == null) {
      return new Scratch();
    }
    KEPT.decrementAndGet();
    s.free = false;
    return s;
  }

  /**
   * The staging buffer: {@link DirectIo#CHUNK} bytes aligned to {@link DirectIo#ALIGN} (one byte off when
   * a test simulates a file system that refuses the alignment).
   */
  MemorySegment staging() {
    return staging.asSlice(DirectIo.misalignForTests ? 1 : 0, DirectIo.CHUNK);
  }

  /** {@code s} as a NUL-terminated UTF-8 string in slot 0 or 1, valid until the slot is reused or closed. */
  MemorySegment cString(int slot, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= SLOT) {
      return Arena.ofAuto().allocateFrom(s); // longer than any path the kernel takes: it will say so
    }
    long at = (long) slot * SLOT;
    MemorySegment.copy(bytes, 0, text, ValueLayout.JAVA_BYTE, at, bytes.length);
    text.set(ValueLayout.JAVA_BYTE, at + bytes.length, (byte) 0);
    return text.asSlice(at, bytes.length + 1);
  }

  /** Gives the scratch back; it must not be used after. */
  @Override
  public void close() {
    if (free) {
      throw new IllegalStateException("scratch given back twice");
    }
    free = true;
    if (KEPT.incrementAndGet() <= KEEP) {
      FREE.offerFirst(this);
    } else {
      KEPT.decrementAndGet();
    }
  }
}
