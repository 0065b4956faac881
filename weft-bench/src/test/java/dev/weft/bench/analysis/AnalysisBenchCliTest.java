package dev.weft.bench.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code weft bench analysis} through the CLI: the keys on every row, one quantity per key set (a
 * consumer keyed on op, mode and threads finds one row and one unit), and unknown parts refused.
 */
class AnalysisBenchCliTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err), false);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anUnknownPartIsAUsageError() {
    Run r = run("bench", "analysis", "--quick", "--json", "mode");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("unknown part 'mode' (known: fill, modes, paired, adl)"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void quickModesRowsHaveTheKeysAndOneQuantityEach() throws Exception {
    Run r = run("bench", "analysis", "--quick", "--json", "modes");
    assertEquals(0, r.code(), r.err());
    ObjectMapper json = new ObjectMapper();
    Map<String, String> unitOfOp = new HashMap<>();
    Set<String> points = new HashSet<>();
    Set<String> modes = new HashSet<>();
    List<String> lines = r.out().lines().filter(l -> !l.isBlank()).toList();
    for (String line : lines) {
      JsonNode row = json.readTree(line);
      for (String key : List.of("bench", "impl", "op", "mode", "threads", "events", "value", "unit")) {
        assertTrue(row.has(key), key + " missing in " + line);
      }
      assertEquals("analysis", row.get("bench").asText());
      String op = row.get("op").asText();
      String unit = row.get("unit").asText();
      assertEquals(unit, unitOfOp.computeIfAbsent(op, o -> unit), "op " + op + " carries one unit: " + line);
      assertTrue(points.add(op + "/" + row.get("mode").asText() + "/" + row.get("threads").asInt()),
          "two rows for the same op, mode and threads: " + line);
      if (op.equals("fill")) {
        modes.add(row.get("mode").asText());
      }
    }
    assertEquals("fills/s", unitOfOp.get("fill"));
    assertEquals(Set.of("plain", "per-thread", "atomic", "locked-synchronized", "locked-reentrant", "locked-fair",
        "locked-weft"), modes);
    assertEquals("% CPU overhead", unitOfOp.get("fill-overhead"));
    assertEquals("% overhead", unitOfOp.get("fill-overhead-first"));
    assertEquals("x speedup 1 to 2 threads", unitOfOp.get("fill-scaling"));
  }
}
