package dev.weft.analysis.adl.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sanity properties of the reference ADL outputs on the 1000 real events that can be derived without the
 * reference code: totals counted another way, subset relations between queries, and every bin centre
 * lying on its query's grid.
 */
class ReferenceQueriesTest {
  static final Path DATA = dev.weft.analysis.AdlData.json();

  static Map<String, SortedMap<Double, Long>> result;
  static List<String> lines;

  @BeforeAll
  static void runOnce() throws IOException {
    lines = Files.readAllLines(DATA).stream().filter(l -> !l.isBlank()).toList();
    result = ReferenceQueries.run(DATA);
  }

  static long total(String key) {
    return result.get(key).values().stream().mapToLong(Long::longValue).sum();
  }

  @Test
  void everyQueryHasAHistogram() {
    assertEquals(ReferenceQueries.KEYS, List.copyOf(result.keySet()));
    result.forEach((k, h) -> assertTrue(!h.isEmpty(), k + " is empty"));
  }

  @Test
  void q1CountsEveryEventOnce() {
    assertEquals(1000, lines.size());
    assertEquals(1000, total("q1"));
  }

  @Test
  void q2CountsEveryJetOnce() {
    // Only jets carry a btag; counting the key in the raw text is independent of any JSON parsing.
    Matcher m = Pattern.compile("\"btag\"\\s*:").matcher(String.join("\n", lines));
    long jets = 0;
    while (m.find()) {
      jets++;
    }
    assertEquals(1699, jets, "jets in the sample");
    assertEquals(jets, total("q2"));
  }

  @Test
  void q3IsASubsetOfQ2BinByBin() {
    result.get("q3").forEach((x, n) -> assertTrue(n <= result.get("q2").getOrDefault(x, 0L), "bin " + x));
    assertTrue(total("q3") < total("q2"));
  }

  @Test
  void eventLevelQueriesCountEachEventAtMostOnce() throws IOException {
    ObjectMapper json = new ObjectMapper();
    long threeJets = 0;
    long moreThanTwoLeptons = 0;
    long jetAbove30 = 0;
    for (String line : lines) {
      JsonNode ev = json.readTree(line);
      threeJets += ev.get("Jet").size() >= 3 ? 1 : 0;
      moreThanTwoLeptons += ev.get("Muon").size() + ev.get("Electron").size() > 2 ? 1 : 0;
      boolean any = false;
      for (JsonNode j : ev.get("Jet")) {
        any |= j.get("pt").asDouble() > 30;
      }
      jetAbove30 += any ? 1 : 0;
    }
    assertTrue(total("q4") <= 1000);
    assertTrue(total("q5") <= 1000);
    assertEquals(threeJets, total("q6-1"), "one triplet per event with three jets");
    assertEquals(threeJets, total("q6-2"));
    assertTrue(total("q7") <= jetAbove30);
    assertTrue(total("q8") <= moreThanTwoLeptons);
  }

  @Test
  void binCentresLieOnTheQueryGrid() {
    Map<String, double[]> binning = Map.of("q1", new double[] {0, 2000}, "q2", new double[] {15, 60},
        "q3", new double[] {15, 60}, "q4", new double[] {0, 2000}, "q5", new double[] {0, 2000},
        "q6-1", new double[] {15, 40}, "q6-2", new double[] {0, 1}, "q7", new double[] {15, 200},
        "q8", new double[] {15, 250});
    binning.forEach((key, lohi) -> {
      double lo = lohi[0];
      double hi = lohi[1];
      double w = (hi - lo) / 100;
      for (double x : result.get(key).keySet()) {
        assertTrue(x >= lo - w / 2 - 1e-9 && x <= hi + w / 2 + 1e-9, key + " centre " + x + " outside");
        double k = (x - w / 2 - lo % w) / w;
        assertEquals(Math.rint(k), k, 1e-6, key + " centre " + x + " off the grid");
      }
    });
  }

  @Test
  void binningFollowsTheConvention() {
    assertEquals(-10, ReferenceQueries.binCentre(-1, 0, 2000, 100));
    assertEquals(2010, ReferenceQueries.binCentre(2500, 0, 2000, 100));
    assertEquals(30, ReferenceQueries.binCentre(22.177, 0, 2000, 100));
    // 15..60 in 100 bins: w = 0.45 and the grid is offset by 15 mod 0.45 = 0.15.
    assertEquals(14.775, ReferenceQueries.binCentre(14, 15, 60, 100), 1e-12);
    assertEquals(60.225, ReferenceQueries.binCentre(61, 15, 60, 100), 1e-12);
    assertEquals(15.225 + 0.45 * 10, ReferenceQueries.binCentre(19.7, 15, 60, 100), 1e-9);
  }

  @Test
  void deltaPhiKeepsTheDividendsSign() {
    // C fmod: (0.5 - 3.5 + pi) fmod 2pi is positive, so no wrap; (-3 - 3 + pi) is negative and stays so.
    assertEquals(-3.0, ReferenceQueries.deltaPhi(0.5, 3.5), 1e-12);
    assertEquals(-6.0, ReferenceQueries.deltaPhi(-3, 3), 1e-12);
    assertEquals(6.0 - 2 * Math.PI, ReferenceQueries.deltaPhi(3, -3), 1e-12);
  }

  @Test
  void csvHasAHeaderAndSortedRows() {
    String csv = ReferenceQueries.csv(result.get("q1"));
    List<String> rows = csv.lines().toList();
    assertEquals("x,y", rows.getFirst());
    double previous = Double.NEGATIVE_INFINITY;
    long sum = 0;
    for (String row : rows.subList(1, rows.size())) {
      String[] xy = row.split(",");
      double x = Double.parseDouble(xy[0]);
      assertTrue(x > previous);
      previous = x;
      sum += Long.parseLong(xy[1]);
    }
    assertEquals(1000, sum);
  }

  @Test
  void twoBackToBackMasslessParticlesHaveTwiceTheirMomentum() {
    var a = new ReferenceQueries.Particle(45, 0, 0, 0, 1, Double.NaN, ReferenceQueries.Flavour.MUON);
    var b = new ReferenceQueries.Particle(45, 0, Math.PI, 0, -1, Double.NaN, ReferenceQueries.Flavour.MUON);
    assertEquals(90, a.p4().plus(b.p4()).mass(), 1e-9);
    assertEquals(0, a.p4().plus(b.p4()).pt(), 1e-9);
  }
}
