package dev.weft.analysis.hist;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.runtime.BadDataException;
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
    if (o.path("version").asInt() != VERSION) {
      throw new BadDataException(what + ": unsupported histogram format version " + o.path("version"));
    }
    try {
      JsonNode axes = o.path("axes");
      if (!axes.isArray() || axes.size() < 1 || axes.size() > 2) {
        throw new IllegalArgumentException("needs one or two axes");
      }
      Axis x = axis(axes.get(0));
      Axis y = axes.size() == 2 ? axis(axes.get(1)) : null;
      boolean weighted = switch (o.path("storage").asText()) {
        case "int" -> false;
        case "weighted" -> true;
        default -> throw new IllegalArgumentException("storage must be int or weighted");
      };
      String name = o.path("name").asText("histogram");
      String title = o.path("title").asText("");
      Histogram h = y == null
          ? (weighted ? Histogram.weighted(name, title, x) : Histogram.of(name, title, x))
          : Histogram.of2D(name, title, x, y, weighted);
      int n = h.size();
      if (weighted) {
        h.addRaw(null, doubles(o.path("sumw"), n, "sumw"), doubles(o.path("sumw2"), n, "sumw2"));
      } else {
        JsonNode c = o.path("counts");
        if (!c.isArray() || c.size() != n) {
          throw new IllegalArgumentException("counts must have " + n + " entries");
        }
        long[] counts = new long[n];
        for (int i = 0; i < n; i++) {
          if (!c.get(i).canConvertToLong() || !c.get(i).isIntegralNumber()) {
            throw new IllegalArgumentException("counts[" + i + "] is not an integer");
          }
          counts[i] = c.get(i).asLong();
        }
        h.addRaw(counts, null, null);
      }
      return h;
    } catch (IllegalArgumentException e) {
      throw new BadDataException(what + ": invalid histogram (" + e.getMessage() + ")");
    }
  }

  private static double[] doubles(JsonNode a, int n, String what) {
    if (!a.isArray() || a.size() != n) {
      throw new IllegalArgumentException(what + " must have " + n + " entries");
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      if (!a.get(i).isNumber()) {
        throw new IllegalArgumentException(what + "[" + i + "] is not a number");
      }
      d[i] = a.get(i).asDouble();
    }
    return d;
  }

  private static Axis axis(JsonNode a) {
    String title = a.path("title").asText("");
    String unit = a.path("unit").asText("");
    return switch (a.path("type").asText()) {
      case "regular" -> new RegularAxis(a.path("bins").asInt(), a.path("lo").asDouble(), a.path("hi").asDouble(), title, unit);
      case "adl" -> new AdlAxis(a.path("lo").asDouble(), a.path("hi").asDouble(), a.path("bins").asInt(), title, unit);
      case "variable" -> {
        JsonNode e = a.path("edges");
        if (!e.isArray()) {
          throw new IllegalArgumentException("variable axis needs edges");
        }
        yield new VariableAxis(doubles(e, e.size(), "edges"), title, unit);
      }
      default -> throw new IllegalArgumentException("unknown axis type '" + a.path("type").asText() + "'");
    };
  }
}
