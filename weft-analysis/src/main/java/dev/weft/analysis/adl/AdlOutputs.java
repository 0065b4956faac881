package dev.weft.analysis.adl;

import dev.weft.analysis.hist.Histogram;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.SortedMap;

/** The CSV form of a query result: header {@code x,y}, one row per non-empty bin, sorted by bin centre. */
public final class AdlOutputs {
  private AdlOutputs() {}

  public static String csv(Histogram h) {
    StringBuilder sb = new StringBuilder("x,y\n");
    for (Map.Entry<Double, Long> e : h.nonEmptyCounts().entrySet()) {
      sb.append(plain(e.getKey())).append(',').append(e.getValue()).append('\n');
    }
    return sb.toString();
  }

  /** The shortest decimal that reads back as the same double, without an exponent. */
  static String plain(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  public static void writeCsv(Histogram h, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(csv(h));
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Bin centre to count, as the CSV has it. */
  public static SortedMap<Double, Long> counts(Histogram h) {
    return h.nonEmptyCounts();
  }
}
