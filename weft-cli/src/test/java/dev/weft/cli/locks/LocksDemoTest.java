package dev.weft.cli.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.pool.TaskPool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocksDemoTest {

  @Test
  void theDemoChecksItsOwnResultsAndWritesTheHistogram(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    LocksDemo.Result r;
    try (TaskPool pool = TaskPool.create(2)) {
      r = LocksDemo.run(pool, dir, new PrintWriter(out));
    }
    assertTrue(r.histogramMatches(), out.toString());
    assertTrue(r.handedOff(), out.toString());
    assertEquals(r.totalBefore(), r.totalAfter());
    List<String> csv = Files.readAllLines(dir.resolve("histogram.csv"));
    assertEquals("bin,count", csv.getFirst());
    assertEquals(101, csv.size());
    assertEquals(r.values(), csv.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[1])).sum());
    assertTrue(out.toString().contains("identical to"), out.toString());
  }
}
