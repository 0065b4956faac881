package dev.weft.analysis.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.weft.analysis.columnar.Batch;
import dev.weft.analysis.columnar.BatchBuilder;
import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.analysis.columnar.ColumnType;
import dev.weft.runtime.BadDataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON lines (one event object per line, as in the ADL sample) with Jackson's streaming parser,
 * {@code chunkRows} events per batch. Only the requested columns are kept; every other value is skipped
 * without building objects. Floating-point values are stored as 32-bit floats, like the Parquet files, so
 * all three inputs give identical numbers. A malformed line or a missing value is named by line number.
 */
public final class JsonEventSource implements EventSource {
  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;
  private final int chunkRows;
  private final BufferedReader in;
  private final BatchBuilder builder;
  /** group → field → column, for the event-level groups (MET) and the collections (Jet) alike. */
  private final Map<String, Map<String, ColumnSpec>> wanted = new HashMap<>();
  private final List<String> collections;
  private final Map<String, Integer> seen = new HashMap<>();
  private long line;

  public JsonEventSource(Path file, List<ColumnSpec> columns, int chunkRows) {
    this(file, columns, chunkRows, open(file));
  }

  /**
   * Reads only the lines in bytes {@code [range.start, range.end)} of the file, a share of a larger job
   * (see {@link JsonShares}); errors name lines by their number in the whole file.
   */
  public static JsonEventSource range(Path file, List<ColumnSpec> columns, int chunkRows, JsonShares.Share range) {
    try {
      FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
      long end = Math.min(range.end(), ch.size());
      InputStream bytes = Channels.newInputStream(ch.position(Math.min(range.start(), end)));
      InputStream bounded = new java.io.FilterInputStream(bytes) {
        private long left = end - Math.min(range.start(), end);

        @Override
        public int read() throws IOException {
          if (left <= 0) {
            return -1;
          }
          int b = super.read();
          if (b >= 0) {
            left--;
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          if (left <= 0) {
            return -1;
          }
          int n = super.read(buf, off, (int) Math.min(len, left));
          if (n > 0) {
            left -= n;
          }
          return n;
        }
      };
      BufferedReader reader = new BufferedReader(new InputStreamReader(bounded,
          StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)), 1 << 16);
      JsonEventSource s = new JsonEventSource(file, columns, chunkRows, reader);
      s.line = range.firstLine();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BufferedReader open(Path file) {
    try {
      return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonEventSource(Path file, List<ColumnSpec> columns, int chunkRows, BufferedReader in) {
    this.file = file;
    this.chunkRows = chunkRows;
    this.builder = new BatchBuilder(columns);
    this.collections = builder.collections();
    for (ColumnSpec c : columns) {
      wanted.computeIfAbsent(c.group(), g -> new HashMap<>()).put(c.field(), c);
    }
    this.in = in;
  }

  @Override
  public String name() {
    return file.toString();
  }

  @Override
  public Batch next() {
    try {
      String text;
      while (builder.rows() < chunkRows && (text = in.readLine()) != null) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        parseEvent(text);
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new BadDataException(file + ":" + (line + 1) + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return builder.rows() == 0 ? null : builder.build();
  }

  private void parseEvent(String text) throws IOException {
    int[] counts = new int[collections.size()];
    seen.clear();
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad("expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        Map<String, ColumnSpec> fields = wanted.get(name);
        if (fields == null) {
          p.skipChildren();
        } else if (t == JsonToken.START_OBJECT) {
          readObject(p, name, fields, -1);
        } else if (t == JsonToken.START_ARRAY) {
          int idx = collections.indexOf(name);
          if (idx < 0) {
            throw bad(name + " is a list, expected an object");
          }
          int n = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
              throw bad(name + "[" + n + "] is not an object");
            }
            readObject(p, name, fields, n);
            n++;
          }
          counts[idx] = n;
        } else if (t == JsonToken.VALUE_NULL && collections.contains(name)) {
          counts[collections.indexOf(name)] = 0; // a null collection is an empty one
        } else {
          throw bad(name + " has the wrong type");
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw bad("trailing characters after the event object");
      }
    } catch (JsonProcessingException e) {
      throw bad("malformed JSON (" + ParquetEventSource.oneLine(e.getOriginalMessage() == null ? e : new Exception(e.getOriginalMessage())) + ")");
    }
    // Every scalar column must have been seen exactly once per event; collections are checked per item.
    for (Map.Entry<String, Map<String, ColumnSpec>> g : wanted.entrySet()) {
      if (!collections.contains(g.getKey())) {
        for (ColumnSpec c : g.getValue().values()) {
          if (seen.getOrDefault(c.name(), 0) != 1) {
            throw bad("missing " + c.name());
          }
        }
      }
    }
    builder.endEvent(counts);
  }

  /** Reads one object's wanted fields; {@code item} is its index in a collection, or -1 for a group. */
  private void readObject(JsonParser p, String group, Map<String, ColumnSpec> fields, int item) throws IOException {
    int found = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      ColumnSpec c = fields.get(p.currentName());
      JsonToken t = p.nextToken();
      if (c == null) {
        p.skipChildren();
        continue;
      }
      String where = item < 0 ? c.name() : group + "[" + item + "]." + c.field();
      if (c.type() == ColumnType.FLOAT) {
        if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
          float v = (float) p.getDoubleValue();
          if (Float.isInfinite(v)) {
            // The columns are 32-bit floats; silently storing infinity would put the event in an overflow bin.
            throw bad(where + " = " + p.getText() + " is out of the range of a 32-bit float");
          }
          builder.addFloat(c.name(), v);
        } else if (t == JsonToken.VALUE_NULL) {
          builder.addFloat(c.name(), Float.NaN);
        } else {
          throw bad(where + " is not a number");
        }
      } else {
        if (t == JsonToken.VALUE_NUMBER_INT) {
          builder.addInt(c.name(), p.getIntValue());
        } else if (t == JsonToken.VALUE_NULL) {
          builder.addInt(c.name(), 0);
        } else {
          throw bad(where + " is not an integer");
        }
      }
      if (item < 0) {
        seen.merge(c.name(), 1, Integer::sum);
      }
      found++;
    }
    if (item >= 0 && found != fields.size()) {
      throw bad(group + "[" + item + "] does not have exactly the fields " + new java.util.TreeSet<>(fields.keySet()));
    }
  }

  private BadDataException bad(String what) {
    return new BadDataException(file + ":" + line + ": " + what);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // read-only file
    }
  }
}
