package dev.weft.ec.kernel;

import java.lang.foreign.MemorySegment;

/**
 * Multiplies a coefficient matrix into shard memory: for every output row o,
 * {@code out[o][outOff + p] = XOR over j of c[o][j] · in[j][inOff + p]} for p in [0, len). Outputs are
 * overwritten, never accumulated into. Encode, verify and reconstruct are all this one operation with
 * different matrices.
 *
 * <p>A kernel is stateless; {@link #compile} turns a matrix into a {@link Program} holding the lookup
 * tables, which is immutable and may be run by many threads at once on disjoint outputs.
 */
public interface GfKernel {
  /** A short name for benchmarks and {@code --ec-backend} reports, e.g. {@code java-nibble}. */
  String name();

  /**
   * Prepares the tables for a matrix.
   *
   * @param coefficients rows = outputs, columns = inputs; not retained
   */
  Program compile(byte[][] coefficients);

  /** A matrix ready to run. */
  interface Program {
    int inputs();

    int outputs();

    /**
     * Runs the matrix over {@code len} bytes. Segments may be heap or native; inputs and outputs must not
     * overlap, and no segment may be closed (its arena) until this returns: the Vector API kernels read
     * native shards at their addresses after checking them once per call, so a close from another thread
     * during the run is undefined rather than an exception (see {@code NativeShards}).
     */
    void run(MemorySegment[] in, long inOff, MemorySegment[] out, long outOff, long len);
  }

  /** Checks a matrix is rectangular and non-empty, and returns its column count. */
  static int checkMatrix(byte[][] coefficients) {
    if (coefficients.length == 0 || coefficients[0].length == 0) {
      throw new IllegalArgumentException("empty coefficient matrix");
    }
    int cols = coefficients[0].length;
    for (byte[] row : coefficients) {
      if (row.length != cols) {
        throw new IllegalArgumentException("ragged coefficient matrix");
      }
    }
    return cols;
  }
}
