package dev.weft.ec.isal;

import dev.weft.ec.kernel.GfKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;

/**
 * A {@link GfKernel} that runs ISA-L's {@code ec_encode_data}: same matrices, same parity as the Java
 * kernels. ISA-L takes arrays of native pointers, so native segments are passed as they are; heap
 * segments ({@code byte[]} shards) are copied through native scratch memory, which costs a copy each way —
 * use native shards with this backend.
 *
 * <p>A native pointer bypasses every check FFM does on an access, so each call first does them itself
 * ({@link #checkNative}): a closed or another thread's segment, a read-only output or a range out of bounds
 * throws what the Java kernels throw, before ISA-L touches a byte. Without that, a closed arena's memory
 * would be written after it was freed (heap corruption) and a read-only buffer silently overwritten.
 */
public final class IsalKernel implements GfKernel {
  /** ISA-L's length argument is an int; longer runs are cut into pieces of this many bytes. */
  private static final int MAX_RUN = 1 << 30;

  private final IsalLibrary lib;

  public IsalKernel(IsalLibrary lib) {
    this.lib = lib;
  }

  @Override
  public String name() {
    return "isal";
  }

  @Override
  public Program compile(byte[][] coefficients) {
    int inputs = GfKernel.checkMatrix(coefficients);
    int outputs = coefficients.length;
    // Tables live as long as the program; the automatic arena frees them when it is unreachable.
    Arena arena = Arena.ofAuto();
    MemorySegment a = arena.allocate((long) inputs * outputs);
    for (int o = 0; o < outputs; o++) {
      MemorySegment.copy(coefficients[o], 0, a, ValueLayout.JAVA_BYTE, (long) o * inputs, inputs);
    }
    MemorySegment tables = arena.allocate(32L * inputs * outputs, 64);
    lib.initTables(inputs, outputs, a, tables);
    return new IsalProgram(lib, inputs, outputs, tables);
  }

  /**
   * The checks an FFM access would do, once per segment: in bounds, alive, accessible by this thread, and
   * for outputs writable. Throws IndexOutOfBoundsException, IllegalStateException, WrongThreadException or
   * UnsupportedOperationException, as the Java kernels' checked path does.
   */
  static void checkNative(MemorySegment[] segments, long off, long len, boolean written) {
    for (MemorySegment s : segments) {
      MemorySegment range = s.asSlice(off, len); // bounds
      if (!s.scope().isAlive()) {
        throw new IllegalStateException("Already closed");
      }
      if (!s.isAccessibleBy(Thread.currentThread())) {
        throw new WrongThreadException("Attempted access outside owning thread");
      }
      if (written && range.isReadOnly()) {
        throw new UnsupportedOperationException("Attempt to write a read-only segment");
      }
    }
  }

  private record IsalProgram(IsalLibrary lib, int inputs, int outputs, MemorySegment tables) implements Program {
    @Override
    public void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
      if (len == 0) {
        return;
      }
      try (Arena call = Arena.ofConfined()) {
        boolean heap = false;
        for (MemorySegment s : in) {
          heap |= !s.isNative();
        }
        for (MemorySegment s : out) {
          heap |= !s.isNative();
        }
        long chunk = heap ? Math.min(len, 1 << 20) : Math.min(len, MAX_RUN);
        MemorySegment[] src = new MemorySegment[inputs];
        MemorySegment[] dst = new MemorySegment[outputs];
        if (heap) {
          for (int j = 0; j < inputs; j++) {
            src[j] = call.allocate(chunk, 64);
          }
          for (int o = 0; o < outputs; o++) {
            dst[o] = call.allocate(chunk, 64);
          }
        }
        if (!heap) {
          checkNative(in, inOff, len, false);
          checkNative(out, outOff, len, true);
        }
        MemorySegment srcPtrs = call.allocate(ValueLayout.ADDRESS, inputs);
        MemorySegment dstPtrs = call.allocate(ValueLayout.ADDRESS, outputs);
        for (long p = 0; p < len; p += chunk) {
          long n = Math.min(chunk, len - p);
          for (int j = 0; j < inputs; j++) {
            MemorySegment s = heap ? src[j] : in[j].asSlice(inOff + p, n);
            if (heap) {
              MemorySegment.copy(in[j], inOff + p, s, 0, n);
            }
            srcPtrs.setAtIndex(ValueLayout.ADDRESS, j, s);
          }
          for (int o = 0; o < outputs; o++) {
            dstPtrs.setAtIndex(ValueLayout.ADDRESS, o, heap ? dst[o] : out[o].asSlice(outOff + p, n));
          }
          lib.encodeData((int) n, inputs, outputs, tables, srcPtrs, dstPtrs);
          // Automatic segments must stay reachable (not freed) until the native call returned.
          Reference.reachabilityFence(in);
          Reference.reachabilityFence(out);
          if (heap) {
            for (int o = 0; o < outputs; o++) {
              MemorySegment.copy(dst[o], 0, out[o], outOff + p, n);
            }
          }
        }
      }
    }
  }
}
