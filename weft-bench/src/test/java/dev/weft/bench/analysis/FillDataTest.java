package dev.weft.bench.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.columnar.Batch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The fill benchmarks' settled data: the batches are the values, in order, and they sit in the old generation. */
class FillDataTest {

  @Test
  void batchesHoldTheValuesInOrderAndAreSettledInTheOldGeneration() {
    int n = 1_000_003; // not a multiple of the chunk: the last batch is short
    int chunk = 1 << 16;
    FillData data = FillData.create(n, chunk);
    assertEquals(n, data.values().length);
    assertEquals((n + chunk - 1) / chunk, data.batches().size());
    int from = 0;
    for (Batch b : data.batches()) {
      double[] part = b.doubles("E.x");
      assertEquals(Math.min(chunk, n - from), part.length);
      assertArrayEquals(Arrays.copyOfRange(data.values(), from, from + part.length), part);
      from += part.length;
    }
    assertEquals(n, from);
    long dataBytes = 2L * n * Double.BYTES;
    // Everything live (the two copies of the values) was promoted; a young generation still holding a sizeable
    // part of them would be copied by the next young collection, in the middle of a timed row.
    assertTrue(data.oldGenBytes() >= dataBytes, data.oldGenBytes() + " bytes in the old generation");
    assertTrue(data.youngGenBytes() < dataBytes / 10, data.youngGenBytes() + " bytes left in the young generation");
  }

  @Test
  void collectionsCountEveryCollection() {
    long before = FillData.collections();
    System.gc();
    assertTrue(FillData.collections() > before);
  }
}
