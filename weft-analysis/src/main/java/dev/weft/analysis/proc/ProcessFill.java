package dev.weft.analysis.proc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.analysis.hist.Histogram;
import dev.weft.analysis.hist.HistogramCodec;
import dev.weft.analysis.io.EventFiles;
import dev.weft.analysis.io.JsonShares;
import dev.weft.analysis.io.ParquetEventSource;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.WeftException;
import dev.weft.runtime.worker.CallLimits;
import dev.weft.runtime.worker.WorkerOutcome;
import dev.weft.runtime.worker.WorkerPool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Parent side of the multiprocessing analogue: splits the work into one share per process, calls
 * {@link FillWorker} in each through the runtime's {@link WorkerPool}, and merges the histograms they send
 * back. The worker pool is the caller's (it owns the processes and closes them).
 */
public final class ProcessFill {
  private ProcessFill() {}

  /**
   * Where the time went.
   *
   * @param wallNanos from the first call sent to the last histogram merged
   * @param childComputeNanos the slowest child's own compute time (measured in the child)
   * @param decodeNanos parent time decoding and merging the returned histograms
   * @param bytesReturned serialized histogram bytes the children sent back
   */
  public record Timing(long wallNanos, long childComputeNanos, long decodeNanos, long bytesReturned) {
    /** Time neither computing in a child nor decoding: pipes, framing, JSON encoding in the child. */
    public long transferNanos() {
      return Math.max(0, wallNanos - childComputeNanos - decodeNanos);
    }
  }

  public record Outcome(Map<String, Histogram> histograms, long events, Timing timing) {}

  /** Starts {@code processes} workers and waits until each has answered once; returns the nanoseconds it took. */
  public static long warmUp(WorkerPool pool, int processes, CallLimits limits) throws InterruptedException {
    long t0 = System.nanoTime();
    List<ObjectNode> inputs = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      inputs.add(synthetic(0, 0, 0, 1, 0, 1));
    }
    callAll(pool, inputs, limits);
    return System.nanoTime() - t0;
  }

  /** Fills {@code n} synthetic values (seed) into a regular histogram, split evenly over {@code processes}. */
  public static Outcome synthetic(WorkerPool pool, int processes, long seed, long n, int bins, double lo, double hi,
      CallLimits limits) throws InterruptedException {
    List<ObjectNode> inputs = new ArrayList<>();
    for (int p = 0; p < processes; p++) {
      long from = n * p / processes;
      long to = n * (p + 1) / processes;
      inputs.add(synthetic(seed, from, to - from, bins, lo, hi));
    }
    return callAll(pool, inputs, limits);
  }

  private static ObjectNode synthetic(long seed, long offset, long count, int bins, double lo, double hi) {
    ObjectNode o = FillWorker.JSON.createObjectNode();
    o.put("task", "synthetic").put("seed", seed).put("offset", offset).put("count", count)
        .put("bins", bins).put("lo", lo).put("hi", hi);
    return o;
  }

  /**
   * Runs ADL queries over an event file split into contiguous shares, one per process: a Parquet file's
   * row groups, or a JSON-lines file's lines (byte ranges of whole lines, {@link JsonShares}).
   */
  public static Outcome adl(WorkerPool pool, int processes, Path file, String queries, CallLimits limits)
      throws InterruptedException {
    String lower = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (!lower.endsWith(".parquet")) {
      EventFiles.open(file, List.of()).close(); // the same checks and messages as the in-process path
      List<ObjectNode> inputs = new ArrayList<>();
      for (JsonShares.Share s : JsonShares.split(file, processes)) {
        ObjectNode o = FillWorker.JSON.createObjectNode();
        o.put("task", "adl-json").put("file", file.toAbsolutePath().toString()).put("queries", queries)
            .put("start", s.start()).put("end", s.end()).put("firstLine", s.firstLine());
        inputs.add(o);
      }
      return callAll(pool, inputs, limits);
    }
    int groups;
    try (ParquetEventSource s = ParquetEventSource.open(file, List.of())) {
      groups = s.rowGroups();
    }
    int shares = Math.max(1, Math.min(processes, groups));
    List<ObjectNode> inputs = new ArrayList<>();
    for (int p = 0; p < shares; p++) {
      int first = groups * p / shares;
      int last = groups * (p + 1) / shares;
      ObjectNode o = FillWorker.JSON.createObjectNode();
      o.put("task", "adl").put("file", file.toAbsolutePath().toString()).put("queries", queries)
          .put("first", first).put("groups", last - first);
      inputs.add(o);
    }
    return callAll(pool, inputs, limits);
  }

  private static Outcome callAll(WorkerPool pool, List<ObjectNode> inputs, CallLimits limits) throws InterruptedException {
    long t0 = System.nanoTime();
    List<CompletableFuture<WorkerOutcome>> calls = new ArrayList<>();
    for (ObjectNode in : inputs) {
      byte[] bytes;
      try {
        bytes = FillWorker.JSON.writeValueAsBytes(in);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      calls.add(pool.callAsync(FillWorker.NAME, bytes, limits));
    }
    Map<String, Histogram> merged = new LinkedHashMap<>();
    long events = 0;
    long slowest = 0;
    long decode = 0;
    long bytes = 0;
    try {
      for (CompletableFuture<WorkerOutcome> call : calls) {
        WorkerOutcome outcome = call.get();
        if (!(outcome instanceof WorkerOutcome.Success s)) {
          throw failure(outcome);
        }
        slowest = Math.max(slowest, s.elapsed().toNanos());
        bytes += s.output().length;
        long d0 = System.nanoTime();
        JsonNode out = FillWorker.JSON.readTree(s.output());
        events += out.path("events").asLong();
        for (Iterator<Map.Entry<String, JsonNode>> it = out.path("histograms").properties().iterator(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          Histogram h = HistogramCodec.fromBytes(FillWorker.JSON.writeValueAsBytes(e.getValue()), "worker result " + e.getKey());
          Histogram known = merged.putIfAbsent(e.getKey(), h);
          if (known != null) {
            known.merge(h);
          }
        }
        decode += System.nanoTime() - d0;
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("worker call failed: " + e.getCause(), e.getCause());
    } catch (IOException e) {
      throw new IllegalStateException("worker sent an unreadable result: " + e.getMessage(), e);
    } catch (InterruptedException | CancellationException e) {
      calls.forEach(c -> c.cancel(true));
      throw e;
    }
    return new Outcome(merged, events, new Timing(System.nanoTime() - t0, slowest, decode, bytes));
  }

  /** A child's bad-data error stays a bad-data error; anything else is an internal fault. */
  private static RuntimeException failure(WorkerOutcome o) {
    return switch (o) {
      case WorkerOutcome.Failed f when f.exceptionClass().equals(BadDataException.class.getName()) ->
          new BadDataException(f.message());
      case WorkerOutcome.Failed f when f.exceptionClass().equals(dev.weft.runtime.UsageException.class.getName()) ->
          new dev.weft.runtime.UsageException(f.message());
      case WorkerOutcome.Failed f -> new IllegalStateException("worker failed: " + f.exceptionClass() + ": " + f.message());
      case WorkerOutcome.TimedOut t -> new WeftException(1, "worker timed out after " + t.timeout());
      case WorkerOutcome.ResourceExceeded r -> new WeftException(1, "worker ran out of " + r.what());
      case WorkerOutcome.Crashed c -> new WeftException(1, "worker crashed (exit " + c.exitCode() + "): "
          + c.stderrTail().lines().reduce((a, b) -> b).orElse(""));
      case WorkerOutcome.Success s -> new IllegalStateException("not a failure");
    };
  }
}
