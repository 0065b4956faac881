package dev.weft.analysis.io;

import dev.weft.analysis.columnar.ColumnSpec;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Opens an event file by its extension: {@code .parquet}, or {@code .jsonl}/{@code .json} (JSON lines). */
public final class EventFiles {
  /** Events per chunk for formats without natural chunks (JSON lines). */
  public static final int JSON_CHUNK_ROWS = 16_384;

  private EventFiles() {}

  public static EventSource open(Path file, List<ColumnSpec> columns) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException(file + ": no such file");
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".parquet")) {
      return ParquetEventSource.open(file, columns);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
      return new JsonEventSource(file, columns, JSON_CHUNK_ROWS);
    }
    throw new BadDataException(file + ": unknown event file type (expected .parquet or .jsonl)");
  }
}
