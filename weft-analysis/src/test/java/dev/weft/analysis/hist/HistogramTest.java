package dev.weft.analysis.hist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.BadDataException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class HistogramTest {
  @Test
  void regularAxisEdgesAndFlow() {
    RegularAxis a = new RegularAxis(10, 0, 1, "x", "");
    assertEquals(0, a.index(-0.0001));
    assertEquals(1, a.index(0));
    assertEquals(10, a.index(Math.nextDown(1.0)));
    assertEquals(11, a.index(1));
    assertEquals(11, a.index(Double.NaN));
    assertEquals(0.05, a.center(1), 1e-12);
  }

  @Test
  void variableAxisEdges() {
    VariableAxis a = new VariableAxis(new double[] {0, 1, 10, 100}, "x", "GeV");
    assertEquals(0, a.index(-1));
    assertEquals(1, a.index(0));
    assertEquals(2, a.index(1));
    assertEquals(2, a.index(9.99));
    assertEquals(3, a.index(10));
    assertEquals(4, a.index(100));
    assertEquals("x [GeV]", a.label());
  }

  @Test
  void adlAxisFollowsTheQueriesFormula() {
    AdlAxis a = new AdlAxis(15, 60, 100, "pt", "GeV");
    double w = 0.45;
    double r = 15 % w;
    for (double v : new double[] {15, 15.2, 33.3333, 59.99, 60}) {
      double expected = Math.floor((v - r) / w) * w + r + w / 2;
      assertEquals(expected, a.center(a.index(v)), 0.0, "value " + v);
    }
    assertEquals(15 - w / 2, a.center(a.index(14.9)), 0.0);
    assertEquals(60 + w / 2, a.center(a.index(60.1)), 0.0);
  }

  @Property(tries = 50)
  void mergeOfSplitFillsEqualsOneFill(@ForAll @Size(max = 300) java.util.List<@DoubleRange(min = -5, max = 15) Double> values,
      @ForAll int split) {
    Axis ax = new RegularAxis(20, 0, 10, "v", "");
    Histogram all = Histogram.of("h", "", ax);
    Histogram a = all.emptyCopy();
    Histogram b = all.emptyCopy();
    int cut = values.isEmpty() ? 0 : Math.floorMod(split, values.size() + 1);
    for (int i = 0; i < values.size(); i++) {
      all.fill(values.get(i));
      (i < cut ? a : b).fill(values.get(i));
    }
    b.merge(a);
    assertTrue(all.sameAs(b));
    assertEquals(values.size(), (long) all.total());
  }

  @Test
  void weightedStorageKeepsSumOfSquares() {
    Histogram h = Histogram.weighted("w", "", new RegularAxis(2, 0, 2, "x", ""));
    h.add(h.bin(0.5), 2.0);
    h.add(h.bin(0.5), 3.0);
    assertEquals(5.0, h.value(1));
    assertEquals(13.0, h.variance(1));
    assertThrows(IllegalStateException.class, () -> Histogram.of("i", "", new RegularAxis(2, 0, 2, "x", "")).add(1, 2.0));
  }

  @Test
  void codecRoundTripsEveryAxisAndStorage() {
    Histogram[] hs = {
        Histogram.of("r", "regular", new RegularAxis(5, -1, 1, "x", "m")),
        Histogram.weighted("v", "variable", new VariableAxis(new double[] {0, 0.5, 2}, "y", "")),
        Histogram.of2D("d", "2d", new AdlAxis(0, 1, 4, "a", ""), new RegularAxis(3, 0, 3, "b", "s"), false)};
    hs[0].fill(0.3);
    hs[0].fill(7);
    hs[1].add(hs[1].bin(1.0), 0.25);
    hs[2].fill(0.6, 2.5);
    for (Histogram h : hs) {
      Histogram back = HistogramCodec.fromBytes(HistogramCodec.toBytes(h), "test");
      assertTrue(h.sameAs(back), h.name());
      assertEquals(h.x().label(), back.x().label());
    }
  }

  @Test
  void codecRejectsGarbageWithOneLine() {
    BadDataException e = assertThrows(BadDataException.class,
        () -> HistogramCodec.fromBytes("{\"format\":\"weft-hist\",\"version\":1,\"axes\":[]}".getBytes(StandardCharsets.UTF_8), "h.json"));
    assertTrue(e.getMessage().startsWith("h.json: invalid histogram"), e.getMessage());
    assertThrows(BadDataException.class, () -> HistogramCodec.fromBytes("not json".getBytes(StandardCharsets.UTF_8), "x"));
  }

  /** A valid 1-D int file with the given axis JSON and counts JSON, for the hostile-field tests. */
  private static String file(String axis, String storage) {
    return "{\"format\":\"weft-hist\",\"version\":1,\"name\":\"h\",\"axes\":[" + axis + "]," + storage + "}";
  }

  private static String rejected(String json) {
    BadDataException e = assertThrows(BadDataException.class,
        () -> HistogramCodec.fromBytes(json.getBytes(StandardCharsets.UTF_8), "h.json"), json);
    assertTrue(e.getMessage().startsWith("h.json: "), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  private static final String REG3 = "{\"type\":\"regular\",\"bins\":3,\"lo\":0.0,\"hi\":3.0}";
  private static final String INT5 = "\"storage\":\"int\",\"counts\":[0,1,2,3,0]";

  @Test
  void codecAcceptsTheBaselineOfTheHostileTests() {
    Histogram h = HistogramCodec.fromBytes(file(REG3, INT5).getBytes(StandardCharsets.UTF_8), "h.json");
    assertEquals(6, h.total(), 0);
  }

  @Test
  void aHugeAxisIsRejectedBeforeAnythingIsAllocated() {
    // B9: 2e9 bins used to allocate 16 GB and die of OutOfMemoryError before counts were looked at.
    String axis = "{\"type\":\"adl\",\"bins\":2000000000,\"lo\":0.0,\"hi\":2000.0}";
    String m = rejected(file(axis, INT5));
    assertTrue(m.contains("counts must have"), m);
    assertTrue(m.endsWith(", has 5)"), m);
    String reg = "{\"type\":\"regular\",\"bins\":2000000000,\"lo\":0.0,\"hi\":2000.0}";
    assertEquals("h.json: invalid histogram (counts must have 2000000002 entries, has 5)", rejected(file(reg, INT5)));
    // Two axes whose product overflows an int: still only a length check.
    String big = "{\"type\":\"regular\",\"bins\":100000,\"lo\":0.0,\"hi\":1.0}";
    String two = "{\"format\":\"weft-hist\",\"version\":1,\"axes\":[" + big + "," + big + "]," + INT5 + "}";
    assertTrue(rejected(two).contains("counts must have 10000400004 entries, has 5"));
    assertTrue(rejected(file(REG3, "\"storage\":\"weighted\",\"sumw\":[1],\"sumw2\":[1]")).contains("sumw must have 5 entries, has 1"));
  }

  @Test
  void negativeOrNonIntegerCountsAreRejected() {
    assertTrue(rejected(file(REG3, "\"storage\":\"int\",\"counts\":[0,1,-2,3,0]")).contains("counts[2] is negative"));
    assertTrue(rejected(file(REG3, "\"storage\":\"int\",\"counts\":[0,1,2.5,3,0]")).contains("counts[2] is not an integer"));
    assertTrue(rejected(file(REG3, "\"storage\":\"int\",\"counts\":[0,1,99999999999999999999999,3,0]")).contains("counts[2] is not an integer"));
    assertTrue(rejected(file(REG3, "\"storage\":\"int\",\"counts\":{}")).contains("counts must be an array"));
    // Weighted storage: negative weights are legitimate, negative sums of squares and non-finite values are not.
    Histogram w = HistogramCodec.fromBytes(file(REG3, "\"storage\":\"weighted\",\"sumw\":[0,-1,2,3,0],\"sumw2\":[0,1,4,9,0]")
        .getBytes(StandardCharsets.UTF_8), "h.json");
    assertEquals(4, w.total(), 1e-12);
    assertTrue(rejected(file(REG3, "\"storage\":\"weighted\",\"sumw\":[0,1,2,3,0],\"sumw2\":[0,-1,4,9,0]")).contains("sumw2[1] is negative"));
    assertTrue(rejected(file(REG3, "\"storage\":\"weighted\",\"sumw\":[0,1e999,2,3,0],\"sumw2\":[0,1,4,9,0]")).contains("sumw[1] is not finite"));
    assertTrue(rejected(file(REG3, "\"storage\":\"weighted\",\"sumw\":[0,\"1\",2,3,0],\"sumw2\":[0,1,4,9,0]")).contains("sumw[1] is not a number"));
  }

  @Test
  void hostileAxisFieldsAreRejected() {
    String[] bad = {
        "{\"type\":\"regular\",\"bins\":0,\"lo\":0.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":-3,\"lo\":0.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":3.5,\"lo\":0.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":4294967299,\"lo\":0.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":\"3\",\"lo\":0.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"lo\":0.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":3,\"lo\":3.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":3,\"lo\":4.0,\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":3,\"lo\":0.0,\"hi\":1e999}",
        "{\"type\":\"regular\",\"bins\":3,\"lo\":\"NaN\",\"hi\":3.0}",
        "{\"type\":\"regular\",\"bins\":3,\"lo\":-1.7e308,\"hi\":1.7e308}",
        "{\"type\":\"regular\",\"bins\":3,\"hi\":3.0}",
        "{\"type\":\"adl\",\"bins\":3,\"lo\":3.0,\"hi\":0.0}",
        "{\"type\":\"adl\",\"bins\":0,\"lo\":0.0,\"hi\":3.0}",
        "{\"type\":\"adl\",\"bins\":3,\"lo\":\"-Infinity\",\"hi\":3.0}",
        "{\"type\":\"adl\",\"bins\":1000000,\"lo\":1e300,\"hi\":1.0000000000000002e300}",
        "{\"type\":\"adl\",\"bins\":1000000,\"lo\":0.0,\"hi\":1e-320}",
        "{\"type\":\"variable\",\"edges\":[0,2,1,3]}",
        "{\"type\":\"variable\",\"edges\":[0,1,1,3]}",
        "{\"type\":\"variable\",\"edges\":[0,1,2,1e999]}",
        "{\"type\":\"variable\",\"edges\":[0,1,\"NaN\",3]}",
        "{\"type\":\"variable\",\"edges\":[0]}",
        "{\"type\":\"variable\"}",
        "{\"type\":\"log\",\"bins\":3,\"lo\":0.0,\"hi\":3.0}",
    };
    for (String axis : bad) {
      String m = rejected(file(axis, INT5));
      assertTrue(m.startsWith("h.json: invalid histogram (axes[0]: "), axis + " -> " + m);
    }
    // NaN and Infinity are not JSON (Python's json.dump writes them anyway): malformed, one line.
    assertTrue(rejected(file("{\"type\":\"regular\",\"bins\":3,\"lo\":NaN,\"hi\":3.0}", INT5)).contains("malformed JSON"));
    assertTrue(rejected(file("{\"type\":\"variable\",\"edges\":[0,1,2,Infinity]}", INT5)).contains("malformed JSON"));
    assertTrue(rejected("{\"format\":\"weft-hist\",\"version\":\"1\",\"axes\":[" + REG3 + "]," + INT5 + "}").contains("version"));
  }

  @Test
  void atomicHistogramCountsLikeAPlainOne() throws Exception {
    Histogram shape = Histogram.of("a", "", new RegularAxis(10, 0, 10, "x", ""));
    AtomicHistogram atomic = new AtomicHistogram(shape);
    Thread[] ts = new Thread[4];
    for (int t = 0; t < ts.length; t++) {
      ts[t] = new Thread(() -> {
        for (int i = 0; i < 10_000; i++) {
          atomic.add(shape.bin(i % 12));
        }
      });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    Histogram h = atomic.snapshot();
    assertEquals(40_000, (long) h.total());
    assertEquals(4 * 834, h.count(h.bin(0)));
  }
}
