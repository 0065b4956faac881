package dev.weft.analysis.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.analysis.AdlData;
import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import dev.weft.analysis.adl.AdlQueries;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.runtime.pool.TaskPool;
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

  @Test
  void progressAdvancesWhileTheFirstRowGroupFills() throws Exception {
    // U4: a file that fits in one row group used to report 0% until it was all written.
    java.util.List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    ProgressListener l = new ProgressListener() {
      @Override
      public void advanced(ProgressTask task, long delta) {
        seen.add(task.done());
      }
    };
    ProgressTask t = ProgressTask.start(l, "gen", 40_000, "events");
    EventGenerator.generate(AdlData.nested(), dir.resolve("p.parquet"), 40_000, 3, t);
    assertTrue(seen.size() >= 2, "one advance only: " + seen);
    assertTrue(seen.getFirst() < 40_000, "first report only at the end: " + seen);
    assertEquals(40_000, t.done());
  }

  @Test
  void anOutputThatCannotBeCreatedIsNamedAndFailsBeforeReadingTheSample() throws Exception {
    java.nio.file.Path file = dir.resolve("plain");
    Files.writeString(file, "x");
    java.nio.file.Path out = file.resolve("g.parquet"); // "plain" is a file: nothing can be created below it
    dev.weft.runtime.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(dev.weft.runtime.UsageException.class,
        () -> EventGenerator.generate(AdlData.nested(), out, 10, 1, ProgressTask.start(ProgressListener.NONE, "g", 10, "events")));
    assertTrue(e.getMessage().startsWith("cannot create " + out), e.getMessage());
    assertFalse(e.getMessage().contains(".tmp"), e.getMessage());
  }

  static org.apache.parquet.hadoop.metadata.ParquetMetadata footer(Path f) throws Exception {
    try (var r = org.apache.parquet.hadoop.ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(f),
        org.apache.parquet.ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration())
            .withCodecFactory(Codecs.INSTANCE).build())) {
      return r.getFooter();
    }
  }

  static Map<String, SortedMap<Double, Long>> adl(DataFrame df) {
    Map<String, SortedMap<Double, Long>> out = new LinkedHashMap<>();
    AdlQueries.book(df, AdlQueries.parse("all")).forEach((id, r) -> out.put(id, r.get().nonEmptyCounts()));
    return out;
  }

  @Test
  void generatedFilesHaveTheSampleSchemaAreByteDeterministicAndHoldTheResampledEvents() throws Exception {
    ProgressTask t = ProgressTask.start(ProgressListener.NONE, "gen", -1, "events");
    for (Path sample : List.of(AdlData.flat(), AdlData.nested())) {
     for (long groupBytes : new long[] {EventGenerator.ROW_GROUP_BYTES, 200_000}) {
      Path a = dir.resolve("a.parquet");
      Path b = dir.resolve("b.parquet");
      int events = 20_000;
      EventGenerator.generate(sample, a, events, 11, t, groupBytes);
      EventGenerator.generate(sample, b, events, 11, t, groupBytes);
      int groups = footer(a).getBlocks().size();
      assertTrue(groupBytes == EventGenerator.ROW_GROUP_BYTES ? groups == 1 : groups > 4, groups + " row groups");
      assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "same seed, same bytes: " + sample);
      // exactly the sample's schema (column for column, repetition and logical types included)
      assertEquals(footer(sample).getFileMetaData().getSchema(), footer(a).getFileMetaData().getSchema(), sample.toString());
      assertEquals(events, footer(a).getBlocks().stream().mapToLong(m -> m.getRowCount()).sum());
      // read back by the engine's reader: the same ADL results as the same resampling done in memory
      List<ColumnSpec> cols = AdlQueries.columns();
      List<Batch> memory = Resample.batches(Resample.readAll(sample, cols), cols, events, 4096, 11);
      try (TaskPool pool = TaskPool.create(2)) {
        Map<String, SortedMap<Double, Long>> fromFile = adl(DataFrame.fromFile(a, pool, FillMode.perThread(), ProgressListener.NONE));
        assertEquals(adl(DataFrame.fromBatches(memory, pool, FillMode.perThread())), fromFile, sample.toString());
        assertEquals(events, fromFile.get("q1").values().stream().mapToLong(Long::longValue).sum());
      }
      if (groups > 1) {
        continue; // the row groups (encoded in parallel) were checked through the ADL results above
      }
      // and column by column: every value of every requested column, event by event
      Batch back = Resample.readAll(a, cols);
      Batch mem = Resample.readAll(sample, cols);
      List<Batch> one = Resample.batches(mem, cols, events, events, 11);
      for (ColumnSpec c : cols) {
        if (c.jagged()) {
          assertArrayEquals(one.getFirst().offsets(c.group()), back.offsets(c.group()), c.group());
        }
        if (c.type() == ColumnType.FLOAT) {
          assertArrayEquals(one.getFirst().floats(c.name()), back.floats(c.name()), c.name());
        } else {
          assertArrayEquals(one.getFirst().ints(c.name()), back.ints(c.name()), c.name());
        }
      }
     }
    }
  }

  static Batch read(Path f, List<ColumnSpec> cols) {
    try (EventSource s = EventFiles.open(f, cols)) {
      Batch b = s.next();
      assertEquals(null, s.next());
      return b;
    }
  }
}
