package dev.weft.analysis.hist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.io.OutputPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The histogram file format ({@code .hist.json}, docs/formats/weft-hist.md): a JSON object with
 * {@code format: "weft-hist"}, {@code version: 1}, name, title, axes and the storage arrays (flow bins
 * included, x fastest). Also the byte form child processes send back. Written and read with Jackson.
 */
public final class HistogramCodec {
  public static final String FORMAT = "weft-hist";
  public static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private HistogramCodec() {}

  public static byte[] toBytes(Histogram h) {
    try {
      return JSON.writeValueAsBytes(toJson(h));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ObjectNode toJson(Histogram h) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("version", VERSION);
    o.put("name", h.name());
    o.put("title", h.title());
    ArrayNode axes = o.putArray("axes");
    axes.add(axisJson(h.x()));
    if (h.y() != null) {
      axes.add(axisJson(h.y()));
    }
    o.put("storage", h.isWeighted() ? "weighted" : "int");
    if (h.isWeighted()) {
      ArrayNode w = o.putArray("sumw");
      for (double d : h.rawSumw()) {
        w.add(d);
      }
      ArrayNode w2 = o.putArray("sumw2");
      for (double d : h.rawSumw2()) {
        w2.add(d);
      }
    } else {
      ArrayNode c = o.putArray("counts");
      for (long l : h.rawCounts()) {
        c.add(l);
      }
    }
    return o;
  }

  private static ObjectNode axisJson(Axis a) {
    ObjectNode o = JSON.createObjectNode();
    switch (a) {
      case RegularAxis r -> {
        o.put("type", "regular");
        o.put("bins", r.bins());
        o.put("lo", r.lo());
        o.put("hi", r.hi());
      }
      case VariableAxis v -> {
        o.put("type", "variable");
        ArrayNode e = o.putArray("edges");
        for (double d : v.edges()) {
          e.add(d);
        }
      }
      case AdlAxis d -> {
        o.put("type", "adl");
        o.put("bins", d.n());
        o.put("lo", d.lo());
        o.put("hi", d.hi());
      }
    }
    o.put("title", a.title());
    o.put("unit", a.unit());
    return o;
  }

  /** Writes {@code h} to {@code file} via a temporary name and a rename. */
  public static void write(Histogram h, Path file) throws IOException {
    OutputPaths.requireReplaceable(file);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(h)));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static Histogram read(Path file) throws IOException {
    return fromBytes(Files.readAllBytes(file), file.toString());
  }

  /** Decodes a histogram; {@code what} names the source in error messages. */
  public static Histogram fromBytes(byte[] bytes, String what) {
    JsonNode o;
    try {
      o = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new BadDataException(what + ": not a histogram file (malformed JSON: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
    }
    if (o == null || !FORMAT.equals(o.path("format").asText())) {
      throw new BadDataException(what + ": not a histogram file (no \"format\": \"" + FORMAT + "\")");
    }
    JsonNode version = o.path("version");
    if (!version.isIntegralNumber() || !version.canConvertToInt() || version.asInt() != VERSION) {
      throw new BadDataException(what + ": unsupported histogram format version " + version);
    }
    try {
      JsonNode axes = o.path("axes");
      if (!axes.isArray() || axes.size() < 1 || axes.size() > 2) {
        throw new IllegalArgumentException("needs one or two axes");
      }
      boolean weighted = switch (o.path("storage").asText()) {
        case "int" -> false;
        case "weighted" -> true;
        default -> throw new IllegalArgumentException("storage must be int or weighted");
      };
      // Everything a hostile file could use to make us allocate is checked against the file's own
      // arrays before anything is allocated: the axes' sizes are computed in long arithmetic and the
      // storage arrays must already have that many entries (so memory stays proportional to the input).
      Axis x = axis(axes.get(0), "axes[0]");
      Axis y = axes.size() == 2 ? axis(axes.get(1), "axes[1]") : null;
      long n = (long) x.size() * (y == null ? 1 : y.size());
      String name = o.path("name").asText("histogram");
      String title = o.path("title").asText("");
      if (weighted) {
        double[] sumw = doubles(o.path("sumw"), n, "sumw");
        double[] sumw2 = doubles(o.path("sumw2"), n, "sumw2");
        for (int i = 0; i < sumw2.length; i++) {
          if (sumw2[i] < 0) {
            throw new IllegalArgumentException("sumw2[" + i + "] is negative (" + sumw2[i] + ")");
          }
        }
        Histogram h = newHistogram(name, title, x, y, true);
        h.addRaw(null, sumw, sumw2);
        return h;
      }
      JsonNode c = o.path("counts");
      checkLength(c, n, "counts");
      long[] counts = new long[(int) n];
      for (int i = 0; i < counts.length; i++) {
        JsonNode v = c.get(i);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
          throw new IllegalArgumentException("counts[" + i + "] is not an integer");
        }
        counts[i] = v.asLong();
        if (counts[i] < 0) {
          throw new IllegalArgumentException("counts[" + i + "] is negative (" + counts[i] + ")");
        }
      }
      Histogram h = newHistogram(name, title, x, y, false);
      h.addRaw(counts, null, null);
      return h;
    } catch (IllegalArgumentException e) {
      throw new BadDataException(what + ": invalid histogram (" + e.getMessage() + ")");
    }
  }

  private static Histogram newHistogram(String name, String title, Axis x, Axis y, boolean weighted) {
    if (y == null) {
      return weighted ? Histogram.weighted(name, title, x) : Histogram.of(name, title, x);
    }
    return Histogram.of2D(name, title, x, y, weighted);
  }

  private static void checkLength(JsonNode a, long n, String what) {
    if (!a.isArray()) {
      throw new IllegalArgumentException(what + " must be an array of " + n + " entries");
    }
    if (a.size() != n) {
      throw new IllegalArgumentException(what + " must have " + n + " entries, has " + a.size());
    }
  }

  /** The array's numbers, which must be finite and exactly {@code n} of them. */
  private static double[] doubles(JsonNode a, long n, String what) {
    checkLength(a, n, what);
    double[] d = new double[(int) n];
    for (int i = 0; i < d.length; i++) {
      if (!a.get(i).isNumber()) {
        throw new IllegalArgumentException(what + "[" + i + "] is not a number");
      }
      d[i] = a.get(i).asDouble();
      if (!Double.isFinite(d[i])) {
        throw new IllegalArgumentException(what + "[" + i + "] is not finite");
      }
    }
    return d;
  }

  private static int bins(JsonNode a, String where) {
    JsonNode b = a.path("bins");
    if (!b.isIntegralNumber() || !b.canConvertToInt() || b.asInt() < 1 || b.asInt() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(where + ": bins must be a positive integer, got " + b);
    }
    return b.asInt();
  }

  private static double number(JsonNode a, String field, String where) {
    JsonNode v = a.path(field);
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw new IllegalArgumentException(where + ": " + field + " must be a finite number, got " + v);
    }
    return v.asDouble();
  }

  private static Axis axis(JsonNode a, String where) {
    String title = a.path("title").asText("");
    String unit = a.path("unit").asText("");
    try {
      return switch (a.path("type").asText()) {
        case "regular" -> new RegularAxis(bins(a, where), number(a, "lo", where), number(a, "hi", where), title, unit);
        case "adl" -> new AdlAxis(number(a, "lo", where), number(a, "hi", where), bins(a, where), title, unit);
        case "variable" -> {
          JsonNode e = a.path("edges");
          if (!e.isArray()) {
            throw new IllegalArgumentException("variable axis needs edges");
          }
          yield new VariableAxis(doubles(e, e.size(), "edges"), title, unit);
        }
        default -> throw new IllegalArgumentException("unknown axis type '" + a.path("type").asText() + "'");
      };
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }
}
