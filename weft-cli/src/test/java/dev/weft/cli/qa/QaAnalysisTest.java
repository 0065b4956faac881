package dev.weft.cli.qa;

import static dev.weft.cli.qa.Qa.oneLineError;
import static dev.weft.cli.qa.Qa.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.qa.Qa.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA regression tests for 'weft analyze': bad inputs are one line, exit 3, named by file (and line). */
class QaAnalysisTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void badArgumentsAreUsageErrors() {
    String in = Qa.adlSample("Run2012B_SingleMu-1000.parquet").toString();
    String out = dir.resolve("o").toString();
    oneLineError(weft("analyze", "adl", "--input", in, "--out", out, "--query", "9"), 2, "'9'");
    oneLineError(weft("analyze", "adl", "--input", in, "--out", out, "--query", "abc"), 2, "'abc'");
    oneLineError(weft("analyze", "adl", "--input", in, "--out", out, "--fill-mode", "nope"), 2, "--fill-mode");
    oneLineError(weft("analyze", "adl", "--input", in, "--out", out, "--plot", "gif"), 2, "--plot");
    oneLineError(weft("analyze", "adl", "--input", dir.resolve("nope.parquet").toString(), "--out", out), 2, "nope.parquet");
    oneLineError(weft("analyze", "generate", "--events", "0", "--out", dir.resolve("g.parquet").toString()), 2, "--events");
    oneLineError(weft("analyze", "generate", "--events", "10", "--out", dir.toString()), 2, "--out");
  }

  @Test
  void truncatedAndEmptyParquetAreExit3() throws IOException {
    byte[] p = Files.readAllBytes(Qa.adlSample("Run2012B_SingleMu-1000.parquet"));
    Path half = dir.resolve("half.parquet");
    Files.write(half, Arrays.copyOf(p, p.length / 2));
    oneLineError(weft("analyze", "adl", "--input", half.toString(), "--out", dir.resolve("o").toString()), 3, "half.parquet");
    Path empty = dir.resolve("empty.parquet");
    Files.write(empty, new byte[0]);
    oneLineError(weft("analyze", "adl", "--input", empty.toString(), "--out", dir.resolve("o").toString()), 3, "empty.parquet");
  }

  @Test
  void malformedJsonLinesAreNamedByLineNumber() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(Qa.adlSample("Run2012B_SingleMu_restructured_1000.jsonl")));
    List<String> bad = new ArrayList<>(lines);
    bad.set(36, "{\"event\": 5, \"MET\": ");
    Path f = dir.resolve("bad.jsonl");
    Files.write(f, bad);
    oneLineError(weft("analyze", "adl", "--input", f.toString(), "--out", dir.resolve("o").toString()), 3, "bad.jsonl:37");

    List<String> wrong = new ArrayList<>(lines);
    var node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(lines.get(4));
    ((com.fasterxml.jackson.databind.node.ObjectNode) node.get("MET")).put("pt", "high");
    wrong.set(4, JSON.writeValueAsString(node));
    Path g = dir.resolve("wrong.jsonl");
    Files.write(g, wrong);
    oneLineError(weft("analyze", "adl", "--input", g.toString(), "--out", dir.resolve("o").toString()), 3, "wrong.jsonl:5");

    List<String> missing = new ArrayList<>(lines);
    var m = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(lines.get(4));
    m.remove("MET");
    missing.set(4, JSON.writeValueAsString(m));
    Path h = dir.resolve("missing.jsonl");
    Files.write(h, missing);
    oneLineError(weft("analyze", "adl", "--input", h.toString(), "--out", dir.resolve("o").toString()), 3, "missing.jsonl:5");
  }

  @Test
  void threeInputsAndThreadCountsGiveIdenticalCsv() throws IOException {
    String[] inputs = {
      Qa.adlSample("Run2012B_SingleMu-1000.parquet").toString(),
      Qa.adlSample("Run2012B_SingleMu-restructured-1000.parquet").toString(),
      Qa.adlSample("Run2012B_SingleMu_restructured_1000.jsonl").toString(),
    };
    Path ref = dir.resolve("ref");
    Run r0 = weft("--threads", "1", "analyze", "adl", "--input", inputs[0], "--out", ref.toString(), "--plot", "none");
    assertEquals(0, r0.code(), r0.err());
    int k = 0;
    for (String in : inputs) {
      for (String threads : new String[] {"2", "8"}) {
        Path out = dir.resolve("o" + k++);
        Run r = weft("--threads", threads, "analyze", "adl", "--input", in, "--out", out.toString(), "--plot", "none");
        assertEquals(0, r.code(), r.err());
        for (String q : new String[] {"q1", "q2", "q3", "q4", "q5", "q6-1", "q6-2", "q7", "q8"}) {
          assertEquals(Files.readString(ref.resolve(q + ".csv")), Files.readString(out.resolve(q + ".csv")), in + " " + threads + " " + q);
        }
      }
    }
  }

  @Test
  void plotRejectsBadHistogramFiles() throws IOException {
    Path out = dir.resolve("o");
    Run r = weft("analyze", "adl", "--input", Qa.adlSample("Run2012B_SingleMu-1000.parquet").toString(), "--out", out.toString(),
        "--query", "1", "--plot", "none");
    assertEquals(0, r.code(), r.err());
    Path hist = out.resolve("q1.hist.json");
    assertTrue(Files.isRegularFile(hist));
    Run ok = weft("analyze", "plot", hist.toString(), "--out", dir.resolve("p.svg").toString());
    assertEquals(0, ok.code(), ok.err());
    oneLineError(weft("analyze", "plot", hist.toString(), "--out", dir.resolve("p.gif").toString()), 2, "--out");
    Path bad = dir.resolve("bad.hist.json");
    Files.writeString(bad, "{\"axis\": ");
    oneLineError(weft("analyze", "plot", bad.toString()), 3, "bad.hist.json");
    Files.writeString(bad, "{\"foo\": 1}");
    oneLineError(weft("analyze", "plot", bad.toString()), 3, "not a histogram file");
    var h = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(hist.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) h.get("axes").get(0)).put("bins", -5);
    Files.write(bad, JSON.writeValueAsBytes(h));
    oneLineError(weft("analyze", "plot", bad.toString()), 3, "invalid histogram");
    oneLineError(weft("analyze", "plot", dir.resolve("none.hist.json").toString()), 2, "none.hist.json");
  }
}
