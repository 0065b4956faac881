package dev.weft.ec.codec;

import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * {@code --ec-backend auto} when ISA-L is installed: ISA-L for calls whose shards are all native memory
 * (the shard-file commands), the Java kernel for anything on the heap (datasets code {@code byte[]}
 * blocks). ISA-L takes raw pointers, so it would copy every heap shard into native scratch memory and the
 * outputs back, on every call; the Java kernels run on heap arrays in place.
 */
final class PlacementKernel implements GfKernel {
  private final GfKernel nativeKernel;
  private final GfKernel heapKernel;

  PlacementKernel(GfKernel nativeKernel, GfKernel heapKernel) {
    this.nativeKernel = nativeKernel;
    this.heapKernel = heapKernel;
  }

  @Override
  public String name() {
    return nativeKernel.name() + " (heap shards: " + heapKernel.name() + ")";
  }

  @Override
  public Program compile(byte[][] coefficients) {
    Program forNative = nativeKernel.compile(coefficients);
    Program forHeap = Kernels.withFastPath(heapKernel, coefficients);
    return new Program() {
      @Override
      public int inputs() {
        return forNative.inputs();
      }

      @Override
      public int outputs() {
        return forNative.outputs();
      }

      @Override
      public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
        (allNative(in) && allNative(out) ? forNative : forHeap).run(in, inOff, out, outOff, len);
      }
    };
  }

  private static boolean allNative(MemorySegment[] segments) {
    for (MemorySegment s : segments) {
      if (!s.isNative()) {
        return false;
      }
    }
    return true;
  }
}
