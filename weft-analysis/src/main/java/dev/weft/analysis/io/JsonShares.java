package dev.weft.analysis.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a JSON-lines file into contiguous byte ranges of whole lines, one per process of the
 * multiprocessing fill mode (the analogue of Parquet row groups, which JSON lines do not have). Finding the
 * line starts needs no JSON parsing, only one pass over the bytes counting newlines, so that each share
 * also knows how many lines come before it and errors still name the line of the whole file.
 */
public final class JsonShares {
  /** Bytes {@code [start, end)} of the file, starting after {@code firstLine} lines (a line start). */
  public record Share(long start, long end, long firstLine) {}

  private JsonShares() {}

  /**
   * At most {@code shares} non-empty shares of about equal size: the split points are the first line
   * starts at or after {@code size * k / shares}. A file with fewer lines than shares gives fewer shares.
   */
  public static List<Share> split(Path file, int shares) {
    if (shares < 1) {
      throw new IllegalArgumentException("shares must be >= 1, got " + shares);
    }
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      List<Share> out = new ArrayList<>();
      long start = 0;
      long startLine = 0;
      int k = 1; // next split point: size * k / shares
      long target = shares > 1 ? size / shares : Long.MAX_VALUE;
      long pos = 0;
      long lines = 0;
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            lines++;
            long lineStart = pos + i + 1;
            // The first line start at or after the target ends the current share.
            if (lineStart >= target && lineStart < size) {
              if (lineStart > start) {
                out.add(new Share(start, lineStart, startLine));
                start = lineStart;
                startLine = lines;
              }
              while (k < shares && size * k / shares <= lineStart) {
                k++;
              }
              target = k < shares ? size * k / shares : Long.MAX_VALUE;
            }
          }
        }
        pos += n;
      }
      if (size > start || out.isEmpty()) {
        out.add(new Share(start, size, startLine));
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
