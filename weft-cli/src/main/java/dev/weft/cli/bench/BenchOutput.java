package dev.weft.cli.bench;

import dev.weft.cli.CliContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints benchmark measurements: with {@code --json} one JSON object per line with at least {@code bench},
 * {@code impl}, {@code op}, {@code threads}, {@code value}, {@code unit} and every parameter under its own
 * key; otherwise one aligned human-readable line per measurement.
 */
public final class BenchOutput {
  private final CliContext cli;
  private final String bench;

  public BenchOutput(CliContext cli, String bench) {
    this.cli = cli;
    this.bench = bench;
  }

  /** Starts a row; parameters are added with {@link Row#param} and it is printed by {@link Row#emit}. */
  public Row row(String impl, String op, int threads) {
    return new Row(impl, op, threads);
  }

  /** One measurement. */
  public final class Row {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Row(String impl, String op, int threads) {
      fields.put("bench", bench);
      fields.put("impl", impl);
      fields.put("op", op);
      fields.put("threads", threads);
    }

    public Row param(String key, Object value) {
      fields.put(key, value);
      return this;
    }

    /** Prints the row with its measured value. */
    public void emit(double value, String unit) {
      fields.put("value", value);
      fields.put("unit", unit);
      if (cli.json()) {
        cli.printJson(fields);
      } else {
        StringBuilder line = new StringBuilder();
        fields.forEach((k, v) -> {
          if (!k.equals("value") && !k.equals("unit") && !k.equals("bench")) {
            line.append(k).append('=').append(v).append("  ");
          }
        });
        line.append(String.format("%,.3f %s", value, unit));
        cli.out().println(line);
        cli.out().flush();
      }
    }
  }
}
