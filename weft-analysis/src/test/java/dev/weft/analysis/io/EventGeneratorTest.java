package dev.weft.analysis.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventGeneratorTest {
  @TempDir
  Path dir;

  @Test
  void sameSeedSameEventsAndSchemaDifferentSeedDifferentEvents() throws Exception {
    ProgressTask t = ProgressTask.start(ProgressListener.NONE, "gen", -1, "events");
    Path a = dir.resolve("a.parquet");
    Path b = dir.resolve("b.parquet");
    Path c = dir.resolve("c.parquet");
    EventGenerator.Generated ga = EventGenerator.generate(AdlData.nested(), a, 3000, 7, t);
    EventGenerator.generate(AdlData.nested(), b, 3000, 7, t);
    EventGenerator.generate(AdlData.nested(), c, 3000, 8, t);
    List<ColumnSpec> cols = List.of(ColumnSpec.scalar("MET.pt", ColumnType.FLOAT), ColumnSpec.jagged("Jet.pt", ColumnType.FLOAT));
    float[] ma = read(a, cols).floats("MET.pt");
    assertEquals(3000, ma.length);
    assertArrayEquals(ma, read(b, cols).floats("MET.pt"));
    assertFalse(java.util.Arrays.equals(ma, read(c, cols).floats("MET.pt")));
    try (ParquetEventSource s = ParquetEventSource.open(AdlData.nested(), cols)) {
      // the generated file has the sample's schema, column for column
      assertEquals(ga.schema().toString(),
          org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(AdlData.nested()),
              org.apache.parquet.ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration())
                  .withCodecFactory(Codecs.INSTANCE).build()).getFooter().getFileMetaData().getSchema().toString());
    }
    assertFalse(Files.exists(dir.resolve(".a.parquet.tmp")));
  }

  static Batch read(Path f, List<ColumnSpec> cols) {
    try (EventSource s = EventFiles.open(f, cols)) {
      Batch b = s.next();
      assertEquals(null, s.next());
      return b;
    }
  }
}
