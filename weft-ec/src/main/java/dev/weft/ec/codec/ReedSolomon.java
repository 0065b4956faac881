package dev.weft.ec.codec;

import dev.weft.ec.gf.GfMatrix;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A systematic Reed–Solomon code RS(k, m) over GF(2^8): k data shards, m parity shards, any k of the k + m
 * recover the rest. Works on {@code byte[]} or {@link MemorySegment} shards (heap or native) with an offset
 * and length common to all shards. Immutable and thread-safe: several threads may code disjoint ranges
 * of the same shards at once, which is how {@link ParallelCoder} stripes work.
 *
 * <p>Shards are passed as an array of all k + m; data first. For reconstruction a {@code present} flag per
 * shard says which hold valid bytes; the others are overwritten. Decode programs are cached by erasure
 * pattern, so a long run of equal losses pays for the matrix inversion once.
 */
public final class ReedSolomon {
  /** The most shards a GF(2^8) code can have. */
  public static final int MAX_SHARDS = 256;
  /** Decode programs kept; a pathological stream of distinct patterns only costs re-inversion. */
  private static final int DECODE_CACHE_LIMIT = 4096;

  private final int k;
  private final int m;
  private final MatrixKind kind;
  private final GfKernel kernel;
  private final GfMatrix generator;
  private final GfKernel.Program encoder;
  private final ConcurrentHashMap<Pattern, DecodePlan> decodeCache = new ConcurrentHashMap<>();

  private ReedSolomon(int k, int m, MatrixKind kind, GfKernel kernel) {
    this.k = k;
    this.m = m;
    this.kind = kind;
    this.kernel = kernel;
    this.generator = kind.generator(k, m);
    byte[][] parityRows = new byte[m][];
    for (int i = 0; i < m; i++) {
      parityRows[i] = generator.row(k + i);
    }
    this.encoder = Kernels.withFastPath(kernel, parityRows);
  }

  /** RS(k, m) with the Cauchy matrix (parity identical to ISA-L and Hadoop) and the fastest Java kernel. */
  public static ReedSolomon create(int k, int m) {
    return create(k, m, MatrixKind.CAUCHY, Kernels.bestJava());
  }

  /**
   * @throws IllegalArgumentException unless 1 ≤ k, 1 ≤ m and k + m ≤ 256 (and m = 1 for {@link MatrixKind#XOR})
   */
  public static ReedSolomon create(int k, int m, MatrixKind kind, GfKernel kernel) {
    checkShape(k, m, kind);
    return new ReedSolomon(k, m, kind, kernel);
  }

  /** {@link #checkShape(int, int)}, and m = 1 for the xor matrix. */
  public static void checkShape(int k, int m, MatrixKind kind) {
    checkShape(k, m);
    kind.checkParity(m);
  }

  /** Throws {@link IllegalArgumentException} naming the problem unless (k, m) is a valid code. */
  public static void checkShape(int k, int m) {
    if (k < 1) {
      throw new IllegalArgumentException("data shards must be at least 1, got " + k);
    }
    if (m < 1) {
      throw new IllegalArgumentException("parity shards must be at least 1, got " + m);
    }
    if (k + m > MAX_SHARDS) {
      throw new IllegalArgumentException("data + parity shards must be at most " + MAX_SHARDS + ", got " + k + " + " + m);
    }
  }

  public int dataShards() {
    return k;
  }

  public int parityShards() {
    return m;
  }

  public int totalShards() {
    return k + m;
  }

  public MatrixKind matrixKind() {
    return kind;
  }

  public GfKernel kernel() {
    return kernel;
  }

  /** The (k + m) × k generator matrix. */
  public GfMatrix generator() {
    return generator;
  }

  // ---------------------------------------------------------------- encode

  /**
   * {@code ByteBuffer} shards, heap or direct, coded in place without copies. As with
   * {@link MemorySegment#ofBuffer}, each shard is the buffer's bytes between its position and its limit,
   * and {@code off} counts from the position; positions and limits are left unchanged.
   */
  public void encode(ByteBuffer[] shards, int off, int len) {
    encode(wrap(shards), off, len);
  }

  /** Computes the m parity shards from the k data shards over {@code [off, off + len)}. */
  public void encode(byte[][] shards, int off, int len) {
    encode(wrap(shards, off, len), off, len);
  }

  public void encode(MemorySegment[] shards, long off, long len) {
    checkSegments(shards, off, len);
    if (len == 0) {
      return;
    }
    encoder.run(slice(shards, 0, k), off, slice(shards, k, m), off, len);
  }

  /** True if the parity shards match the data shards over {@code [off, off + len)}. */
  public boolean verify(byte[][] shards, int off, int len) {
    return verify(wrap(shards, off, len), off, len);
  }

  /** {@link #verify(byte[][], int, int)} on buffers; see {@link #encode(ByteBuffer[], int, int)}. */
  public boolean verify(ByteBuffer[] shards, int off, int len) {
    return verify(wrap(shards), off, len);
  }

  public boolean verify(MemorySegment[] shards, long off, long len) {
    checkSegments(shards, off, len);
    long chunk = Math.min(len, 64 * 1024);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment[] scratch = new MemorySegment[m];
      for (int i = 0; i < m; i++) {
        scratch[i] = arena.allocate(Math.max(1, chunk), 64);
      }
      MemorySegment[] data = slice(shards, 0, k);
      for (long p = 0; p < len; p += chunk) {
        long n = Math.min(chunk, len - p);
        encoder.run(data, off + p, scratch, 0, n);
        for (int i = 0; i < m; i++) {
          if (MemorySegment.mismatch(scratch[i], 0, n, shards[k + i], off + p, off + p + n) >= 0) {
            return false;
          }
        }
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- reconstruct

  /** Rebuilds every shard not marked present. */
  public void reconstruct(byte[][] shards, boolean[] present, int off, int len) {
    reconstruct(wrap(shards, off, len), present, missing(present, k + m), off, len);
  }

  /** Rebuilds every shard not marked present; see {@link #encode(ByteBuffer[], int, int)} for buffers. */
  public void reconstruct(ByteBuffer[] shards, boolean[] present, int off, int len) {
    reconstruct(wrap(shards), present, missing(present, k + m), off, len);
  }

  /** Rebuilds only the missing data shards of buffers. */
  public void reconstructData(ByteBuffer[] shards, boolean[] present, int off, int len) {
    reconstruct(wrap(shards), present, missing(present, k), off, len);
  }

  /** Rebuilds the wanted shards of buffers that are not present. */
  public void reconstruct(ByteBuffer[] shards, boolean[] present, boolean[] wanted, int off, int len) {
    reconstruct(wrap(shards), present, wanted, off, len);
  }

  /** Rebuilds only the missing data shards (parity shards not present stay as they are). */
  public void reconstructData(byte[][] shards, boolean[] present, int off, int len) {
    reconstruct(wrap(shards, off, len), present, missing(present, k), off, len);
  }

  /**
   * Rebuilds the shards flagged in {@code wanted} that are not present.
   *
   * @throws TooManyErasuresException when fewer than k shards are present
   */
  public void reconstruct(MemorySegment[] shards, boolean[] present, boolean[] wanted, long off, long len) {
    checkSegments(shards, off, len);
    DecodePlan plan = plan(present, wanted);
    if (plan == null || len == 0) {
      return;
    }
    plan.program().run(pick(shards, plan.sources()), off, pick(shards, plan.targets()), off, len);
  }

  public void reconstruct(byte[][] shards, boolean[] present, boolean[] wanted, int off, int len) {
    reconstruct(wrap(shards, off, len), present, wanted, off, len);
  }

  /**
   * The program that rebuilds the wanted-but-missing shards from the first k present ones, or null if
   * nothing is wanted. Cached by pattern. Exposed so {@link ParallelCoder} can share one plan among stripes.
   */
  public DecodePlan plan(boolean[] present, boolean[] wanted) {
    if (present.length != k + m || wanted.length != k + m) {
      throw new IllegalArgumentException("need " + (k + m) + " present/wanted flags, got " + present.length + "/" + wanted.length);
    }
    BitSet have = new BitSet(k + m);
    BitSet need = new BitSet(k + m);
    for (int i = 0; i < k + m; i++) {
      if (present[i]) {
        have.set(i);
      } else if (wanted[i]) {
        need.set(i);
      }
    }
    if (need.isEmpty()) {
      return null;
    }
    if (have.cardinality() < k) {
      throw new TooManyErasuresException(k, m, k + m - have.cardinality());
    }
    Pattern key = new Pattern(have, need);
    DecodePlan plan = decodeCache.get(key);
    if (plan == null) {
      plan = buildPlan(have, need);
      if (decodeCache.size() >= DECODE_CACHE_LIMIT) {
        decodeCache.clear();
      }
      decodeCache.put(key, plan);
    }
    return plan;
  }

  private DecodePlan buildPlan(BitSet have, BitSet need) {
    int[] sources = have.stream().limit(k).toArray();
    int[] targets = need.stream().toArray();
    // Rows of the generator for the surviving shards map data to them; the inverse maps them back to data.
    GfMatrix inverse = generator.selectRows(sources).inverse();
    byte[][] rows = new byte[targets.length][];
    for (int t = 0; t < targets.length; t++) {
      int target = targets[t];
      rows[t] = target < k
          ? inverse.row(target)
          : generator.selectRows(new int[] {target}).times(inverse).row(0);
    }
    return new DecodePlan(sources, targets, Kernels.withFastPath(kernel, rows));
  }

  /** Which shards a decode reads and writes, and the program doing it. */
  public record DecodePlan(int[] sources, int[] targets, GfKernel.Program program) {}

  private record Pattern(BitSet present, BitSet targets) {}

  /** The encode program: the parity rows of the generator. */
  public GfKernel.Program encoder() {
    return encoder;
  }

  // ---------------------------------------------------------------- helpers

  private static boolean[] missing(boolean[] present, int upTo) {
    boolean[] wanted = new boolean[present.length];
    for (int i = 0; i < Math.min(upTo, present.length); i++) {
      wanted[i] = !present[i];
    }
    return wanted;
  }

  private MemorySegment[] wrap(byte[][] shards, int off, int len) {
    if (shards.length != k + m) {
      throw new IllegalArgumentException("need " + (k + m) + " shards, got " + shards.length);
    }
    if (off < 0 || len < 0) {
      throw new IllegalArgumentException("negative offset or length: " + off + ", " + len);
    }
    MemorySegment[] out = new MemorySegment[shards.length];
    int length = shards[0].length;
    for (int i = 0; i < shards.length; i++) {
      if (shards[i].length != length) {
        throw new IllegalArgumentException("unequal shard lengths: shard 0 has " + length + " bytes, shard " + i
            + " has " + shards[i].length);
      }
      out[i] = MemorySegment.ofArray(shards[i]);
    }
    return out;
  }

  /** Views each buffer's [position, limit) as a segment: no copy, heap or direct alike. */
  static MemorySegment[] wrap(ByteBuffer[] shards) {
    MemorySegment[] out = new MemorySegment[shards.length];
    for (int i = 0; i < shards.length; i++) {
      out[i] = MemorySegment.ofBuffer(shards[i]);
    }
    return out;
  }

  private void checkSegments(MemorySegment[] shards, long off, long len) {
    if (shards.length != k + m) {
      throw new IllegalArgumentException("need " + (k + m) + " shards, got " + shards.length);
    }
    if (off < 0 || len < 0) {
      throw new IllegalArgumentException("negative offset or length: " + off + ", " + len);
    }
    for (int i = 0; i < shards.length; i++) {
      if (shards[i].byteSize() < off + len) {
        throw new IllegalArgumentException("shard " + i + " has " + shards[i].byteSize() + " bytes, fewer than "
            + (off + len));
      }
    }
  }

  static MemorySegment[] slice(MemorySegment[] all, int from, int count) {
    MemorySegment[] out = new MemorySegment[count];
    System.arraycopy(all, from, out, 0, count);
    return out;
  }

  static MemorySegment[] pick(MemorySegment[] all, int[] which) {
    MemorySegment[] out = new MemorySegment[which.length];
    for (int i = 0; i < which.length; i++) {
      out[i] = all[which[i]];
    }
    return out;
  }
}
