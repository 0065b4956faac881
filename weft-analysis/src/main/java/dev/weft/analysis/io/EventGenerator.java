package dev.weft.analysis.io;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.progress.ProgressTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Makes large event files with exactly the schema of a sample file by resampling its events: event k of
 * the output is a uniformly drawn event of the sample (seeded, so the same seed gives the same file).
 * The sample is held in memory (it is small); the output is streamed in row groups of
 * {@link #ROW_GROUP_BYTES}, so 10M+ events need no more memory than one row group.
 */
public final class EventGenerator {
  /** Target row-group size: the chunk size readers and the dataframe later work in. */
  public static final long ROW_GROUP_BYTES = 16L << 20;

  private EventGenerator() {}

  /** What was written. */
  public record Generated(Path file, long events, long bytes, MessageType schema) {}

  /**
   * Writes {@code events} resampled events of {@code sample} (a Parquet file, either layout) to
   * {@code out}, via a temporary file renamed into place.
   */
  public static Generated generate(Path sample, Path out, long events, long seed, ProgressTask progress)
      throws IOException {
    if (events < 1) {
      throw new IllegalArgumentException("events must be at least 1");
    }
    MessageType schema;
    List<Group> pool = new ArrayList<>();
    try (ParquetReader<Group> reader = new GroupReaderBuilder(new LocalInputFile(sample)).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        pool.add(g);
      }
    } catch (IOException | RuntimeException e) {
      throw new BadDataException(sample + ": cannot read the sample events (" + ParquetEventSource.oneLine(e) + ")");
    }
    if (pool.isEmpty()) {
      throw new BadDataException(sample + ": the sample has no events to resample");
    }
    schema = (MessageType) pool.getFirst().getType();
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + out.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    SplittableRandom random = new SplittableRandom(seed);
    boolean done = false;
    try {
      try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(tmp))
          .withConf(new PlainParquetConfiguration())
          .withType(schema)
          .withCodecFactory(Codecs.INSTANCE)
          .withCompressionCodec(CompressionCodecName.ZSTD)
          .withRowGroupSize(ROW_GROUP_BYTES)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .build()) {
        for (long k = 0; k < events; k++) {
          writer.write(pool.get(random.nextInt(pool.size())));
          if ((k & 0xFFFF) == 0xFFFF) {
            if (Thread.currentThread().isInterrupted()) {
              throw new java.util.concurrent.CancellationException("generate cancelled");
            }
            progress.advance(0x10000);
          }
        }
        progress.advance(events & 0xFFFF);
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    return new Generated(out, events, Files.size(out), schema);
  }

  /** parquet-java's reader builder for the example Group model, configured without Hadoop. */
  private static final class GroupReaderBuilder extends ParquetReader.Builder<Group> {
    GroupReaderBuilder(InputFile file) {
      super(file, plainConf());
      withCodecFactory(Codecs.INSTANCE);
    }

    private static ParquetConfiguration plainConf() {
      return new PlainParquetConfiguration();
    }

    @Override
    protected ReadSupport<Group> getReadSupport() {
      return new GroupReadSupport();
    }
  }
}
