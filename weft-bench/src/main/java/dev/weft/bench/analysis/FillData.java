package dev.weft.bench.analysis;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.proc.Synthetic;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fill benchmarks' data: the synthetic values as one array and cut into the engine's batches, allocated
 * once and then settled, so that no garbage collection moves either copy while passes are timed.
 *
 * <p>Why settle: the batches used to be allocated in eden just before the engine's rows, and the young
 * collections that ran during those rows copied ~310 MB of them to other memory; on this VM the same loop
 * over the same values runs up to ±40 % faster or slower depending on where they sit, so a row could measure
 * the move instead of the code. Full collections ({@link System#gc()}) until the old generation's occupancy
 * stops changing promote everything live into the old generation, which young collections never move, and
 * the timed passes allocate far too little to trigger a full one ({@link #collections()} around the timed
 * part checks that; the rows report it).
 *
 * @param values the values as one array (the "big array" variant of the plain loop)
 * @param batches the same values in {@link AnalysisBench#CHUNK}-value batches, column {@code E.x}: what the
 *     engine reads, and what the plain loop of every engine-vs-plain row reads too
 * @param settleGcs full collections run to settle the heap
 * @param oldGenBytes old-generation occupancy after settling
 * @param youngGenBytes young-generation occupancy after settling: a few MB at most when every batch was
 *     promoted (the rows report it)
 */
record FillData(double[] values, List<Batch> batches, int settleGcs, long oldGenBytes, long youngGenBytes) {

  /** At most this many settling collections (two normally suffice: one to promote, one to confirm). */
  private static final int MAX_SETTLE_GCS = 6;

  FillData {
    batches = List.copyOf(batches);
  }

  /** Makes {@code n} seeded values, their batches of {@code chunk} values, and settles the heap. */
  static FillData create(int n, int chunk) {
    // Room in the old generation for the batches: a full collection compacts young objects into the old
    // generation only where it has room, and the Parallel collector does not grow it for that (measured: of
    // 160 MB of batches, 61 MB stayed in eden and were copied by young collections during later rows). An
    // array larger than eden is allocated in the old generation directly, which grows it; it dies before
    // the first settling collection, which then has the room.
    growOldGen((long) n * 10);
    double[] values = new double[n];
    Synthetic.values(AnalysisBench.SEED, 0, 0, 1, values);
    List<Batch> batches = new ArrayList<>();
    for (int from = 0; from < n; from += chunk) {
      double[] part = Arrays.copyOfRange(values, from, Math.min(n, from + chunk));
      batches.add(new Batch(part.length, Map.of(), Map.of("E.x", part), Map.of(), Map.of()));
    }
    int gcs = 0;
    long old = -1;
    while (gcs < MAX_SETTLE_GCS) {
      System.gc();
      gcs++;
      long now = oldGenUsed();
      // Stable to within 1 MiB: nothing live is still being promoted or compacted.
      if (old >= 0 && Math.abs(now - old) < (1 << 20)) {
        break;
      }
      old = now;
    }
    return new FillData(values, batches, gcs, oldGenUsed(), youngGenUsed());
  }

  /** Allocates (and drops) an array of about {@code bytes}; when larger than eden it grows the old generation. */
  private static void growOldGen(long bytes) {
    long[] room = new long[Math.toIntExact(Math.min(Integer.MAX_VALUE - 16L, bytes / 8))];
    room[room.length - 1] = 1;
  }

  /** Collections of every collector so far (young and full): the difference around a timed part must be 0. */
  static long collections() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionCount());
    }
    return sum;
  }

  /** Bytes used in the heap pools of the old generation ("PS Old Gen", "G1 Old Gen", "Tenured Gen" …). */
  static long oldGenUsed() {
    return heapUsed(true);
  }

  /** Bytes used in the other heap pools (eden and survivor spaces). */
  static long youngGenUsed() {
    return heapUsed(false);
  }

  private static long heapUsed(boolean old) {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      boolean isOld = p.getName().contains("Old") || p.getName().contains("Tenured");
      if (p.getType() == MemoryType.HEAP && isOld == old) {
        sum += p.getUsage().getUsed();
      }
    }
    return sum;
  }
}
