package dev.weft.analysis.io;

import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.WeftException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Reads the requested columns of a Parquet event file one row group at a time, straight from parquet-java's
 * column readers into primitive arrays (no per-event objects). Understands both layouts of the ADL sample:
 * nested ({@code MET.pt}, {@code Jet.list.element.pt}) and flat ({@code MET_pt}, {@code Jet_pt.list.element}).
 * A null list reads as empty; a null value inside a list or a null scalar reads as NaN (float) or 0 (int).
 */
public final class ParquetEventSource implements EventSource {
  private final Path file;
  private final ParquetFileReader reader;
  private final MessageType schema;
  private final List<Resolved> columns;
  private final String createdBy;
  private int rowGroup;
  private int endRowGroup = Integer.MAX_VALUE;

  private record Resolved(ColumnSpec spec, ColumnDescriptor descriptor, int listDefinitionLevel) {}

  private ParquetEventSource(Path file, ParquetFileReader reader, List<ColumnSpec> specs) {
    this.file = file;
    this.reader = reader;
    this.schema = reader.getFooter().getFileMetaData().getSchema();
    this.createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
    List<Resolved> r = new ArrayList<>();
    for (ColumnSpec s : specs) {
      r.add(resolve(s));
    }
    this.columns = List.copyOf(r);
  }

  /** Opens {@code file}; a file that is not Parquet, truncated or lacking a column is bad data (exit 3). */
  public static ParquetEventSource open(Path file, List<ColumnSpec> columns) {
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(new LocalInputFile(file),
          ParquetReadOptions.builder(new PlainParquetConfiguration()).withCodecFactory(Codecs.INSTANCE).build());
    } catch (IOException | RuntimeException e) {
      throw new BadDataException(file + ": not a readable Parquet file (" + oneLine(e) + ")");
    }
    try {
      return new ParquetEventSource(file, reader, columns);
    } catch (RuntimeException e) {
      closeQuietly(reader);
      throw e;
    }
  }

  /**
   * Opens {@code file} to read only row groups {@code first .. first + count - 1} (a share of the file for
   * one worker process).
   */
  public static ParquetEventSource open(Path file, List<ColumnSpec> columns, int first, int count) {
    ParquetEventSource s = open(file, columns);
    try {
      int groups = s.rowGroups();
      if (first < 0 || count < 0 || first > groups) {
        throw new IllegalArgumentException("row groups " + first + "+" + count + " outside 0.." + groups);
      }
      for (int i = 0; i < first; i++) {
        if (!s.reader.skipNextRowGroup()) {
          break;
        }
      }
      s.rowGroup = first;
      s.endRowGroup = first + count;
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e instanceof WeftException w ? w : new BadDataException(file + ": cannot skip to row group " + first
          + " (" + oneLine(e) + ")");
    }
  }

  /** Number of row groups (chunks) in the file. */
  public int rowGroups() {
    return reader.getRowGroups().size();
  }

  /** Maps a logical column onto this file's schema, checking that it exists and has the expected shape. */
  private Resolved resolve(ColumnSpec spec) {
    List<String> path = new ArrayList<>();
    Type t;
    if (schema.containsField(spec.group()) && !schema.getType(spec.group()).isPrimitive()) {
      t = schema.getType(spec.group()); // nested layout: MET.pt, Jet.list.element.pt
    } else if (schema.containsField(spec.group() + "_" + spec.field())) {
      t = schema.getType(spec.group() + "_" + spec.field()); // flat layout: MET_pt, Jet_pt.list.element
    } else {
      throw new BadDataException(file + ": missing column " + spec.name());
    }
    path.add(t.getName());
    boolean foundField = t.getName().endsWith("_" + spec.field());
    while (!t.isPrimitive()) {
      GroupType g = t.asGroupType();
      if (!foundField && g.containsField(spec.field())) {
        t = g.getType(spec.field());
        foundField = true;
      } else if (g.getFieldCount() == 1) {
        t = g.getType(0);
      } else {
        throw new BadDataException(file + ": missing column " + spec.name());
      }
      path.add(t.getName());
    }
    if (!foundField) {
      throw new BadDataException(file + ": missing column " + spec.name());
    }
    String[] p = path.toArray(String[]::new);
    ColumnDescriptor d = schema.getColumnDescription(p);
    PrimitiveTypeName pt = d.getPrimitiveType().getPrimitiveTypeName();
    if (spec.type() == ColumnType.DOUBLE) {
      throw new IllegalArgumentException("event files are read as float and int columns: " + spec.name());
    }
    boolean typeOk = spec.type() == ColumnType.FLOAT
        ? pt == PrimitiveTypeName.FLOAT || pt == PrimitiveTypeName.DOUBLE
        : pt == PrimitiveTypeName.INT32 || pt == PrimitiveTypeName.INT64;
    if (!typeOk) {
      throw new BadDataException(file + ": column " + String.join(".", p) + " has type " + pt
          + ", expected " + (spec.type() == ColumnType.FLOAT ? "a floating-point number" : "an integer"));
    }
    int rep = d.getMaxRepetitionLevel();
    if (spec.jagged() && rep != 1) {
      throw new BadDataException(file + ": column " + String.join(".", p)
          + (rep == 0 ? " has one value per event, expected a list" : " is nested more than one list deep"));
    }
    if (!spec.jagged() && rep != 0) {
      throw new BadDataException(file + ": column " + String.join(".", p) + " is a list, expected one value per event");
    }
    int listDef = 0;
    if (spec.jagged()) {
      for (int i = 1; i <= p.length; i++) {
        String[] prefix = Arrays.copyOf(p, i);
        if (schema.getMaxRepetitionLevel(prefix) == 1) {
          listDef = schema.getMaxDefinitionLevel(prefix);
          break;
        }
      }
    }
    return new Resolved(spec, d, listDef);
  }

  @Override
  public long events() {
    return reader.getRecordCount();
  }

  @Override
  public String name() {
    return file.toString();
  }

  @Override
  public Batch next() {
    if (rowGroup >= endRowGroup) {
      return null;
    }
    PageReadStore pages;
    try {
      pages = reader.readNextRowGroup();
    } catch (IOException | RuntimeException e) {
      throw new BadDataException(file + ": row group " + rowGroup + " cannot be read (" + oneLine(e) + ")");
    }
    if (pages == null) {
      return null;
    }
    try {
      return decode(pages);
    } catch (WeftException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BadDataException(file + ": row group " + rowGroup + " is corrupt (" + oneLine(e) + ")");
    } finally {
      rowGroup++;
    }
  }

  private Batch decode(PageReadStore pages) {
    long rowCount = pages.getRowCount();
    if (rowCount > Integer.MAX_VALUE - 1) {
      throw new BadDataException(file + ": row group " + rowGroup + " has too many rows (" + rowCount + ")");
    }
    int rows = (int) rowCount;
    ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages, new SkipGroup(schema), schema, createdBy);
    Map<String, float[]> floats = new HashMap<>();
    Map<String, int[]> ints = new HashMap<>();
    Map<String, int[]> offsets = new HashMap<>();
    for (Resolved c : columns) {
      ColumnReader r = store.getColumnReader(c.descriptor());
      long total = r.getTotalValueCount();
      if (total > Integer.MAX_VALUE - 8) {
        throw new BadDataException(file + ": column " + c.spec().name() + " too large in one row group");
      }
      int[] off = c.spec().jagged() ? new int[rows + 1] : null;
      int maxDef = c.descriptor().getMaxDefinitionLevel();
      PrimitiveTypeName pt = c.descriptor().getPrimitiveType().getPrimitiveTypeName();
      float[] fv = c.spec().type() == ColumnType.FLOAT ? new float[(int) total] : null;
      int[] iv = fv == null ? new int[(int) total] : null;
      int items = 0;
      int row = -1;
      for (long k = 0; k < total; k++) {
        int def = r.getCurrentDefinitionLevel();
        if (r.getCurrentRepetitionLevel() == 0) {
          row++;
          if (row >= rows) {
            throw new BadDataException(file + ": column " + c.spec().name() + " has more rows than its row group");
          }
          if (off != null) {
            off[row] = items;
          }
        }
        boolean isItem = off == null || def >= c.listDefinitionLevel();
        if (isItem) {
          boolean present = def == maxDef;
          if (fv != null) {
            fv[items] = !present ? Float.NaN : pt == PrimitiveTypeName.FLOAT ? r.getFloat() : (float) r.getDouble();
          } else {
            iv[items] = !present ? 0 : pt == PrimitiveTypeName.INT32 ? r.getInteger() : Math.toIntExact(r.getLong());
          }
          items++;
        }
        r.consume();
      }
      if (row != rows - 1) {
        throw new BadDataException(file + ": column " + c.spec().name() + " has " + (row + 1)
            + " rows, its row group " + rows);
      }
      if (fv != null) {
        floats.put(c.spec().name(), items == fv.length ? fv : Arrays.copyOf(fv, items));
      } else {
        ints.put(c.spec().name(), items == iv.length ? iv : Arrays.copyOf(iv, items));
      }
      if (off != null) {
        off[rows] = items;
        int[] known = offsets.putIfAbsent(c.spec().group(), off);
        if (known != null && !Arrays.equals(known, off)) {
          throw new BadDataException(file + ": column " + c.spec().name()
              + " has a different number of items per event than the other " + c.spec().group() + " columns");
        }
      }
    }
    return new Batch(rows, floats, ints, offsets);
  }

  @Override
  public void close() {
    closeQuietly(reader);
  }

  private static void closeQuietly(ParquetFileReader r) {
    try {
      r.close();
    } catch (IOException ignored) {
      // read-only file: nothing to lose
    }
  }

  static String oneLine(Throwable e) {
    return dev.weft.runtime.ErrorText.oneLine(e);
  }

  /**
   * parquet-java's column store wants a converter tree matching the schema; we read values directly from
   * the column readers, so every converter ignores what it is given.
   */
  private static final class SkipGroup extends GroupConverter {
    private final Converter[] children;

    SkipGroup(GroupType type) {
      children = new Converter[type.getFieldCount()];
      for (int i = 0; i < children.length; i++) {
        Type t = type.getType(i);
        children[i] = t.isPrimitive() ? new PrimitiveConverter() {} : new SkipGroup(t.asGroupType());
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return children[fieldIndex];
    }

    @Override
    public void start() {}

    @Override
    public void end() {}
  }
}
