package dev.weft.analysis.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.frame.Col;
import dev.weft.analysis.frame.Collection;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.frame.Items;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class HistogramPlotTest {
  static Histogram leadingJet;
  static long eventsWithJets;
  static Histogram allJets;

  /** Leading-jet p_T against its η over the 1000 real CMS events (nested Parquet layout). */
  @BeforeAll
  static void fill() {
    try (TaskPool pool = TaskPool.create(2)) {
      DataFrame df = DataFrame.fromFile(AdlData.nested(), pool, FillMode.perThread(), ProgressListener.NONE);
      Collection jets = df.collection("Jet");
      Items pt = df.floatItems("Jet.pt");
      Items eta = df.floatItems("Jet.eta");
      DataFrame withJets = df.filter(e -> e.count(jets) > 0);
      Col[] lead = withJets.define(List.of("lead_pt", "lead_eta"), (e, out) -> {
        int best = e.begin(jets);
        for (int j = best + 1; j < e.end(jets); j++) {
          if (e.get(pt, j) > e.get(pt, best)) {
            best = j;
          }
        }
        out[0] = e.get(pt, best);
        out[1] = e.get(eta, best);
      });
      Result<Histogram> h = withJets.histo2D("lead_jet", "Leading jet p_T vs η",
          new RegularAxis(40, 0, 200, "leading jet p_T", "GeV"), new RegularAxis(40, -5, 5, "leading jet η", ""),
          lead[0], lead[1]);
      Result<Long> n = withJets.count();
      Result<Histogram> all = df.histo2D("jet_pt_eta", "Jet p_T vs η (every jet)",
          new RegularAxis(40, 0, 200, "jet p_T", "GeV"), new RegularAxis(40, -5, 5, "jet η", ""), pt, eta);
      leadingJet = h.get();
      eventsWithJets = n.get();
      allJets = all.get();
    }
  }

  @Test
  void theHistogramHoldsEveryEventWithAJet() {
    assertTrue(eventsWithJets > 100, "the sample has events with jets");
    assertEquals(eventsWithJets, (long) leadingJet.total());
  }

  @Test
  void everyJetIsAnEntryOfThePerItemHistogram() throws Exception {
    long jets = 0;
    try (var src = dev.weft.analysis.io.EventFiles.open(AdlData.json(),
        List.of(dev.weft.analysis.columnar.ColumnSpec.jagged("Jet.pt", dev.weft.analysis.columnar.ColumnType.FLOAT)))) {
      for (var b = src.next(); b != null; b = src.next()) {
        jets += b.offsets("Jet")[b.rows()];
      }
    }
    assertTrue(jets > eventsWithJets);
    assertEquals(jets, (long) allJets.total());
  }

  @Test
  void pngHeatMapDecodesAtTheChartSize(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("lead.png");
    HistogramPlot.write(leadingJet, png);
    Path every = dir.resolve("every.png");
    HistogramPlot.write(allJets, every);
    assertEquals(600, ImageIO.read(every.toFile()).getHeight());
    Files.delete(every);
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(800, img.getWidth());
    assertEquals(600, img.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        colours.add(img.getRGB(x, y));
      }
    }
    // Cells shaded by count plus a gradient colour bar: far more than a blank frame's handful of colours.
    assertTrue(colours.size() > 50, "distinct colours: " + colours.size());
    assertTrue(Files.list(dir).allMatch(p -> p.equals(png)), "no temporary files left");
  }

  @Test
  void svgHeatMapParsesAsXml(@TempDir Path dir) throws Exception {
    Path svg = dir.resolve("lead.svg");
    HistogramPlot.write(leadingJet, svg);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    Document doc = f.newDocumentBuilder().parse(svg.toFile());
    assertEquals("svg", doc.getDocumentElement().getLocalName());
    // XChart's SVG draws text as outlines, so the titles cannot be searched for; count the drawn shapes:
    // one per non-empty cell at least.
    long cells = inRangeNonEmpty(leadingJet);
    assertTrue(doc.getElementsByTagNameNS("*", "path").getLength() + doc.getElementsByTagNameNS("*", "rect").getLength()
        >= cells, "a shape per non-empty cell (" + cells + ")");
  }

  static long inRangeNonEmpty(Histogram h) {
    long n = 0;
    for (int iy = 1; iy < h.y().size() - 1; iy++) {
      for (int ix = 1; ix < h.x().size() - 1; ix++) {
        n += h.value(ix + iy * h.x().size()) != 0 ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void aPlotNamesItsAxesWithUnitsAndNotesUnderAndOverflow() {
    Histogram h = Histogram.of("q9", "Q9: jet p_T", new RegularAxis(10, 0, 100, "jet p_T", "GeV"));
    h.fill(-1);
    h.fill(250);
    h.fill(300);
    h.fill(42);
    var chart = HistogramPlot.chart(h);
    assertEquals("Q9: jet p_T", chart.getTitle());
    assertEquals("jet p_T [GeV]", chart.getXAxisTitle());
    assertEquals("entries per bin", chart.getYAxisTitle());
    assertEquals(java.util.Set.of("q9  (underflow 1, overflow 2)"), chart.getSeriesMap().keySet());
    Histogram w = Histogram.weighted("w", "", new RegularAxis(4, 0, 4, "mass", ""));
    w.add(w.bin(9), 2.5);
    var weighted = HistogramPlot.chart(w);
    assertEquals("w", weighted.getTitle(), "an untitled histogram is titled by its name");
    assertEquals("mass", weighted.getXAxisTitle(), "no unit, no brackets");
    assertEquals("sum of weights per bin", weighted.getYAxisTitle());
    assertEquals(java.util.Set.of("w  (underflow 0, overflow 2.500)"), weighted.getSeriesMap().keySet());
  }

  @Test
  void oneDimensionalPlotsStillWork(@TempDir Path dir) throws Exception {
    Histogram h = Histogram.of("x", "x", new RegularAxis(10, 0, 1, "x", "m"));
    h.fill(0.5);
    Path png = dir.resolve("x.png");
    HistogramPlot.write(h, png);
    assertEquals(800, ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void weightedHeatMapWithNegativeBinsIsDrawn(@TempDir Path dir) throws Exception {
    RegularAxis a = new RegularAxis(4, 0, 4, "a", "cm");
    Histogram h = Histogram.of2D("w", "weighted", a, a, true);
    h.add(h.bin(0.5, 0.5), 2.5);
    h.add(h.bin(1.5, 2.5), -1.0);
    h.add(h.bin(9, 9), 4.0);
    Path svg = dir.resolve("w.svg");
    HistogramPlot.write(h, svg);
    assertTrue(Files.readString(svg).contains("<svg"));
    Path png = dir.resolve("w.png");
    HistogramPlot.write(h, png);
    assertEquals(800, ImageIO.read(png.toFile()).getWidth());
  }

  @Test
  void hugeTwoDimensionalHistogramsAreRefusedInOneLine() {
    Histogram h = Histogram.of2D("big", "", new RegularAxis(2000, 0, 1, "x", ""), new RegularAxis(2000, 0, 1, "y", ""),
        false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HistogramPlot.write(h, Path.of("unused.png")));
    assertTrue(e.getMessage().contains("4000000 bins"), e.getMessage());
  }
}
