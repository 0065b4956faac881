package dev.weft.analysis.adl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.adl.reference.ReferenceQueries;
import dev.weft.analysis.frame.FillMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against the independent plain per-event implementation over the JSON events
 * ({@link ReferenceQueries}, written separately from the columnar engine): every histogram, bin for bin,
 * on all three inputs.
 */
class ReferenceComparisonTest {
  static Map<String, SortedMap<Double, Long>> reference;

  @BeforeAll
  static void runReference() {
    reference = ReferenceQueries.run(AdlData.json());
  }

  private static void check(Path input) {
    Map<String, SortedMap<Double, Long>> engine = AdlQueriesTest.run(input, 2, FillMode.perThread());
    assertEquals(reference.keySet(), engine.keySet(), "histogram ids");
    for (String id : reference.keySet()) {
      assertEquals(reference.get(id), engine.get(id), id + " on " + input.getFileName());
    }
  }

  @Test
  void jsonLines() {
    check(AdlData.json());
  }

  @Test
  void nestedParquet() {
    check(AdlData.nested());
  }

  @Test
  void flatParquet() {
    check(AdlData.flat());
  }
}
