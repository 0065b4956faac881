package dev.weft.bench.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code weft bench locks --quick --json} end to end through the CLI: every row, every key, no lost update. */
class LocksBenchCliTest {

  @Test
  void quickJsonRunReportsEveryPointWithItsKeys() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"bench", "locks", "--quick", "--json"}, new PrintWriter(out), new PrintWriter(err),
        false);
    assertEquals(0, code, err.toString());
    ObjectMapper json = new ObjectMapper();
    List<String> lines = out.toString().lines().filter(l -> !l.isBlank()).toList();
    // 2 critical sections x 2 thread kinds x 4 thread counts x 6 implementations.
    assertEquals(2 * 2 * 4 * Contender.NAMES.length, lines.size(), out.toString());
    Set<String> points = new HashSet<>();
    for (String line : lines) {
      JsonNode row = json.readTree(line);
      for (String key : List.of("bench", "impl", "op", "threads", "thread_kind", "value", "unit", "fairness",
          "p999_ns", "lost_updates")) {
        assertTrue(row.has(key), key + " missing in " + line);
      }
      assertEquals("locks", row.get("bench").asText());
      assertEquals(0, row.get("lost_updates").asInt());
      assertTrue(row.get("checked_updates").asLong() > 0, "the lost-update check covered no update: " + line);
      assertTrue(row.get("value").asDouble() > 0, line);
      points.add(row.get("impl").asText() + row.get("op").asText() + row.get("threads") + row.get("thread_kind"));
    }
    assertEquals(lines.size(), points.size(), "every row is a distinct point");
  }
}
