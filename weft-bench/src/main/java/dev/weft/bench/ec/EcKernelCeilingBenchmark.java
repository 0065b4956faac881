package dev.weft.bench.ec;

import dev.weft.ec.gf.Gf256;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.ec.isal.IsalKernel;
import dev.weft.ec.isal.IsalLibrary;
import dev.weft.ec.kernel.GfKernel;
import dev.weft.ec.kernel.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the compute ceiling of candidate inner loops for the 10+4 encode (one group of four outputs),
 * each loop hand-specialised to one vector shape so C2 sees constant species. With {@code bytes=2048} the
 * 14 shards (28 KiB) sit in the 32 KiB L1, so the time is the loop's own compute; with 1 MiB it is the
 * hot working set of {@code weft bench ec} (14 MiB, in L3). Variants: {@code n512x2} (the product
 * kernel's loop: nibble tables, 512-bit, two vectors per iteration), {@code n512x2k} (the same with the
 * input count not a constant), {@code n512x2a} / {@code n512x2ak} (n512x2 with every shard accessed at its
 * address through one all-memory segment, k constant / at run time: what the product's native path does),
 * {@code n512x2p} (plus a one-byte read ahead in every input, a prefetch by
 * hand; round 5 tried the same on the address path, commit d3e7fa3's {@code n512x2at}, and removed it),
 * {@code n512x1}, {@code n512x4}, {@code n256x2}, {@code n256x4}, {@code n128x4} (other widths and
 * unrollings), {@code s512x2} (the 7-bit two-table vpermi2b loop with a masked XOR for bit 7), and the
 * product programs {@code nibble}, {@code 7bit}, {@code isal}. Every variant's output is checked against
 * the scalar product once at setup. {@code -Dsets=8} rotates the runs through 8 shard sets (112 MiB at 1 MiB
 * shards, more than L3: the cold case); {@code -Dstagger=N} places shard i at i × N bytes into a
 * page-aligned allocation. At 1 MiB the variant set up later ran faster in every order-swapped pair of
 * round 5, so compare 1 MiB rates across both orders (or one variant per JVM). Results: docs/bench/ec.md,
 * "Round 2", "Round 4" and "Round 5".
 *
 * <p>Measure one vector width per JVM (one variant per JMH fork is what JMH does anyway; for
 * {@link #main} pass one variant): once two species have run, the shared Vector API call sites are
 * polymorphic and C2 may leave vectors boxed in whatever compiles next, which made loops 5–40× slower in
 * mixed runs here.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class EcKernelCeilingBenchmark {
  private static final int K = 10;
  private static final int M = 4;
  private static final int COLUMN_CHUNK = Integer.getInteger("columnChunk", 2048);
  private static final int TOUCH_AHEAD = Integer.getInteger("touch", 1024);
  /**
   * Shard sets the runs rotate through: 1 keeps the 14 shards hot; 8 sets of 1 MiB shards (112 MiB) are
   * more than the 32 MiB L3, so each run reads its inputs from DRAM (the bench's cold case).
   */
  private static final int SETS = Integer.getInteger("sets", 1);
  /**
   * Placement probe: shard i of a set starts {@code i * STAGGER} bytes into a page-aligned allocation
   * (-1, the default: a plain 64-byte-aligned {@code arena.allocate} per shard, as before).
   */
  private static final int STAGGER = Integer.getInteger("stagger", -1);
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final VectorSpecies<Byte> S512 = ByteVector.SPECIES_512;
  private static final VectorSpecies<Byte> S256 = ByteVector.SPECIES_256;
  private static final VectorSpecies<Byte> S128 = ByteVector.SPECIES_128;

  @Param({"n512x1", "n512x2", "n512x2a", "n512x2ak", "n512x2k", "n512x2p", "c512x2", "n512x4", "n256x2", "n256x4", "n128x4", "s512x2", "nibble", "7bit", "isal"})
  public String variant;

  @Param({"2048", "1048576"})
  public int bytes;

  private Arena arena;
  private MemorySegment[] in;
  private MemorySegment[] out;
  private MemorySegment[][] inSets;
  private MemorySegment[][] outSets;
  private int set;
  private byte[] tables;
  private GfKernel.Program program;
  /** Keeps the touch-ahead loads of n512x2p alive. */
  public int sink;

  @Setup(Level.Trial)
  public void setup() {
    byte[][] c = java.util.Arrays.copyOfRange(MatrixKind.CAUCHY.generator(K, M).toRows(), K, K + M);
    arena = Arena.ofShared();
    inSets = new MemorySegment[SETS][K];
    outSets = new MemorySegment[SETS][M];
    Random rnd = new Random(1);
    byte[] noise = new byte[bytes];
    for (int s = 0; s < SETS; s++) {
      for (int j = 0; j < K; j++) {
        inSets[s][j] = shard(j);
        rnd.nextBytes(noise);
        MemorySegment.copy(MemorySegment.ofArray(noise), 0, inSets[s][j], 0, bytes);
      }
      for (int o = 0; o < M; o++) {
        outSets[s][o] = shard(K + o);
      }
    }
    in = inSets[0];
    out = outSets[0];
    switch (variant) {
      case "nibble", "7bit" -> program = Kernels.byName(variant).compile(c);
      case "isal" -> program = new IsalKernel(IsalLibrary.get().orElseThrow(
          () -> new IllegalStateException("libisal not installed"))).compile(c);
      default -> tables = variant.startsWith("s") ? sevenBitTables(c) : nibbleTables(c, vectorBytes());
    }
    run();
    for (int o = 0; o < M; o++) {
      for (int p = 0; p < bytes; p++) {
        int want = 0;
        for (int j = 0; j < K; j++) {
          want ^= Gf256.mul(c[o][j] & 0xFF, in[j].get(java.lang.foreign.ValueLayout.JAVA_BYTE, p) & 0xFF);
        }
        if ((out[o].get(java.lang.foreign.ValueLayout.JAVA_BYTE, p) & 0xFF) != want) {
          throw new IllegalStateException(variant + " computes a wrong product at output " + o + ", byte " + p);
        }
      }
    }
  }

  private MemorySegment shard(int i) {
    if (STAGGER < 0) {
      return arena.allocate(bytes, 64);
    }
    return arena.allocate(bytes + (long) i * STAGGER, 4096).asSlice((long) i * STAGGER, bytes);
  }

  private int vectorBytes() {
    return Integer.parseInt(variant.substring(1, 4)) / 8;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public MemorySegment encode() {
    run();
    return out[0];
  }

  private void run() {
    if (SETS > 1) {
      set = set + 1 == SETS ? 0 : set + 1;
      in = inSets[set];
      out = outSets[set];
    }
    switch (variant) {
      case "n512x2" -> n512x2(in, out, tables, bytes);
      case "n512x2a" -> n512x2a(in, out, tables, bytes);
      case "n512x2ak" -> n512x2ak(in, out, tables, bytes);
      case "n512x4" -> n512x4(in, out, tables, bytes);
      case "n512x2k" -> n512x2k(in, out, tables, bytes);
      case "n512x1" -> n512x1(in, out, tables, bytes);
      case "c512x2" -> c512x2(in, out, tables, bytes);
      case "n512x2p" -> sink = n512x2p(in, out, tables, bytes);
      case "n256x2" -> n256x2(in, out, tables, bytes);
      case "n256x4" -> n256x4(in, out, tables, bytes);
      case "n128x4" -> n128x4(in, out, tables, bytes);
      case "s512x2" -> s512x2(in, out, tables, bytes);
      default -> program.run(in, 0, out, 0, bytes);
    }
  }

  /**
   * The same loops timed by CPU time of the measuring thread instead of wall time, for a machine shared
   * with other work (where JMH's wall-clock scores swing by 2×): every variant × size is warmed up, then
   * the variants are timed in interleaved rounds (so load changes hit all of them alike) of about 0.1 s
   * of thread CPU each, and the median GB of data per CPU-second is printed. Usage:
   * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp weft-bench.jar
   * dev.weft.bench.ec.EcKernelCeilingBenchmark [rounds] [variant,...] [bytes,...]}.
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    String[] variants = args.length > 1 ? args[1].split(",")
        : new String[] {"n512x1", "n512x2", "n512x2a", "n512x2ak", "n512x2k", "n512x2p", "c512x2", "n512x4", "n256x2", "n256x4", "n128x4", "s512x2", "nibble", "7bit", "isal"};
    String[] sizes = args.length > 2 ? args[2].split(",") : new String[] {"2048", "1048576"};
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    // Sizes in the order given, the small one first: setup runs each loop once to check it, and a 1 MiB
    // pass through a still-interpreted Vector API loop takes tens of seconds, so the larger sizes are set up
    // only after the first size's warm-up rounds got the loops compiled.
    java.util.List<EcKernelCeilingBenchmark> states = new java.util.ArrayList<>();
    for (String size : sizes) {
      for (String v : variants) {
        EcKernelCeilingBenchmark b = new EcKernelCeilingBenchmark();
        b.variant = v;
        b.bytes = Integer.parseInt(size);
        try {
          b.setup();
        } catch (RuntimeException e) {
          System.out.println(v + " " + size + ": skipped (" + e.getMessage() + ")");
          continue;
        }
        states.add(b);
        if (states.size() == variants.length) {
          time(states, 3, 700_000_000L, mx); // warm-up
        }
      }
    }
    time(states, 1, 300_000_000L, mx); // warm-up of the sizes set up later
    double[][] rates = time(states, rounds, 100_000_000L, mx);
    for (int i = 0; i < states.size(); i++) {
      double[] v = rates[i].clone();
      java.util.Arrays.sort(v);
      EcKernelCeilingBenchmark b = states.get(i);
      System.out.printf("%-8s %8d B/shard  %6.2f GB/s per CPU-s (min %.2f, max %.2f)%n", b.variant, b.bytes,
          v[rounds / 2], v[0], v[rounds - 1]);
      b.tearDown();
    }
  }

  /** Runs every state for {@code budget} ns of thread CPU per round; returns GB per CPU-second per round. */
  private static double[][] time(java.util.List<EcKernelCeilingBenchmark> states, int rounds, long budget,
      java.lang.management.ThreadMXBean mx) {
    double[][] rates = new double[states.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < states.size(); i++) {
        EcKernelCeilingBenchmark b = states.get(i);
        long ops = 0;
        long c0 = mx.getCurrentThreadCpuTime();
        long c;
        do {
          for (int n = 0; n < 16; n++) {
            b.run();
          }
          ops += 16;
        } while ((c = mx.getCurrentThreadCpuTime()) - c0 < budget);
        rates[i][r] = (double) ops * K * b.bytes / (c - c0);
      }
    }
    return rates;
  }

  /** Per input, per output: the low-nibble table then the high-nibble one, each repeated to vl bytes. */
  private static byte[] nibbleTables(byte[][] c, int vl) {
    byte[] t = new byte[K * M * 2 * vl];
    int pos = 0;
    for (int j = 0; j < K; j++) {
      for (int o = 0; o < M; o++) {
        for (int i = 0; i < vl; i++) {
          t[pos + i] = (byte) Gf256.mul(c[o][j] & 0xFF, i & 15);
          t[pos + vl + i] = (byte) Gf256.mul(c[o][j] & 0xFF, (i & 15) << 4);
        }
        pos += 2 * vl;
      }
    }
    return t;
  }

  /** Per input, per output: T[0..63], T[64..127], c·128 broadcast. */
  private static byte[] sevenBitTables(byte[][] c) {
    byte[] t = new byte[K * M * 3 * 64];
    int pos = 0;
    for (int j = 0; j < K; j++) {
      for (int o = 0; o < M; o++) {
        for (int i = 0; i < 64; i++) {
          t[pos + i] = (byte) Gf256.mul(c[o][j] & 0xFF, i);
          t[pos + 64 + i] = (byte) Gf256.mul(c[o][j] & 0xFF, 64 + i);
          t[pos + 128 + i] = (byte) Gf256.mul(c[o][j] & 0xFF, 128);
        }
        pos += 192;
      }
    }
    return t;
  }



  private static void n512x2(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    for (long p = 0; p < len; p += 2 * vl) {
      ByteVector a0 = ByteVector.zero(S512), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int q = 0;
      for (int j = 0; j < K; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S512, in[j], p, LE);
        ByteVector y = ByteVector.fromMemorySegment(S512, in[j], p + vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S512, t, q), th = ByteVector.fromArray(S512, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 2 * vl);
        th = ByteVector.fromArray(S512, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 4 * vl);
        th = ByteVector.fromArray(S512, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 6 * vl);
        th = ByteVector.fromArray(S512, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
      b0.intoMemorySegment(out[0], p + vl, LE);
      b1.intoMemorySegment(out[1], p + vl, LE);
      b2.intoMemorySegment(out[2], p + vl, LE);
      b3.intoMemorySegment(out[3], p + vl, LE);
    }
  }

  /** All native memory through one segment. */
  private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

  /**
   * n512x2 with every shard read and written through one segment ({@link #ALL}) at its address: the
   * per-input segment checks (class, bounds, session) become loop-invariant.
   */
  private static void n512x2a(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    long[] a = new long[K];
    for (int j = 0; j < K; j++) {
      a[j] = in[j].address();
    }
    long o0 = out[0].address(), o1 = out[1].address(), o2 = out[2].address(), o3 = out[3].address();
    MemorySegment all = ALL;
    for (long p = 0; p < len; p += 2 * vl) {
      ByteVector a0 = ByteVector.zero(S512), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int q = 0;
      for (int j = 0; j < K; j++) {
        long src = a[j] + p;
        ByteVector x = ByteVector.fromMemorySegment(S512, all, src, LE);
        ByteVector y = ByteVector.fromMemorySegment(S512, all, src + vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S512, t, q), th = ByteVector.fromArray(S512, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 2 * vl);
        th = ByteVector.fromArray(S512, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 4 * vl);
        th = ByteVector.fromArray(S512, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 6 * vl);
        th = ByteVector.fromArray(S512, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(all, o0 + p, LE);
      a1.intoMemorySegment(all, o1 + p, LE);
      a2.intoMemorySegment(all, o2 + p, LE);
      a3.intoMemorySegment(all, o3 + p, LE);
      b0.intoMemorySegment(all, o0 + p + vl, LE);
      b1.intoMemorySegment(all, o1 + p + vl, LE);
      b2.intoMemorySegment(all, o2 + p + vl, LE);
      b3.intoMemorySegment(all, o3 + p + vl, LE);
    }
  }

  /** n512x2a with the input count a run-time value, as in the product. */
  private static void n512x2ak(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    int k = in.length;
    long[] a = new long[k];
    for (int j = 0; j < k; j++) {
      a[j] = in[j].address();
    }
    long o0 = out[0].address(), o1 = out[1].address(), o2 = out[2].address(), o3 = out[3].address();
    MemorySegment all = ALL;
    for (long p = 0; p < len; p += 2 * vl) {
      ByteVector a0 = ByteVector.zero(S512), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int q = 0;
      for (int j = 0; j < k; j++) {
        long src = a[j] + p;
        ByteVector x = ByteVector.fromMemorySegment(S512, all, src, LE);
        ByteVector y = ByteVector.fromMemorySegment(S512, all, src + vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S512, t, q), th = ByteVector.fromArray(S512, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 2 * vl);
        th = ByteVector.fromArray(S512, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 4 * vl);
        th = ByteVector.fromArray(S512, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 6 * vl);
        th = ByteVector.fromArray(S512, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(all, o0 + p, LE);
      a1.intoMemorySegment(all, o1 + p, LE);
      a2.intoMemorySegment(all, o2 + p, LE);
      a3.intoMemorySegment(all, o3 + p, LE);
      b0.intoMemorySegment(all, o0 + p + vl, LE);
      b1.intoMemorySegment(all, o1 + p + vl, LE);
      b2.intoMemorySegment(all, o2 + p + vl, LE);
      b3.intoMemorySegment(all, o3 + p + vl, LE);
    }
  }

  /** n512x2 that also reads one byte TOUCH_AHEAD bytes ahead in every input: a prefetch by hand. */
  private static int n512x2p(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    int sink = 0;
    for (long p = 0; p < len; p += 2 * vl) {
      ByteVector a0 = ByteVector.zero(S512), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int q = 0;
      long ahead = Math.min(p + TOUCH_AHEAD, len - 1);
      for (int j = 0; j < K; j++) {
        sink += in[j].get(java.lang.foreign.ValueLayout.JAVA_BYTE, ahead);
        ByteVector x = ByteVector.fromMemorySegment(S512, in[j], p, LE);
        ByteVector y = ByteVector.fromMemorySegment(S512, in[j], p + vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S512, t, q), th = ByteVector.fromArray(S512, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 2 * vl);
        th = ByteVector.fromArray(S512, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 4 * vl);
        th = ByteVector.fromArray(S512, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 6 * vl);
        th = ByteVector.fromArray(S512, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
      b0.intoMemorySegment(out[0], p + vl, LE);
      b1.intoMemorySegment(out[1], p + vl, LE);
      b2.intoMemorySegment(out[2], p + vl, LE);
      b3.intoMemorySegment(out[3], p + vl, LE);
    }
    return sink;
  }

  /** n512x2 with the input count a run-time value (as in the product kernel), so C2 cannot unroll it. */
  private static void n512x2k(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    for (long p = 0; p < len; p += 2 * vl) {
      ByteVector a0 = ByteVector.zero(S512), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int q = 0;
      for (int j = 0; j < in.length; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S512, in[j], p, LE);
        ByteVector y = ByteVector.fromMemorySegment(S512, in[j], p + vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S512, t, q), th = ByteVector.fromArray(S512, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 2 * vl);
        th = ByteVector.fromArray(S512, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 4 * vl);
        th = ByteVector.fromArray(S512, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 6 * vl);
        th = ByteVector.fromArray(S512, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
      b0.intoMemorySegment(out[0], p + vl, LE);
      b1.intoMemorySegment(out[1], p + vl, LE);
      b2.intoMemorySegment(out[2], p + vl, LE);
      b3.intoMemorySegment(out[3], p + vl, LE);
    }
  }

  /** One 64-byte position per iteration, as ISA-L's AVX-512 loop: a shorter body per input. */
  private static void n512x1(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    for (long p = 0; p < len; p += vl) {
      ByteVector a0 = ByteVector.zero(S512), a1 = a0, a2 = a0, a3 = a0;
      int q = 0;
      for (int j = 0; j < K; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S512, in[j], p, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl, th;
        tl = ByteVector.fromArray(S512, t, q + 0 * vl);
        th = ByteVector.fromArray(S512, t, q + 1 * vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 2 * vl);
        th = ByteVector.fromArray(S512, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 4 * vl);
        th = ByteVector.fromArray(S512, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        tl = ByteVector.fromArray(S512, t, q + 6 * vl);
        th = ByteVector.fromArray(S512, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
    }
  }

  /**
   * Column order: within a chunk, one input at a time over all positions, the four outputs accumulated in
   * memory (L1) — the eight table vectors stay in registers and the loop streams one input, so the
   * per-input segment checks leave the inner loop and the loads of the next positions are close ahead.
   */
  private static void c512x2(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    MemorySegment o0 = out[0], o1 = out[1], o2 = out[2], o3 = out[3];
    for (long c = 0; c < len; c += COLUMN_CHUNK) {
      long end = Math.min(len, c + COLUMN_CHUNK);
      for (int j = 0; j < K; j++) {
        MemorySegment src = in[j];
        int q = j * 8 * vl;
        ByteVector tl0 = ByteVector.fromArray(S512, t, q + 0 * vl), th0 = ByteVector.fromArray(S512, t, q + 1 * vl);
        ByteVector tl1 = ByteVector.fromArray(S512, t, q + 2 * vl), th1 = ByteVector.fromArray(S512, t, q + 3 * vl);
        ByteVector tl2 = ByteVector.fromArray(S512, t, q + 4 * vl), th2 = ByteVector.fromArray(S512, t, q + 5 * vl);
        ByteVector tl3 = ByteVector.fromArray(S512, t, q + 6 * vl), th3 = ByteVector.fromArray(S512, t, q + 7 * vl);
        if (j == 0) {
        for (long p = c; p < end; p += 2 * vl) {
          ByteVector x = ByteVector.fromMemorySegment(S512, src, p, LE);
          ByteVector y = ByteVector.fromMemorySegment(S512, src, p + vl, LE);
          ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
          ByteVector yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
          x.selectFrom(tl0).lanewise(VectorOperators.XOR, xh.selectFrom(th0)).intoMemorySegment(o0, p, LE);
          y.selectFrom(tl0).lanewise(VectorOperators.XOR, yh.selectFrom(th0)).intoMemorySegment(o0, p + vl, LE);
          x.selectFrom(tl1).lanewise(VectorOperators.XOR, xh.selectFrom(th1)).intoMemorySegment(o1, p, LE);
          y.selectFrom(tl1).lanewise(VectorOperators.XOR, yh.selectFrom(th1)).intoMemorySegment(o1, p + vl, LE);
          x.selectFrom(tl2).lanewise(VectorOperators.XOR, xh.selectFrom(th2)).intoMemorySegment(o2, p, LE);
          y.selectFrom(tl2).lanewise(VectorOperators.XOR, yh.selectFrom(th2)).intoMemorySegment(o2, p + vl, LE);
          x.selectFrom(tl3).lanewise(VectorOperators.XOR, xh.selectFrom(th3)).intoMemorySegment(o3, p, LE);
          y.selectFrom(tl3).lanewise(VectorOperators.XOR, yh.selectFrom(th3)).intoMemorySegment(o3, p + vl, LE);
        }
        } else {
        for (long p = c; p < end; p += 2 * vl) {
          ByteVector x = ByteVector.fromMemorySegment(S512, src, p, LE);
          ByteVector y = ByteVector.fromMemorySegment(S512, src, p + vl, LE);
          ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
          ByteVector yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
          ByteVector.fromMemorySegment(S512, o0, p, LE).lanewise(VectorOperators.XOR, x.selectFrom(tl0)).lanewise(VectorOperators.XOR, xh.selectFrom(th0)).intoMemorySegment(o0, p, LE);
          ByteVector.fromMemorySegment(S512, o0, p + vl, LE).lanewise(VectorOperators.XOR, y.selectFrom(tl0)).lanewise(VectorOperators.XOR, yh.selectFrom(th0)).intoMemorySegment(o0, p + vl, LE);
          ByteVector.fromMemorySegment(S512, o1, p, LE).lanewise(VectorOperators.XOR, x.selectFrom(tl1)).lanewise(VectorOperators.XOR, xh.selectFrom(th1)).intoMemorySegment(o1, p, LE);
          ByteVector.fromMemorySegment(S512, o1, p + vl, LE).lanewise(VectorOperators.XOR, y.selectFrom(tl1)).lanewise(VectorOperators.XOR, yh.selectFrom(th1)).intoMemorySegment(o1, p + vl, LE);
          ByteVector.fromMemorySegment(S512, o2, p, LE).lanewise(VectorOperators.XOR, x.selectFrom(tl2)).lanewise(VectorOperators.XOR, xh.selectFrom(th2)).intoMemorySegment(o2, p, LE);
          ByteVector.fromMemorySegment(S512, o2, p + vl, LE).lanewise(VectorOperators.XOR, y.selectFrom(tl2)).lanewise(VectorOperators.XOR, yh.selectFrom(th2)).intoMemorySegment(o2, p + vl, LE);
          ByteVector.fromMemorySegment(S512, o3, p, LE).lanewise(VectorOperators.XOR, x.selectFrom(tl3)).lanewise(VectorOperators.XOR, xh.selectFrom(th3)).intoMemorySegment(o3, p, LE);
          ByteVector.fromMemorySegment(S512, o3, p + vl, LE).lanewise(VectorOperators.XOR, y.selectFrom(tl3)).lanewise(VectorOperators.XOR, yh.selectFrom(th3)).intoMemorySegment(o3, p + vl, LE);
        }
        }
      }
    }
  }

  private static void n512x4(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    for (long p = 0; p < len; p += 4 * vl) {
      for (int o = 0; o < M; o++) {
        ByteVector a = ByteVector.zero(S512), b = a, c = a, d = a;
        int q = o * 2 * vl;
        for (int j = 0; j < K; j++) {
          ByteVector tl = ByteVector.fromArray(S512, t, q), th = ByteVector.fromArray(S512, t, q + vl);
          ByteVector x0 = ByteVector.fromMemorySegment(S512, in[j], p, LE);
          ByteVector x1 = ByteVector.fromMemorySegment(S512, in[j], p + vl, LE);
          ByteVector x2 = ByteVector.fromMemorySegment(S512, in[j], p + 2 * vl, LE);
          ByteVector x3 = ByteVector.fromMemorySegment(S512, in[j], p + 3 * vl, LE);
          a = a.lanewise(VectorOperators.XOR, x0.selectFrom(tl)).lanewise(VectorOperators.XOR, x0.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().selectFrom(th));
          b = b.lanewise(VectorOperators.XOR, x1.selectFrom(tl)).lanewise(VectorOperators.XOR, x1.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().selectFrom(th));
          c = c.lanewise(VectorOperators.XOR, x2.selectFrom(tl)).lanewise(VectorOperators.XOR, x2.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().selectFrom(th));
          d = d.lanewise(VectorOperators.XOR, x3.selectFrom(tl)).lanewise(VectorOperators.XOR, x3.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().selectFrom(th));
          q += 8 * vl;
        }
        a.intoMemorySegment(out[o], p, LE);
        b.intoMemorySegment(out[o], p + vl, LE);
        c.intoMemorySegment(out[o], p + 2 * vl, LE);
        d.intoMemorySegment(out[o], p + 3 * vl, LE);
      }
    }
  }

  private static void n256x2(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 32;
    for (long p = 0; p < len; p += 2 * vl) {
      ByteVector a0 = ByteVector.zero(S256), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int q = 0;
      for (int j = 0; j < K; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S256, in[j], p, LE);
        ByteVector y = ByteVector.fromMemorySegment(S256, in[j], p + vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S256, t, q), th = ByteVector.fromArray(S256, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S256, t, q + 2 * vl);
        th = ByteVector.fromArray(S256, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S256, t, q + 4 * vl);
        th = ByteVector.fromArray(S256, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        tl = ByteVector.fromArray(S256, t, q + 6 * vl);
        th = ByteVector.fromArray(S256, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
      b0.intoMemorySegment(out[0], p + vl, LE);
      b1.intoMemorySegment(out[1], p + vl, LE);
      b2.intoMemorySegment(out[2], p + vl, LE);
      b3.intoMemorySegment(out[3], p + vl, LE);
    }
  }

  private static void n256x4(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 32;
    for (long p = 0; p < len; p += 4 * vl) {
      ByteVector a0 = ByteVector.zero(S256), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      ByteVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
      int q = 0;
      for (int j = 0; j < K; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S256, in[j], p, LE);
        ByteVector y = ByteVector.fromMemorySegment(S256, in[j], p + vl, LE);
        ByteVector z = ByteVector.fromMemorySegment(S256, in[j], p + 2 * vl, LE);
        ByteVector w = ByteVector.fromMemorySegment(S256, in[j], p + 3 * vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), zh = z.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), wh = w.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S256, t, q), th = ByteVector.fromArray(S256, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c0 = c0.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d0 = d0.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        tl = ByteVector.fromArray(S256, t, q + 2 * vl);
        th = ByteVector.fromArray(S256, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c1 = c1.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d1 = d1.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        tl = ByteVector.fromArray(S256, t, q + 4 * vl);
        th = ByteVector.fromArray(S256, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c2 = c2.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d2 = d2.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        tl = ByteVector.fromArray(S256, t, q + 6 * vl);
        th = ByteVector.fromArray(S256, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c3 = c3.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d3 = d3.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
      b0.intoMemorySegment(out[0], p + vl, LE);
      b1.intoMemorySegment(out[1], p + vl, LE);
      b2.intoMemorySegment(out[2], p + vl, LE);
      b3.intoMemorySegment(out[3], p + vl, LE);
      c0.intoMemorySegment(out[0], p + 2 * vl, LE);
      c1.intoMemorySegment(out[1], p + 2 * vl, LE);
      c2.intoMemorySegment(out[2], p + 2 * vl, LE);
      c3.intoMemorySegment(out[3], p + 2 * vl, LE);
      d0.intoMemorySegment(out[0], p + 3 * vl, LE);
      d1.intoMemorySegment(out[1], p + 3 * vl, LE);
      d2.intoMemorySegment(out[2], p + 3 * vl, LE);
      d3.intoMemorySegment(out[3], p + 3 * vl, LE);
    }
  }

  private static void n128x4(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 16;
    for (long p = 0; p < len; p += 4 * vl) {
      ByteVector a0 = ByteVector.zero(S128), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      ByteVector c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
      int q = 0;
      for (int j = 0; j < K; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S128, in[j], p, LE);
        ByteVector y = ByteVector.fromMemorySegment(S128, in[j], p + vl, LE);
        ByteVector z = ByteVector.fromMemorySegment(S128, in[j], p + 2 * vl, LE);
        ByteVector w = ByteVector.fromMemorySegment(S128, in[j], p + 3 * vl, LE);
        ByteVector xh = x.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), yh = y.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), zh = z.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes(), wh = w.reinterpretAsShorts().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes();
        ByteVector tl = ByteVector.fromArray(S128, t, q), th = ByteVector.fromArray(S128, t, q + vl);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c0 = c0.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d0 = d0.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        tl = ByteVector.fromArray(S128, t, q + 2 * vl);
        th = ByteVector.fromArray(S128, t, q + 3 * vl);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c1 = c1.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d1 = d1.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        tl = ByteVector.fromArray(S128, t, q + 4 * vl);
        th = ByteVector.fromArray(S128, t, q + 5 * vl);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c2 = c2.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d2 = d2.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        tl = ByteVector.fromArray(S128, t, q + 6 * vl);
        th = ByteVector.fromArray(S128, t, q + 7 * vl);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(tl)).lanewise(VectorOperators.XOR, xh.selectFrom(th));
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(tl)).lanewise(VectorOperators.XOR, yh.selectFrom(th));
        c3 = c3.lanewise(VectorOperators.XOR, z.selectFrom(tl)).lanewise(VectorOperators.XOR, zh.selectFrom(th));
        d3 = d3.lanewise(VectorOperators.XOR, w.selectFrom(tl)).lanewise(VectorOperators.XOR, wh.selectFrom(th));
        q += 8 * vl;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
      b0.intoMemorySegment(out[0], p + vl, LE);
      b1.intoMemorySegment(out[1], p + vl, LE);
      b2.intoMemorySegment(out[2], p + vl, LE);
      b3.intoMemorySegment(out[3], p + vl, LE);
      c0.intoMemorySegment(out[0], p + 2 * vl, LE);
      c1.intoMemorySegment(out[1], p + 2 * vl, LE);
      c2.intoMemorySegment(out[2], p + 2 * vl, LE);
      c3.intoMemorySegment(out[3], p + 2 * vl, LE);
      d0.intoMemorySegment(out[0], p + 3 * vl, LE);
      d1.intoMemorySegment(out[1], p + 3 * vl, LE);
      d2.intoMemorySegment(out[2], p + 3 * vl, LE);
      d3.intoMemorySegment(out[3], p + 3 * vl, LE);
    }
  }


  private static void s512x2(MemorySegment[] in, MemorySegment[] out, byte[] t, long len) {
    final int vl = 64;
    for (long p = 0; p < len; p += 2 * vl) {
      ByteVector a0 = ByteVector.zero(S512), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
      int q = 0;
      for (int j = 0; j < K; j++) {
        ByteVector x = ByteVector.fromMemorySegment(S512, in[j], p, LE);
        ByteVector y = ByteVector.fromMemorySegment(S512, in[j], p + vl, LE);
        VectorMask<Byte> xh = x.compare(VectorOperators.LT, (byte) 0);
        VectorMask<Byte> yh = y.compare(VectorOperators.LT, (byte) 0);
        a0 = a0.lanewise(VectorOperators.XOR, x.selectFrom(ByteVector.fromArray(S512, t, q), ByteVector.fromArray(S512, t, q + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 128), xh);
        b0 = b0.lanewise(VectorOperators.XOR, y.selectFrom(ByteVector.fromArray(S512, t, q), ByteVector.fromArray(S512, t, q + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 128), yh);
        a1 = a1.lanewise(VectorOperators.XOR, x.selectFrom(ByteVector.fromArray(S512, t, q + 192), ByteVector.fromArray(S512, t, q + 192 + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 192 + 128), xh);
        b1 = b1.lanewise(VectorOperators.XOR, y.selectFrom(ByteVector.fromArray(S512, t, q + 192), ByteVector.fromArray(S512, t, q + 192 + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 192 + 128), yh);
        a2 = a2.lanewise(VectorOperators.XOR, x.selectFrom(ByteVector.fromArray(S512, t, q + 384), ByteVector.fromArray(S512, t, q + 384 + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 384 + 128), xh);
        b2 = b2.lanewise(VectorOperators.XOR, y.selectFrom(ByteVector.fromArray(S512, t, q + 384), ByteVector.fromArray(S512, t, q + 384 + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 384 + 128), yh);
        a3 = a3.lanewise(VectorOperators.XOR, x.selectFrom(ByteVector.fromArray(S512, t, q + 576), ByteVector.fromArray(S512, t, q + 576 + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 576 + 128), xh);
        b3 = b3.lanewise(VectorOperators.XOR, y.selectFrom(ByteVector.fromArray(S512, t, q + 576), ByteVector.fromArray(S512, t, q + 576 + 64))).lanewise(VectorOperators.XOR, ByteVector.fromArray(S512, t, q + 576 + 128), yh);
        q += 768;
      }
      a0.intoMemorySegment(out[0], p, LE);
      a1.intoMemorySegment(out[1], p, LE);
      a2.intoMemorySegment(out[2], p, LE);
      a3.intoMemorySegment(out[3], p, LE);
      b0.intoMemorySegment(out[0], p + vl, LE);
      b1.intoMemorySegment(out[1], p + vl, LE);
      b2.intoMemorySegment(out[2], p + vl, LE);
      b3.intoMemorySegment(out[3], p + vl, LE);
    }
  }
}
