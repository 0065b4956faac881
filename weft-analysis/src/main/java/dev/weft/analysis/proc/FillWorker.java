package dev.weft.analysis.proc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.analysis.adl.AdlQueries;
import dev.weft.analysis.frame.DataFrame;
import dev.weft.analysis.frame.FillMode;
import dev.weft.analysis.frame.Result;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.HistogramCodec;
import dev.weft.analysis.hist.RegularAxis;
import dev.weft.analysis.io.EventFiles;
import dev.weft.analysis.io.JsonEventSource;
import dev.weft.analysis.io.JsonShares;
import dev.weft.analysis.io.ParquetEventSource;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.worker.WorkerFunction;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code analysis.fill}, run inside a worker process. Input and output are JSON (Jackson):
 * <ul>
 *   <li>{@code {"task":"synthetic","seed":S,"offset":O,"count":N,"bins":B,"lo":L,"hi":H}}: fills N
 *       synthetic values (see {@link Synthetic}) into a regular histogram;
 *   <li>{@code {"task":"adl","file":F,"queries":"all","first":G,"groups":K}}: runs ADL queries over row
 *       groups G..G+K-1 of a Parquet file on one thread;
 *   <li>{@code {"task":"adl-json","file":F,"queries":"all","start":A,"end":B,"firstLine":L}}: runs ADL
 *       queries over the whole lines in bytes A..B-1 of a JSON-lines file (see {@link JsonShares}).
 * </ul>
 * The output is {@code {"histograms":{id: <weft-hist JSON>}, "events": n}}.
 */
public final class FillWorker implements WorkerFunction {
  public static final String NAME = "analysis.fill";
  static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] apply(byte[] input) throws Exception {
    JsonNode in = JSON.readTree(input);
    ObjectNode out = JSON.createObjectNode();
    ObjectNode hists = out.putObject("histograms");
    switch (in.path("task").asText()) {
      case "synthetic" -> {
        Histogram h = Histogram.of("fill", "synthetic fill",
            new RegularAxis(in.path("bins").asInt(), in.path("lo").asDouble(), in.path("hi").asDouble(), "x", ""));
        long count = in.path("count").asLong();
        long offset = in.path("offset").asLong();
        double[] buf = new double[(int) Math.min(count, 1 << 20)];
        for (long done = 0; done < count; done += buf.length) {
          int n = (int) Math.min(buf.length, count - done);
          double[] part = n == buf.length ? buf : new double[n];
          Synthetic.values(in.path("seed").asLong(), offset + done, h.x().lower(1), h.x().upper(h.x().size() - 2), part);
          for (double v : part) {
            h.fill(v);
          }
        }
        hists.set("fill", HistogramCodec.toJson(h));
        out.put("events", count);
      }
      case "adl" -> {
        Path file = Path.of(in.path("file").asText());
        int first = in.path("first").asInt();
        int groups = in.path("groups").asInt();
        try (TaskPool pool = TaskPool.create(1)) {
          DataFrame df = DataFrame.over(cols -> ParquetEventSource.open(file, cols, first, groups), pool,
              FillMode.perThread(), ProgressListener.NONE);
          Map<String, Result<Histogram>> booked = AdlQueries.book(df, AdlQueries.parse(in.path("queries").asText("all")));
          out.put("events", df.run());
          booked.forEach((id, r) -> hists.set(id, HistogramCodec.toJson(r.get())));
        }
      }
      case "adl-json" -> {
        Path file = Path.of(in.path("file").asText());
        JsonShares.Share share = new JsonShares.Share(in.path("start").asLong(), in.path("end").asLong(),
            in.path("firstLine").asLong());
        try (TaskPool pool = TaskPool.create(1)) {
          DataFrame df = DataFrame.over(cols -> JsonEventSource.range(file, cols, EventFiles.JSON_CHUNK_ROWS, share), pool,
              FillMode.perThread(), ProgressListener.NONE);
          Map<String, Result<Histogram>> booked = AdlQueries.book(df, AdlQueries.parse(in.path("queries").asText("all")));
          out.put("events", df.run());
          booked.forEach((id, r) -> hists.set(id, HistogramCodec.toJson(r.get())));
        }
      }
      default -> throw new IllegalArgumentException("unknown analysis.fill task '" + in.path("task").asText() + "'");
    }
    return JSON.writeValueAsBytes(out);
  }
}
