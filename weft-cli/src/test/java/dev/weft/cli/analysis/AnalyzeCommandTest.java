package dev.weft.cli.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
  static Path data;

  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void findData() {
    for (Path p = Path.of("").toAbsolutePath(); p != null && data == null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("data/adl/QUERIES.md"))) {
        data = p.resolve("data/adl");
      }
    }
    if (data == null) {
      throw new IllegalStateException("ADL sample data/adl not found: it ships with the checkout");
    }
  }

  static Path findUp(String rel) {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(rel))) {
        return p.resolve(rel);
      }
    }
    return null;
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void adlAllWritesEveryCsvPlotAndHistogram() throws Exception {
    Path out = dir.resolve("out");
    Run r = run("--threads", "2", "analyze", "adl", "--query", "all", "--input",
        data.resolve("Run2012B_SingleMu_restructured_1000.jsonl").toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    for (String id : List.of("q1", "q2", "q3", "q4", "q5", "q6-1", "q6-2", "q7", "q8")) {
      assertTrue(Files.readString(out.resolve(id + ".csv")).startsWith("x,y\n"), id);
      assertTrue(Files.size(out.resolve(id + ".png")) > 1000, id);
      assertTrue(Files.exists(out.resolve(id + ".hist.json")), id);
    }
    // The CSVs are byte for byte the reference outputs committed from the independent implementation.
    Path reference = findUp("docs/adl-reference");
    if (reference != null) {
      for (String id : List.of("q1", "q2", "q3", "q4", "q5", "q6-1", "q6-2", "q7", "q8")) {
        assertEquals(Files.readString(reference.resolve(id + ".csv")), Files.readString(out.resolve(id + ".csv")), id);
      }
    }
    Run p = run("analyze", "plot", out.resolve("q2.hist.json").toString(), "--out", dir.resolve("q2.svg").toString());
    assertEquals(0, p.code(), p.err());
    assertTrue(Files.readString(dir.resolve("q2.svg")).contains("<svg"));
  }

  @Test
  void jsonOutputAndParquetInputAgreeWithJson() throws Exception {
    Run a = run("--json", "analyze", "adl", "--query", "5", "--input",
        data.resolve("Run2012B_SingleMu-1000.parquet").toString(), "--out", dir.resolve("a").toString(), "--plot", "none");
    Run b = run("--json", "analyze", "adl", "--query", "q5", "--input",
        data.resolve("Run2012B_SingleMu_restructured_1000.jsonl").toString(), "--out", dir.resolve("b").toString(),
        "--plot", "none", "--fill-mode", "atomic");
    assertEquals(0, a.code(), a.err());
    assertEquals(0, b.code(), b.err());
    assertTrue(a.out().contains("\"events\":1000"), a.out());
    assertEquals(Files.readString(dir.resolve("a/q5.csv")), Files.readString(dir.resolve("b/q5.csv")));
  }

  @Test
  void userErrorsAreOneLineWithTheRightExitCode() throws Exception {
    Run q = run("analyze", "adl", "--query", "9", "--input", data.resolve("Run2012B_SingleMu-1000.parquet").toString());
    assertEquals(2, q.code());
    assertTrue(q.err().contains("unknown ADL query '9'"), q.err());
    Path broken = dir.resolve("broken.jsonl");
    Files.writeString(broken, "{\"MET\":{\"pt\":1}}\n{\"MET\": oops}\n");
    Run b = run("analyze", "adl", "--query", "1", "--input", broken.toString(), "--out", dir.toString());
    assertEquals(3, b.code());
    assertEquals(1, b.err().strip().lines().count(), b.err());
    assertTrue(b.err().contains("broken.jsonl:2:"), b.err());
    Run m = run("analyze", "adl", "--fill-mode", "telepathy", "--input", broken.toString());
    assertEquals(2, m.code());
    Run h = run("analyze", "plot", broken.toString());
    assertEquals(3, h.code());
    assertTrue(h.err().contains("not a histogram file"), h.err());
  }

  @Test
  void hostileHistogramFilesAreOneLineExitThree() throws Exception {
    // QA B9: a 2e9-bin axis used to end in OutOfMemoryError (exit 1); negative int counts were plotted.
    Path out = dir.resolve("h");
    assertEquals(0, run("analyze", "adl", "--query", "1", "--input", data.resolve("Run2012B_SingleMu-1000.parquet").toString(),
        "--out", out.toString(), "--plot", "none").code());
    String q1 = Files.readString(out.resolve("q1.hist.json"));
    assertTrue(q1.contains("\"bins\" : 100,"), q1);
    Path huge = dir.resolve("h-huge.hist.json");
    Files.writeString(huge, q1.replaceFirst("\"bins\" : 100,", "\"bins\" : 2000000000,"));
    Run h = run("analyze", "plot", huge.toString(), "--out", dir.resolve("h.png").toString());
    assertEquals(3, h.code(), h.err());
    assertEquals(1, h.err().strip().lines().count(), h.err());
    assertTrue(h.err().contains("h-huge.hist.json: invalid histogram (counts must have 2000000005 entries, has 105)"), h.err());
    Path neg = dir.resolve("neg.hist.json");
    Files.writeString(neg, q1.replaceFirst("\"counts\" : \\[ 0,", "\"counts\" : [ -1,"));
    Run n = run("analyze", "plot", neg.toString(), "--out", dir.resolve("n.png").toString());
    assertEquals(3, n.code(), n.err());
    assertTrue(n.err().contains("counts[0] is negative (-1)"), n.err());
    assertTrue(Files.notExists(dir.resolve("n.png")));
  }

  @Test
  void processesFillModeTakesJsonLines() throws Exception {
    Path out = dir.resolve("pj");
    Run r = run("--threads", "2", "analyze", "adl", "--query", "all", "--fill-mode", "processes", "--plot", "none",
        "--input", data.resolve("Run2012B_SingleMu_restructured_1000.jsonl").toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    Path reference = findUp("docs/adl-reference");
    if (reference != null) {
      for (String id : List.of("q1", "q2", "q3", "q4", "q5", "q6-1", "q6-2", "q7", "q8")) {
        assertEquals(Files.readString(reference.resolve(id + ".csv")), Files.readString(out.resolve(id + ".csv")), id);
      }
    }
  }

  @Test
  void plotDrawsTwoDimensionalHistogramFilesAsHeatMaps() throws Exception {
    dev.weft.analysis.hist.Histogram h = dev.weft.analysis.hist.Histogram.of2D("met_vs_njets", "MET vs jets",
        new dev.weft.analysis.hist.RegularAxis(20, 0, 100, "MET p_T", "GeV"),
        new dev.weft.analysis.hist.RegularAxis(10, 0, 10, "jets", ""), false);
    for (int i = 0; i < 500; i++) {
      h.fill((i * 37) % 120, i % 12);
    }
    Path file = dir.resolve("met_vs_njets.hist.json");
    dev.weft.analysis.hist.HistogramCodec.write(h, file);
    Run png = run("analyze", "plot", file.toString());
    assertEquals(0, png.code(), png.err());
    java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(dir.resolve("met_vs_njets.png").toFile());
    assertEquals(800, img.getWidth());
    assertEquals(600, img.getHeight());
    Run svg = run("--json", "analyze", "plot", file.toString(), "--out", dir.resolve("m.svg").toString());
    assertEquals(0, svg.code(), svg.err());
    assertTrue(svg.out().contains("m.svg"), svg.out());
    assertTrue(Files.readString(dir.resolve("m.svg")).contains("<svg"));
    // Too many bins to draw: one line, usage error, nothing written.
    dev.weft.analysis.hist.Histogram big = dev.weft.analysis.hist.Histogram.of2D("big", "",
        new dev.weft.analysis.hist.RegularAxis(1100, 0, 1, "x", ""),
        new dev.weft.analysis.hist.RegularAxis(1000, 0, 1, "y", ""), false);
    Path bigFile = dir.resolve("big.hist.json");
    dev.weft.analysis.hist.HistogramCodec.write(big, bigFile);
    Run refused = run("analyze", "plot", bigFile.toString());
    assertEquals(2, refused.code(), refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertTrue(refused.err().contains("1100000 bins"), refused.err());
    assertTrue(Files.notExists(dir.resolve("big.png")));
  }

  @Test
  void generateIsSeededAndReadable() throws Exception {
    Path f = dir.resolve("g.parquet");
    Run g = run("analyze", "generate", "--events", "2500", "--seed", "3", "--out", f.toString(),
        "--from", data.resolve("Run2012B_SingleMu-1000.parquet").toString());
    assertEquals(0, g.code(), g.err());
    Run a = run("--json", "analyze", "adl", "--query", "1", "--input", f.toString(), "--out", dir.resolve("o").toString(),
        "--plot", "none");
    assertTrue(a.out().contains("\"events\":2500"), a.out());
    assertEquals(2, run("analyze", "generate", "--events", "0", "--out", f.toString()).code());
  }

  @Test
  void generateRefusesWhatCannotFitOnTheDisk() throws Exception {
    Path f = dir.resolve("huge.parquet");
    Run g = run("analyze", "generate", "--events", "99999999999999", "--out", f.toString());
    assertEquals(2, g.code(), g.err());
    assertTrue(g.err().contains("--events 99,999,999,999,999 would take about") && g.err().contains("free"), g.err());
    assertEquals(1, g.err().strip().lines().count(), g.err());
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.filter(p -> p.getFileName().toString().contains("huge")).toList());
    }
  }
}
