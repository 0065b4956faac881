package dev.weft.cli.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCliTest {
  @TempDir
  Path tmp;

  record Run(int code, String out, String err) {}

  static Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  private Path journal(int events) {
    Path dir = tmp.resolve("j");
    Run r = weft("kernel", "run", "--journal", dir.toString(), "--events", Integer.toString(events),
        "--accounts", "100", "--jobs-every", "40", "--batch", "16");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("durable "), r.out());
    return dir;
  }

  private static List<Path> segments(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void runVerifyShowAndResume() throws Exception {
    Path dir = journal(400);
    Run v = weft("log", "verify", dir.toString(), "--json");
    assertEquals(0, v.code(), v.err());
    JsonNode o = new ObjectMapper().readTree(v.out());
    assertTrue(o.get("events").asLong() >= 400);
    assertEquals(o.get("events").asLong(), o.get("last_seq").asLong());
    assertTrue(o.get("state_hash").asText().matches("[0-9a-f]+"));
    Run again = weft("kernel", "run", "--journal", dir.toString(), "--events", "600", "--accounts", "100",
        "--jobs-every", "40");
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("resuming after seq"), again.err());
    Run par = weft("log", "verify", dir.toString(), "--parallel", "--json");
    assertEquals(0, par.code(), par.err());
    Run v2 = weft("log", "verify", dir.toString(), "--from-snapshot", "--json");
    assertEquals(0, v2.code(), v2.err());
    assertTrue(new ObjectMapper().readTree(v2.out()).get("last_seq").asLong() >= 600);
    Run show = weft("log", "show", dir.toString(), "--json", "-n", "50");
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("\"type\":\"job\""), show.out());
  }

  @Test
  void flippedByteIsExit3NamingTheSeq() throws Exception {
    Path dir = journal(300);
    Path seg = segments(dir).getFirst();
    byte[] bytes = Files.readAllBytes(seg);
    bytes[16 + 128 * 5 + 40] ^= 0x10; // inside the 6th record (events are 128 bytes)
    Files.write(seg, bytes);
    Run v = weft("log", "verify", dir.toString());
    assertEquals(3, v.code(), v.err());
    assertTrue(v.err().contains("seq 6"), v.err());
    Run vp = weft("log", "verify", dir.toString(), "--parallel");
    assertEquals(3, vp.code(), vp.err());
    assertTrue(v.err().lines().count() == 1, "one line, no stack trace: " + v.err());
    Run run = weft("kernel", "run", "--journal", dir.toString(), "--events", "400");
    assertEquals(3, run.code(), "a corrupt journal is never appended to: " + run.err());
  }

  @Test
  void missingSegmentAndTruncatedRecordAreExit3() throws Exception {
    Path dir = tmp.resolve("segs");
    Run r = weft("kernel", "run", "--journal", dir.toString(), "--events", "3000", "--accounts", "10",
        "--batch", "16", "--batch-delay-us", "0");
    assertEquals(0, r.code(), r.err());
    // Force several segments by rolling epochs: each epoch starts a new segment.
    for (int i = 0; i < 2; i++) {
      assertEquals(0, weft("log", "roll", dir.toString()).code());
      assertEquals(0, weft("kernel", "run", "--journal", dir.toString(), "--events", Integer.toString(4000 + i * 1000),
          "--accounts", "10").code());
    }
    List<Path> segs = segments(dir);
    assertEquals(3, segs.size());
    Path middle = segs.get(1);
    byte[] saved = Files.readAllBytes(middle);
    Files.write(middle, java.util.Arrays.copyOf(saved, saved.length - 7));
    Run cut = weft("log", "verify", dir.toString());
    assertEquals(3, cut.code(), cut.err());
    assertTrue(cut.err().contains("epoch-000002"), cut.err());
    Files.delete(middle);
    Run missing = weft("log", "verify", dir.toString());
    assertEquals(3, missing.code(), missing.err());
    assertTrue(missing.err().contains("missing segment"), missing.err());
  }

  @Test
  void usageErrors() {
    assertEquals(2, weft("log", "verify", tmp.resolve("none").toString()).code());
    assertEquals(2, weft("kernel", "run", "--journal", tmp.resolve("x").toString(), "--events", "5",
        "--durability", "maybe").code());
    assertEquals(2, weft("kernel", "run", "--journal", tmp.resolve("x").toString(), "--events", "5",
        "--accounts", "1").code());
    assertEquals(0, weft("log", "--help").code());
  }
}
