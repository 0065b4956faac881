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
}
