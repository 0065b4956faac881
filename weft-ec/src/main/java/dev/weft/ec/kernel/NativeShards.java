package dev.weft.ec.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Native shards read and written through one segment spanning all native memory, at their addresses.
 *
 * <p>Why: a vector loop that reads {@code in[j]} from an array of segments re-checks each input's segment
 * on every iteration (its class, its bounds, its session's liveness): ~25 scalar instructions per input per
 * 128 bytes in the nibble kernel, because the segment changes with j and nothing is loop-invariant. Through
 * one segment held in a local, those checks are hoisted out of the loop and only an address addition stays.
 * Measured on the 10+4 encode loop with the shards in L1: 17.0–19.6 GB per CPU-second against 13.4–14.2
 * for the same loop over the separate segments (docs/bench/ec.md, Round 4).
 *
 * <p>What the segment checks did is done here once per call instead: {@link #usable} accepts only native
 * segments that are alive, accessible by the calling thread, large enough for the range, and (outputs)
 * writable; anything else takes the checked path, which throws what FFM throws. What cannot be checked
 * once is a concurrent close: a shared arena closed by another thread while a kernel runs on its segments
 * is undefined here (the checked path would have thrown). weft never does that — a job's buffers are the
 * caller's until the job has returned (see {@code ParallelCoder}) — and {@link GfKernel.Program#run}
 * states it as the contract. Segments of a confined arena are only taken on its owner thread, which cannot
 * close them while it runs the kernel; automatic segments are kept reachable by the caller's arrays, which
 * the kernels fence until they return.
 */
final class NativeShards {
  /**
   * All native memory as one segment, or null when this module may not call restricted methods (then every
   * call takes the checked path; no warning is printed).
   */
  static final MemorySegment ALL = everything();

  private NativeShards() {}

  private static MemorySegment everything() {
    if (!NativeShards.class.getModule().isNativeAccessEnabled()) {
      return null;
    }
    try {
      return MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    } catch (IllegalCallerException e) {
      return null;
    }
  }

  /** True when every shard may be accessed at its address for [off, off + len) (see the class comment). */
  static boolean usable(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len) {
    if (ALL == null || len < 0) {
      return false;
    }
    Thread self = Thread.currentThread();
    for (MemorySegment s : in) {
      if (!usable(s, inOff, len, self)) {
        return false;
      }
    }
    for (MemorySegment s : out) {
      if (!usable(s, outOff, len, self) || s.isReadOnly()) {
        return false;
      }
    }
    return true;
  }

  private static boolean usable(MemorySegment s, long off, long len, Thread self) {
    return s.isNative() && off >= 0 && off <= s.byteSize() - len && s.scope().isAlive() && s.isAccessibleBy(self);
  }

  /** The address of byte {@code off} of each segment. */
  static long[] addresses(MemorySegment[] segments, long off) {
    long[] a = new long[segments.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = segments[i].address() + off;
    }
    return a;
  }
}
