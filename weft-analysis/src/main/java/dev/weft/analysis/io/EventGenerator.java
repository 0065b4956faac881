package dev.weft.analysis.io;

import dev.weft.runtime.BadDataException;
import dev.weft.runtime.FileErrors;
import dev.weft.runtime.io.OutputPaths;
import dev.weft.runtime.progress.ProgressTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.GroupWriter;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Makes large event files with exactly the schema of a sample file by resampling its events: event k of
 * the output is a uniformly drawn event of the sample (seeded, so the same seed gives the same file).
 * The sample is held in memory (it is small); the output is streamed in row groups of about
 * {@link #ROW_GROUP_BYTES}, so 10M+ events need no more memory than a few row groups.
 *
 * <p>The sample's events are recorded once as per-column (repetition level, definition level, value)
 * triples and replayed straight into parquet-java's column writers; row groups after the first are
 * encoded in parallel and written in order (see {@link #generate}).
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
    return generate(sample, out, events, seed, progress, ROW_GROUP_BYTES);
  }

  /** As above with another row-group target (tests use small ones to get many row groups). */
  static Generated generate(Path sample, Path out, long events, long seed, ProgressTask progress, long rowGroupBytes)
      throws IOException {
    if (events < 1) {
      throw new IllegalArgumentException("events must be at least 1");
    }
    Path dir = out.toAbsolutePath().getParent();
    OutputPaths.requireReplaceable(out);
    Path tmp = dir.resolve("." + out.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(tmp);
      Files.createFile(tmp); // first, so a directory that takes no files is reported at once, by the user's name
    } catch (java.nio.file.FileSystemException e) {
      throw FileErrors.cannotCreate(out, e);
    }
    MessageType schema;
    List<Group> pool = new ArrayList<>();
    boolean sampled = false;
    try (ParquetReader<Group> reader = new GroupReaderBuilder(new LocalInputFile(sample)).build()) {
      Group g;
      while ((g = reader.read()) != null) {
        pool.add(g);
      }
      sampled = !pool.isEmpty();
    } catch (IOException | RuntimeException e) {
      if (Thread.currentThread().isInterrupted() || causedByInterrupt(e)) {
        // Ctrl-C while reading: parquet-java reports the closed channel as an unreadable value.
        throw new java.util.concurrent.CancellationException("generate cancelled");
      }
      throw new BadDataException(sample + ": cannot read the sample events (" + ParquetEventSource.oneLine(e) + ")");
    } finally {
      if (!sampled) {
        Files.deleteIfExists(tmp); // failed (or empty): nothing will be written
      }
    }
    if (pool.isEmpty()) {
      throw new BadDataException(sample + ": the sample has no events to resample");
    }
    schema = (MessageType) pool.getFirst().getType();
    Recorded recorded = Recorded.of(schema, pool);
    pool = null; // the Group objects are no longer needed: the recorded columns replace them
    SplittableRandom random = new SplittableRandom(seed);
    int poolSize = recorded.events();
    boolean done = false;
    ParquetFileWriter fw = null;
    int workers = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
    ExecutorService encoders = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "weft-generate");
      t.setDaemon(true);
      return t;
    });
    try {
      ParquetProperties props = ParquetProperties.builder().build();
      fw = new ParquetFileWriter(new LocalOutputFile(tmp), schema, ParquetFileWriter.Mode.OVERWRITE,
          rowGroupBytes, 0, null, props);
      fw.start();
      // Row group 1 is encoded here, event by event, until it holds ROW_GROUP_BYTES; every later row
      // group has that many events (so the layout depends only on the seed, never on timing), its
      // sample indices drawn here in order from the one seeded generator, and is encoded on a worker:
      // row groups are independent, and the file is written in order as they complete.
      RowGroup group = new RowGroup(recorded, schema, props);
      long k = 0;
      while (k < events) {
        group.add(random.nextInt(poolSize));
        k++;
        if ((k & 0x3FFF) == 0) {
          // Row group 1 can be the whole file: report as it fills, not only once it is written.
          progress.advance(0x4000);
          if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("generate cancelled");
          }
        }
        if ((group.rows & 0x3FF) == 0 && group.store.getBufferedSize() >= rowGroupBytes) {
          break;
        }
      }
      group.writeTo(fw);
      progress.advance(k & 0x3FFF);
      int rowsPerGroup = (int) k;
      ArrayDeque<Future<RowGroup>> inFlight = new ArrayDeque<>();
      try {
        while (k < events || !inFlight.isEmpty()) {
          if (k < events && inFlight.size() <= workers) {
            int[] picks = new int[(int) Math.min(rowsPerGroup, events - k)];
            for (int i = 0; i < picks.length; i++) {
              picks[i] = random.nextInt(poolSize);
            }
            k += picks.length;
            inFlight.add(encoders.submit(() -> RowGroup.encode(recorded, schema, props, picks)));
            continue;
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new java.util.concurrent.CancellationException("generate cancelled");
          }
          RowGroup done1;
          try {
            done1 = inFlight.removeFirst().get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("generate cancelled");
          } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
              throw re;
            }
            if (c instanceof Error er) {
              throw er;
            }
            throw new IOException(c);
          }
          done1.writeTo(fw);
          progress.advance(done1.rows);
        }
      } finally {
        for (Future<RowGroup> f : inFlight) {
          f.cancel(true);
        }
      }
      fw.end(Map.of("writer.model.name", "weft-generate"));
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      done = true;
    } finally {
      encoders.shutdownNow();
      if (!done) {
        if (fw != null) {
          try {
            fw.close(); // releases the file; the partial file is deleted next
          } catch (IOException | RuntimeException ignored) {
            // already failing
          }
        }
        Files.deleteIfExists(tmp);
      }
    }
    return new Generated(out, events, Files.size(out), schema);
  }

  /** Whether {@code e} is an interrupt surfacing as an I/O failure somewhere in its cause chain. */
  private static boolean causedByInterrupt(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.InterruptedIOException || t instanceof java.nio.channels.ClosedByInterruptException
          || t instanceof InterruptedException) {
        return true;
      }
    }
    return false;
  }

  /** One row group being encoded: its column writers, and the compressed pages they produce. */
  private static final class RowGroup {
    final ColumnChunkPageWriteStore pages;
    final ColumnWriteStore store;
    final ColumnWriter[] writers;
    final Recorded recorded;
    int rows;

    RowGroup(Recorded recorded, MessageType schema, ParquetProperties props) {
      this.recorded = recorded;
      BytesInputCompressor compressor = Codecs.INSTANCE.getCompressor(CompressionCodecName.ZSTD);
      pages = new ColumnChunkPageWriteStore(compressor, schema, props.getAllocator(),
          props.getColumnIndexTruncateLength(), props.getPageWriteChecksumEnabled());
      store = props.newColumnWriteStore(schema, pages, pages);
      writers = new ColumnWriter[recorded.columns.length];
      for (int c = 0; c < writers.length; c++) {
        writers[c] = store.getColumnWriter(recorded.columns[c].descriptor);
      }
    }

    static RowGroup encode(Recorded recorded, MessageType schema, ParquetProperties props, int[] picks) {
      RowGroup g = new RowGroup(recorded, schema, props);
      for (int s : picks) {
        g.add(s);
      }
      g.store.flush(); // encodes and compresses the last pages on this thread
      return g;
    }

    /** Appends sample event {@code s}, its recorded triples column by column. */
    void add(int s) {
      for (int c = 0; c < writers.length; c++) {
        recorded.columns[c].replay(s, writers[c]);
      }
      store.endRecord();
      rows++;
    }

    void writeTo(ParquetFileWriter fw) throws IOException {
      fw.startBlock(rows);
      store.flush();
      pages.flushToFileWriter(fw);
      fw.endBlock();
      store.close();
      pages.close();
    }
  }

  /**
   * Every leaf column of the sample as parquet-java would write it: per column the sequence of
   * (repetition level, definition level, value) triples, and where each sample event's triples start.
   * Recorded by running the sample's {@code Group}s once through parquet-java's own record writer into
   * a capturing column store, so the levels are exactly what the {@code Group} writer produced.
   */
  static final class Recorded implements ColumnWriteStore {
    final Column[] columns;
    private int events;

    private Recorded(MessageType schema) {
      List<ColumnDescriptor> ds = schema.getColumns();
      columns = new Column[ds.size()];
      for (int c = 0; c < columns.length; c++) {
        columns[c] = new Column(ds.get(c));
      }
    }

    static Recorded of(MessageType schema, List<Group> pool) {
      Recorded r = new Recorded(schema);
      RecordConsumer consumer = new ColumnIOFactory(true).getColumnIO(schema).getRecordWriter(r);
      GroupWriter gw = new GroupWriter(consumer, schema);
      for (Column c : r.columns) {
        c.markEvent();
      }
      for (Group g : pool) {
        gw.write(g); // ends with endRecord(), which marks the next event's start in every column
      }
      return r;
    }

    int events() {
      return events;
    }

    @Override
    public ColumnWriter getColumnWriter(ColumnDescriptor path) {
      for (Column c : columns) {
        if (c.descriptor.equals(path)) {
          return c;
        }
      }
      throw new IllegalArgumentException("no column " + path);
    }

    @Override
    public void endRecord() {
      events++;
      for (Column c : columns) {
        c.markEvent();
      }
    }

    @Override
    public void flush() {}

    /**
     * Always true: parquet-java's record writer caches the nulls of missing groups and sends them to
     * the column writers only when a flush is due (or with a later record), which would put one
     * event's null triples into the next event's range.
     */
    @Override
    public boolean isColumnFlushNeeded() {
      return true;
    }

    @Override
    public long getAllocatedSize() {
      return 0;
    }

    @Override
    public long getBufferedSize() {
      return 0;
    }

    @Override
    public String memUsageString() {
      return "recorded sample";
    }

    @Override
    public void close() {}
  }

  /** One leaf column's recorded triples (values as raw 64-bit patterns, or Binary). */
  static final class Column implements ColumnWriter {
    final ColumnDescriptor descriptor;
    private final PrimitiveTypeName type;
    private final int maxDef;
    private int[] starts = new int[1024];
    private int nEvents;
    private int[] levels = new int[1024]; // repetition << 16 | definition
    private long[] values = new long[1024];
    private Binary[] binaries;
    private int n;

    Column(ColumnDescriptor d) {
      descriptor = d;
      type = d.getPrimitiveType().getPrimitiveTypeName();
      maxDef = d.getMaxDefinitionLevel();
      if (type == PrimitiveTypeName.BINARY || type == PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY
          || type == PrimitiveTypeName.INT96) {
        binaries = new Binary[1024];
      }
    }

    void markEvent() {
      if (nEvents == starts.length) {
        starts = Arrays.copyOf(starts, nEvents * 2);
      }
      starts[nEvents++] = n;
    }

    /** Writes sample event {@code s}'s triples of this column to {@code w}. */
    void replay(int s, ColumnWriter w) {
      int end = starts[s + 1];
      for (int i = starts[s]; i < end; i++) {
        int lv = levels[i];
        int r = lv >>> 16;
        int d = lv & 0xFFFF;
        if (d < maxDef) {
          w.writeNull(r, d);
          continue;
        }
        long v = values[i];
        switch (type) {
          case FLOAT -> w.write(Float.intBitsToFloat((int) v), r, d);
          case DOUBLE -> w.write(Double.longBitsToDouble(v), r, d);
          case INT32 -> w.write((int) v, r, d);
          case INT64 -> w.write(v, r, d);
          case BOOLEAN -> w.write(v != 0, r, d);
          default -> w.write(binaries[i], r, d);
        }
      }
    }

    private int add(int r, int d) {
      if (n == levels.length) {
        levels = Arrays.copyOf(levels, n * 2);
        values = Arrays.copyOf(values, n * 2);
        if (binaries != null) {
          binaries = Arrays.copyOf(binaries, n * 2);
        }
      }
      levels[n] = r << 16 | d;
      return n++;
    }

    @Override
    public void write(int value, int r, int d) {
      int i = add(r, d); // before indexing: add may grow the arrays
      values[i] = value;
    }

    @Override
    public void write(long value, int r, int d) {
      int i = add(r, d); // before indexing: add may grow the arrays
      values[i] = value;
    }

    @Override
    public void write(boolean value, int r, int d) {
      int i = add(r, d); // before indexing: add may grow the arrays
      values[i] = value ? 1 : 0;
    }

    @Override
    public void write(Binary value, int r, int d) {
      int i = add(r, d);
      binaries[i] = value.copy();
    }

    @Override
    public void write(float value, int r, int d) {
      int i = add(r, d); // before indexing: add may grow the arrays
      values[i] = Float.floatToRawIntBits(value);
    }

    @Override
    public void write(double value, int r, int d) {
      int i = add(r, d); // before indexing: add may grow the arrays
      values[i] = Double.doubleToRawLongBits(value);
    }

    @Override
    public void writeNull(int r, int d) {
      add(r, d);
    }

    @Override
    public void close() {}

    @Override
    public long getBufferedSizeInMemory() {
      return 0;
    }
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
