package dev.weft.bench.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** `weft bench runtime --quick --json` runs end to end and prints well-formed rows; it asserts no speed. */
class RuntimeBenchTest {
  @Test
  void quickJsonRunReportsEveryMeasurement() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"bench", "runtime", "--quick", "--json", "--threads", "2"},
        new PrintWriter(out, true), new PrintWriter(err, true), false);
    assertEquals(0, code, err.toString());
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : out.toString().lines().toList()) {
      rows.add(json.readTree(line));
    }
    Set<String> seen = new TreeSet<>();
    for (JsonNode row : rows) {
      for (String key : List.of("bench", "impl", "op", "threads", "value", "unit")) {
        assertTrue(row.has(key), key + " missing in " + row);
      }
      assertEquals("runtime", row.get("bench").asText());
      assertTrue(row.get("value").asDouble() > 0, row.toString());
      seen.add(row.get("impl").asText() + "/" + row.get("op").asText());
    }
    assertEquals(Set.of("weft/submit-join", "forkjoin/submit-join", "threadpool/submit-join",
        "weft-worker/round-trip", "weft-worker/cold-start"), seen);
    // 3 pools x 2 task sizes x 2 thread counts, 2 payloads x 2 stats, 1 cold start
    assertEquals(12 + 4 + 1, rows.size());
  }
}
