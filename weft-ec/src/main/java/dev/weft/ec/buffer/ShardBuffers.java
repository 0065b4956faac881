package dev.weft.ec.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.OptionalLong;

/**
 * Allocates the native cells of a stripe (k + m shards of one length) in a caller's arena; they are released
 * when that arena closes. Every cell is 64-byte aligned (the kernels' and ISA-L's vector width) and zeroed.
 *
 * <p>With {@link Pages#HUGE} and transparent huge pages available ({@code always} or {@code madvise} mode,
 * Linux on x86-64 or AArch64), the cells are one anonymous mapping aligned to the huge page size and advised
 * {@code MADV_HUGEPAGE} before it is first touched: a 10+4 stripe of 1 MiB cells then sits in 7 huge pages
 * (and base pages for the last 56 KiB) instead of 3,600 base pages. Paired runs on this project's shared
 * VM measured cold encode 5–19 % faster that way (docs/bench/ec.md, Round 8). Consecutive cells start 65 cache lines apart beyond their length, so
 * cells that are physically contiguous do not all begin in the same L2 set and 4 KiB page offset. A region
 * smaller than one huge page, a failed {@code mmap}, or no THP takes {@link Pages#BASE}: each cell its own
 * {@link Arena#allocate} — silently, as the cells behave the same either way.
 */
public final class ShardBuffers {
  /** What pages to ask for. */
  public enum Pages {
    /** Transparent huge pages when this machine offers them, else base pages. */
    HUGE,
    /** Base pages: each cell allocated by the arena. */
    BASE
  }

  private static final long ALIGN = 64;
  /** Extra distance between consecutive cells of a huge region: 65 lines, a new L2 set and page offset. */
  static final long STAGGER = 65 * ALIGN;
  private static final int PROT_READ_WRITE = 0x1 | 0x2;
  private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
  private static final int MADV_HUGEPAGE = 14;
  private static final int MADV_NOHUGEPAGE = 15;

  private ShardBuffers() {}

  /** {@code count} cells of {@code size} bytes in {@code arena}, on huge pages where available. */
  public static MemorySegment[] allocate(Arena arena, int count, long size) {
    return allocate(arena, count, size, Pages.HUGE);
  }

  /** {@code count} cells of {@code size} bytes in {@code arena}, on the pages asked for where available. */
  public static MemorySegment[] allocate(Arena arena, int count, long size, Pages pages) {
    if (count < 0 || size < 0) {
      throw new IllegalArgumentException("count and size must be >= 0, got " + count + " and " + size);
    }
    OptionalLong huge = HugePages.size();
    if (pages == Pages.HUGE && huge.isPresent()) {
      long stride = alignUp(size, ALIGN) + STAGGER;
      long length = Math.multiplyExact(stride, count);
      if (length >= huge.getAsLong()) {
        MemorySegment region = mapHuge(arena, length, huge.getAsLong());
        if (region != null) {
          MemorySegment[] cells = new MemorySegment[count];
          for (int i = 0; i < count; i++) {
            cells[i] = region.asSlice(i * stride, size);
          }
          return cells;
        }
      }
    }
    MemorySegment[] cells = new MemorySegment[count];
    for (int i = 0; i < count; i++) {
      cells[i] = arena.allocate(Math.max(1, size), ALIGN).asSlice(0, size);
    }
    return cells;
  }

  /** True when {@link Pages#HUGE} regions of at least the huge page size get huge pages on this machine. */
  public static boolean hugePagesAvailable() {
    return HugePages.size().isPresent() && Syscalls.INSTANCE != null;
  }

  /**
   * A zeroed mapping of {@code length} (at least {@code huge}) bytes starting on a huge page boundary, its
   * whole huge pages advised for huge pages (a partial last one stays on base pages, so the resident size
   * is no more than asked for), unmapped when {@code arena} closes; null when the mapping fails. It maps one
   * huge page more than it needs and starts at the first aligned address inside: the slack is never
   * touched, so never resident.
   */
  private static MemorySegment mapHuge(Arena arena, long length, long huge) {
    Syscalls sys = Syscalls.INSTANCE;
    if (sys == null) {
      return null;
    }
    long advised = length & -huge;
    long mapped = length + huge;
    long base;
    try {
      base = ((MemorySegment) sys.mmap.invokeExact(MemorySegment.NULL, mapped, PROT_READ_WRITE,
          MAP_PRIVATE_ANONYMOUS, -1, 0L)).address();
    } catch (Throwable e) {
      return null;
    }
    if (base == -1L || base == 0L) {
      return null;
    }
    long start = alignUp(base, huge);
    try {
      // Before any touch: a page faulted in as 4 KiB stays so until khugepaged collapses it, maybe never.
      // A refusal (an old kernel, THP switched off since the probe) leaves base pages, which still work.
      int ignored = (int) sys.madvise.invokeExact(MemorySegment.ofAddress(start), advised, MADV_HUGEPAGE);
      // In THP "always" mode the rest of the mapping could still become a huge page (a fault, or khugepaged)
      // and make the partial last page 2 MiB resident: keep it on base pages explicitly.
      long tail = base + mapped - (start + advised);
      if (tail > 0) {
        ignored = (int) sys.madvise.invokeExact(MemorySegment.ofAddress(start + advised), tail, MADV_NOHUGEPAGE);
      }
    } catch (Throwable e) {
      // As a refusal.
    }
    return MemorySegment.ofAddress(start).reinterpret(length, arena, s -> sys.unmap(base, mapped));
  }

  static long alignUp(long value, long alignment) {
    return (value + alignment - 1) & -alignment;
  }

  /** The three libc calls, bound once; null where the platform has none of them. */
  private record Syscalls(MethodHandle mmap, MethodHandle madvise, MethodHandle munmap) {
    static final Syscalls INSTANCE = bind();

    private static Syscalls bind() {
      String arch = System.getProperty("os.arch", "");
      // The flag values above are those of Linux on these architectures. Without native access (the launcher
      // grants it) a restricted call would print the JVM's warning: base pages instead, quietly.
      if (HugePages.size().isEmpty() || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
          || !ShardBuffers.class.getModule().isNativeAccessEnabled()) {
        return null;
      }
      try {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        ValueLayout.OfLong size = ValueLayout.JAVA_LONG;
        return new Syscalls(
            linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, size)),
            linker.downcallHandle(libc.findOrThrow("madvise"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size, ValueLayout.JAVA_INT)),
            linker.downcallHandle(libc.findOrThrow("munmap"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, size)));
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** Runs as the arena's cleanup, which must not throw; a failed munmap can only leak address space. */
    void unmap(long base, long length) {
      try {
        int ignored = (int) munmap.invokeExact(MemorySegment.ofAddress(base), length);
      } catch (Throwable e) {
        // Nothing to do from a cleanup action.
      }
    }
  }
}
