package dev.weft.cli.qa;

import static dev.weft.cli.qa.Qa.oneLineError;
import static dev.weft.cli.qa.Qa.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.qa.Qa.Run;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** QA regression tests for 'weft kernel run' and 'weft log': argument checks and damaged journals. */
class QaKernelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private String journal() {
    return dir.resolve("j").toString();
  }

  private Path segment() throws IOException {
    try (Stream<Path> s = Files.walk(dir.resolve("j"))) {
      List<Path> segs = s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
      assertEquals(1, segs.size(), segs.toString());
      return segs.getFirst();
    }
  }

  @ParameterizedTest
  @CsvSource({
    "--events, -5, --events",
    "--accounts, 1, --accounts",
    "--workload, foo, foo",
    "--durability, bogus, --durability",
    "--batch, 0, --batch",
    "--job-placement, moon, --job-placement",
  })
  void badRunArgumentsAreUsageErrors(String opt, String value, String mention) {
    oneLineError(weft("kernel", "run", "--journal", journal(), "--events", "10", opt, value), 2, mention);
  }

  @Test
  void runVerifyShowRoundTripWithJson() throws IOException {
    Run run = weft("kernel", "run", "--journal", journal(), "--events", "3000", "--snapshot-every", "1000");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().lines().allMatch(l -> l.matches("durable \\d+")), run.out());
    Run v = weft("--json", "log", "verify", journal());
    assertEquals(0, v.code(), v.err());
    JsonNode n = JSON.readTree(v.out());
    assertEquals(3000, n.get("events").asLong());
    assertEquals(3000, n.get("last_seq").asLong());
    assertTrue(n.get("state_hash").asText().matches("[0-9a-f]{16}"), v.out());
    // rerunning with the same target appends nothing and keeps the hash
    Run again = weft("kernel", "run", "--journal", journal(), "--events", "3000", "--snapshot-every", "1000");
    assertEquals(0, again.code(), again.err());
    Run v2 = weft("--json", "log", "verify", journal());
    assertEquals(n.get("state_hash").asText(), JSON.readTree(v2.out()).get("state_hash").asText());
    Run show = weft("--json", "log", "show", journal(), "-n", "5");
    assertEquals(0, show.code(), show.err());
    for (String line : show.out().lines().toList()) {
      JSON.readTree(line); // every line parses
    }
  }

  @Test
  void flippedByteInTheMiddleIsExit3NamingSeqAndSegment() throws IOException {
    assertEquals(0, weft("kernel", "run", "--journal", journal(), "--events", "5000").code());
    Path seg = segment();
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0xff);
    }
    Run v = weft("log", "verify", journal());
    oneLineError(v, 3, "seq ");
    assertTrue(v.err().contains(seg.getFileName().toString()), v.err());
    oneLineError(weft("kernel", "run", "--journal", journal(), "--events", "6000"), 3, "seq ");
  }

  @Test
  void tornTailIsReportedThenTruncatedAndTheRunResumes() throws IOException {
    assertEquals(0, weft("kernel", "run", "--journal", journal(), "--events", "2000").code());
    Path seg = segment();
    try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
      f.setLength(f.length() - 10);
    }
    Run v = weft("--json", "log", "verify", journal());
    assertEquals(0, v.code(), v.err());
    JsonNode n = JSON.readTree(v.out());
    assertEquals(1999, n.get("last_seq").asLong());
    assertTrue(n.get("torn_tail").isTextual(), v.out());
    Run resume = weft("kernel", "run", "--journal", journal(), "--events", "2000");
    assertEquals(0, resume.code(), resume.err());
    Run v2 = weft("--json", "log", "verify", journal());
    assertEquals(0, v2.code(), v2.err());
    assertEquals(2000, JSON.readTree(v2.out()).get("last_seq").asLong());
  }

  @Test
  void notAJournalAndBadLogArguments() throws IOException {
    oneLineError(weft("log", "verify", dir.resolve("nope").toString()), 2, "nope");
    oneLineError(weft("log", "verify", dir.toString()), 2, "not a journal");
    assertEquals(0, weft("kernel", "run", "--journal", journal(), "--events", "100").code());
    oneLineError(weft("log", "chop", journal(), "--keep", "0"), 2, "--keep");
    oneLineError(weft("log", "chop", journal()), 2, "--keep");
    Path props;
    try (Stream<Path> s = Files.walk(dir.resolve("j"))) {
      props = s.filter(p -> p.getFileName().toString().equals("epoch.properties")).findFirst().orElseThrow();
    }
    Files.writeString(props, "garbage\n");
    oneLineError(weft("log", "verify", journal()), 3, "epoch.properties");
  }

  @Test
  void rollAndChopKeepTheStateHash() throws IOException {
    assertEquals(0, weft("kernel", "run", "--journal", journal(), "--events", "1000").code());
    assertEquals(0, weft("log", "roll", journal()).code());
    assertEquals(0, weft("kernel", "run", "--journal", journal(), "--events", "1500").code());
    String before = JSON.readTree(weft("--json", "log", "verify", journal()).out()).get("state_hash").asText();
    assertEquals(0, weft("log", "chop", journal(), "--keep", "1").code());
    Run after = weft("--json", "log", "verify", journal());
    assertEquals(0, after.code(), after.err());
    assertEquals(before, JSON.readTree(after.out()).get("state_hash").asText());
    assertEquals(1500, JSON.readTree(after.out()).get("last_seq").asLong());
  }
}
