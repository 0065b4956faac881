package dev.weft.ec.isal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The FFM binding to Intel ISA-L's erasure-code functions ({@code libisal.so.2}). Loaded once, lazily; when
 * the library is absent {@link #get()} is empty and weft runs on its Java kernels alone.
 *
 * <p>The library is found by {@link IsalLocator} ({@code WEFT_ISAL} / {@code weft.isal.path} override it).
 */
public final class IsalLibrary {
  private static final IsalLocator.Bound<IsalLibrary> BOUND = IsalLocator.bind(IsalLibrary::new);

  private final Path file;
  private final MethodHandle initTables;
  private final MethodHandle encodeData;
  private final MethodHandle genCauchy1;
  private final MethodHandle invertMatrix;

  private IsalLibrary(Path file, SymbolLookup lookup) {
    this.file = file;
    Linker linker = Linker.nativeLinker();
    ValueLayout.OfInt i = ValueLayout.JAVA_INT;
    var p = ValueLayout.ADDRESS;
    initTables = linker.downcallHandle(lookup.findOrThrow("ec_init_tables"), FunctionDescriptor.ofVoid(i, i, p, p));
    // ec_encode_data is pure computation on memory we own; no upcalls, so a critical call skips the
    // thread-state transition that would otherwise cost a few percent on small stripes.
    encodeData = linker.downcallHandle(lookup.findOrThrow("ec_encode_data"),
        FunctionDescriptor.ofVoid(i, i, i, p, p, p), Linker.Option.critical(false));
    genCauchy1 = linker.downcallHandle(lookup.findOrThrow("gf_gen_cauchy1_matrix"), FunctionDescriptor.ofVoid(p, i, i));
    invertMatrix = linker.downcallHandle(lookup.findOrThrow("gf_invert_matrix"), FunctionDescriptor.of(i, p, p, i));
  }

  /**
   * Why {@link #get()} is empty, for messages: not installed, turned off, or the file the user named
   * through {@code WEFT_ISAL} and what the loader said about it.
   */
  public static String absentReason() {
    return BOUND.absentReason();
  }

  /** The library, if it is installed and loadable. */
  public static Optional<IsalLibrary> get() {
    return BOUND.binding();
  }

  public Path file() {
    return file;
  }

  /** {@code ec_init_tables(k, rows, a, gftbls)}: 32 bytes of tables per coefficient into {@code tables}. */
  public void initTables(int k, int rows, MemorySegment coefficients, MemorySegment tables) {
    try {
      initTables.invokeExact(k, rows, coefficients, tables);
    } catch (Throwable t) {
      throw IsalLocator.rethrow(t);
    }
  }

  /** {@code ec_encode_data(len, k, rows, gftbls, data, coding)}; data and coding are arrays of pointers. */
  public void encodeData(int len, int k, int rows, MemorySegment tables, MemorySegment data, MemorySegment coding) {
    try {
      encodeData.invokeExact(len, k, rows, tables, data, coding);
    } catch (Throwable t) {
      throw IsalLocator.rethrow(t);
    }
  }

  /** {@code gf_gen_cauchy1_matrix(a, m, k)} with m the total row count; returns the (m × k) matrix. */
  public byte[][] genCauchy1(int totalRows, int k) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment a = arena.allocate((long) totalRows * k);
      genCauchy1.invokeExact(a, totalRows, k);
      return toRows(a, totalRows, k);
    } catch (Throwable t) {
      throw IsalLocator.rethrow(t);
    }
  }

  /** {@code gf_invert_matrix}; returns null when ISA-L reports the matrix singular. */
  public byte[][] invert(byte[][] matrix) {
    int n = matrix.length;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = arena.allocate((long) n * n);
      for (int r = 0; r < n; r++) {
        MemorySegment.copy(matrix[r], 0, in, ValueLayout.JAVA_BYTE, (long) r * n, n);
      }
      MemorySegment out = arena.allocate((long) n * n);
      int rc = (int) invertMatrix.invokeExact(in, out, n);
      return rc == 0 ? toRows(out, n, n) : null;
    } catch (Throwable t) {
      throw IsalLocator.rethrow(t);
    }
  }

  private static byte[][] toRows(MemorySegment seg, int rows, int cols) {
    byte[][] out = new byte[rows][cols];
    for (int r = 0; r < rows; r++) {
      MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, (long) r * cols, out[r], 0, cols);
    }
    return out;
  }
}
