package dev.weft.analysis.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
  static final List<ColumnSpec> MET_AND_JETS = List.of(ColumnSpec.scalar("MET.pt", ColumnType.FLOAT),
      ColumnSpec.jagged("Jet.pt", ColumnType.FLOAT));

  @TempDir
  Path dir;

  static BadDataException readAll(Path file, List<ColumnSpec> cols) {
    return assertThrows(BadDataException.class, () -> {
      try (EventSource s = EventFiles.open(file, cols)) {
        while (s.next() != null) {
          // drain
        }
      }
    });
  }

  static void assertOneLine(BadDataException e, String... parts) {
    assertEquals(ExitCodes.BAD_DATA, e.exitCode());
    assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
    }
  }

  private Path parquet(String name, String schema, java.util.function.Consumer<Group> fill) throws IOException {
    MessageType type = MessageTypeParser.parseMessageType(schema);
    Path file = dir.resolve(name);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withType(type).withCodecFactory(Codecs.INSTANCE).build()) {
      Group g = new SimpleGroupFactory(type).newGroup();
      fill.accept(g);
      w.write(g);
    }
    return file;
  }

  @Test
  void truncatedParquetIsBadData() throws IOException {
    byte[] all = Files.readAllBytes(AdlData.flat());
    Path cut = dir.resolve("cut.parquet");
    Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
    assertOneLine(readAll(cut, MET_AND_JETS), "cut.parquet", "not a readable Parquet file");
  }

  @Test
  void parquetWithCorruptPagesIsBadData() throws IOException {
    byte[] all = Files.readAllBytes(AdlData.flat());
    for (int i = 200; i < all.length / 2; i++) {
      all[i] ^= 0x5A; // damage column chunks, keep the footer
    }
    Path bad = dir.resolve("scrambled.parquet");
    Files.write(bad, all);
    assertOneLine(readAll(bad, MET_AND_JETS), "scrambled.parquet");
  }

  @Test
  void missingParquetColumnIsNamed() throws IOException {
    Path f = parquet("nojets.parquet", "message m { required float MET_pt; }", g -> g.add("MET_pt", 1f));
    assertOneLine(readAll(f, MET_AND_JETS), "nojets.parquet", "missing column Jet.pt");
  }

  @Test
  void wrongParquetTypeIsNamed() throws IOException {
    Path f = parquet("intmet.parquet", "message m { required int32 MET_pt; }", g -> g.add("MET_pt", 3));
    assertOneLine(readAll(f, List.of(ColumnSpec.scalar("MET.pt", ColumnType.FLOAT))), "intmet.parquet", "MET_pt",
        "INT32", "floating-point");
  }

  @Test
  void scalarWhereAListIsExpectedIsNamed() throws IOException {
    Path f = parquet("flatjet.parquet", "message m { required float Jet_pt; }", g -> g.add("Jet_pt", 3f));
    assertOneLine(readAll(f, List.of(ColumnSpec.jagged("Jet.pt", ColumnType.FLOAT))), "Jet_pt", "expected a list");
  }

  @Test
  void malformedJsonLineIsNamedByNumber() throws IOException {
    List<String> lines = Files.readAllLines(AdlData.json()).subList(0, 5);
    Path f = dir.resolve("bad.jsonl");
    Files.write(f, List.of(lines.get(0), lines.get(1), lines.get(2).substring(0, 100), lines.get(3)));
    assertOneLine(readAll(f, MET_AND_JETS), "bad.jsonl:3:", "malformed JSON");
  }

  @Test
  void missingJsonValueIsNamedByLine() throws IOException {
    Path f = dir.resolve("nomet.jsonl");
    Files.write(f, List.of("{\"MET\":{\"pt\":1.5},\"Jet\":[]}", "{\"MET\":{\"phi\":1.5},\"Jet\":[]}"));
    assertOneLine(readAll(f, MET_AND_JETS), "nomet.jsonl:2:", "missing MET.pt");
  }

  @Test
  void wrongJsonTypeIsNamedByLine() throws IOException {
    Path f = dir.resolve("strpt.jsonl");
    Files.write(f, List.of("{\"MET\":{\"pt\":1.5},\"Jet\":[{\"pt\":\"high\"}]}"));
    assertOneLine(readAll(f, MET_AND_JETS), "strpt.jsonl:1:", "Jet[0].pt is not a number");
  }

  @Test
  void jsonNumberBeyondFloatRangeIsNamedByLine() throws IOException {
    Path f = dir.resolve("huge.jsonl");
    Files.write(f, List.of("{\"MET\":{\"pt\":1.5},\"Jet\":[]}", "{\"MET\":{\"pt\":1e400},\"Jet\":[]}"));
    assertOneLine(readAll(f, MET_AND_JETS), "huge.jsonl:2:", "MET.pt = 1e400", "out of the range of a 32-bit float");
    Path g = dir.resolve("hugejet.jsonl");
    Files.write(g, List.of("{\"MET\":{\"pt\":1.5},\"Jet\":[{\"pt\":-4e38}]}"));
    assertOneLine(readAll(g, MET_AND_JETS), "hugejet.jsonl:1:", "Jet[0].pt = -4e38", "out of the range");
  }

  @Test
  void jsonAndBothParquetLayoutsReadTheSameColumns() {
    List<ColumnSpec> cols = List.of(ColumnSpec.scalar("MET.pt", ColumnType.FLOAT),
        ColumnSpec.jagged("Jet.pt", ColumnType.FLOAT), ColumnSpec.jagged("Muon.charge", ColumnType.INT));
    Batch[] b = new Batch[3];
    Path[] files = {AdlData.flat(), AdlData.nested(), AdlData.json()};
    for (int i = 0; i < 3; i++) {
      try (EventSource s = files[i].toString().endsWith(".jsonl")
          ? new JsonEventSource(files[i], cols, 5000) : EventFiles.open(files[i], cols)) {
        b[i] = s.next();
        assertEquals(null, s.next());
      }
    }
    for (int i = 1; i < 3; i++) {
      assertEquals(1000, b[i].rows());
      assertTrue(java.util.Arrays.equals(b[0].floats("MET.pt"), b[i].floats("MET.pt")));
      assertTrue(java.util.Arrays.equals(b[0].floats("Jet.pt"), b[i].floats("Jet.pt")));
      assertTrue(java.util.Arrays.equals(b[0].offsets("Jet"), b[i].offsets("Jet")));
      assertTrue(java.util.Arrays.equals(b[0].ints("Muon.charge"), b[i].ints("Muon.charge")));
    }
  }
}
