package dev.weft.analysis.adl;

import dev.weft.analysis.hist.Histogram;
import dev.weft.runtime.io.OutputPaths;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

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

  /** The shortest decimal that reads back as the same double ({@code 10.0}, {@code 15.225}), never with an exponent. */
  static String plain(double d) {
    String s = Double.toString(d);
    return s.indexOf('E') < 0 ? s : BigDecimal.valueOf(d).toPlainString();
  }

  public static void writeCsv(Histogram h, Path file) throws IOException {
    OutputPaths.requireReplaceable(file);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(csv(h));
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
