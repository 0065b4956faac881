package dev.weft.cli.kernel;

import dev.weft.cli.CliContext;
import dev.weft.kernel.Kernel;
import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.effect.WorkerEffects;
import dev.weft.runtime.worker.WorkerPool;
import dev.weft.kernel.journal.Durability;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Handler;
import dev.weft.runtime.UsageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft kernel run}: append workload events to a journal, printing each durable batch. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Append workload events until the journal's last sequence number is --events.",
        "Prints 'durable SEQ' each time a batch becomes durable. Rerunning resumes",
        "where the journal ends (after truncating a torn tail); the event for each",
        "sequence number depends only on the options. Effect outcomes take sequence",
        "numbers too, so an event is admitted only if its outcome and those of all",
        "pending effects still fit, and effects an earlier run left pending (Ctrl-C)",
        "are released only as far as their outcomes fit: the run never goes past",
        "--events, and ends short of it when a job's outcome cannot fit."})
public final class KernelRunCommand implements Callable<Integer> {
  @Option(names = "--journal", required = true, paramLabel = "DIR", description = "Journal directory (created if missing).")
  Path journal;

  @Option(names = "--workload", defaultValue = "ledger", paramLabel = "NAME", description = "Workload: ledger (default).")
  String workload;

  @Option(names = "--accounts", defaultValue = "1000", paramLabel = "N", description = "Ledger accounts (at least 2; default 1000).")
  long accounts;

  @Option(names = "--events", required = true, paramLabel = "N", description = "Run until the journal's last sequence number is N (never past it).")
  long events;

  @Option(names = "--work-us", defaultValue = "0", paramLabel = "US", description = "Busy work per transfer in microseconds (default 0).")
  int workMicros;

  @Option(names = "--jobs-every", defaultValue = "0", paramLabel = "K",
      description = "Every K-th event is a job emitting an effect (0 = no jobs, the default).")
  int jobEvery;

  @Option(names = "--job-placement", defaultValue = "pool", paramLabel = "WHERE",
      description = "Where jobs' effects run: pool (the shared task pool, default) or worker (warm child JVMs).")
  String placement;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED", description = "Workload seed (default 1).")
  long seed;

  @Option(names = "--durability", defaultValue = "fsync-batch", paramLabel = "MODE",
      description = "fsync-each, fsync-batch (default) or os-cache; see docs/kernel.md for what each survives.")
  String durability;

  @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Group commit: flush after B events (default 64).")
  int batch;

  @Option(names = "--batch-delay-us", defaultValue = "1000", paramLabel = "T",
      description = "Group commit: flush after T microseconds even if the batch is not full (default 1000).")
  long batchDelay;

  @Option(names = "--flushes-in-flight", defaultValue = "4", paramLabel = "F",
      description = "fsync-batch: keep up to F batches' fdatasyncs in flight at once, each batch reported durable"
          + " when a flush started after its write returns (default 4; 1 = one flush at a time).")
  int flushesInFlight;

  @Option(names = "--snapshot-every", defaultValue = "100000", paramLabel = "N", description = "Snapshot every N events (default 100000).")
  long snapshotEvery;

  @Option(names = "--snapshot-seconds", defaultValue = "30", paramLabel = "S", description = "Snapshot at least every S seconds (default 30).")
  long snapshotSeconds;

  @Option(names = "--parallel",
      description = "Apply each micro-batch (up to --batch events) speculatively with Block-STM on --threads"
          + " workers, committing in order; the journal is identical to a sequential run. Pays off only for"
          + " events with real work; falls back to sequential when slower.")
  boolean parallel;

  @Option(names = "--bail-retries", defaultValue = "3", paramLabel = "N",
      description = "Retry an effect that bailed (worker crash, I/O fault) up to N times (default 3).")
  int bailRetries;

  @Option(names = "--bail-backoff-ms", defaultValue = "100", paramLabel = "MS",
      description = "Wait MS before the first retry of a bailed effect, twice as long before each next (default 100).")
  long bailBackoff;

  @Option(names = "--bail-backoff-max-ms", defaultValue = "5000", paramLabel = "MS",
      description = "Longest wait between retries of a bailed effect (default 5000).")
  long bailBackoffMax;

  @Spec
  CommandSpec spec;

  static Durability parseDurability(String s) {
    return switch (s) {
      case "fsync-each" -> Durability.FSYNC_EACH;
      case "fsync-batch" -> Durability.FSYNC_BATCH;
      case "os-cache" -> Durability.OS_CACHE;
      default -> throw new UsageException("--durability must be fsync-each, fsync-batch or os-cache, got " + s);
    };
  }

  @Override
  public Integer call() throws Exception {
    CliContext cli = CliContext.of(spec);
    Checks.atLeast("--events", events, 0);
    Checks.atLeast("--accounts", accounts, 2);
    Checks.atLeast("--work-us", workMicros, 0);
    Checks.atLeast("--jobs-every", jobEvery, 0);
    Checks.atLeast("--batch", batch, 1);
    Checks.atLeast("--batch-delay-us", batchDelay, 0);
    Checks.atLeast("--flushes-in-flight", flushesInFlight, 1);
    Checks.atMost("--flushes-in-flight", flushesInFlight, 64);
    Checks.atLeast("--snapshot-every", snapshotEvery, 1);
    Checks.atLeast("--snapshot-seconds", snapshotSeconds, 1);
    Checks.atLeast("--bail-retries", bailRetries, 0);
    Checks.atLeast("--bail-backoff-ms", bailBackoff, 0);
    Checks.atLeast("--bail-backoff-max-ms", bailBackoffMax, bailBackoff);
    Handler handler = Handlers.forWorkload(workload);
    EffectRequest.Placement where = switch (placement) {
      case "pool" -> EffectRequest.Placement.POOL;
      case "worker" -> EffectRequest.Placement.WORKER;
      default -> throw new UsageException("--job-placement must be pool or worker, got " + placement);
    };
    Workload w = new Workload(accounts, workMicros, seed, jobEvery, 99, where);
    PrintWriter out = cli.out();
    Kernel.Config config = Kernel.Config.defaults()
        .withJournal(JournalWriter.Options.defaults().withDurability(parseDurability(durability))
            .withBatch(batch, batchDelay).withFlushesInFlight(flushesInFlight))
        .withSnapshots(snapshotEvery, snapshotSeconds * 1000)
        .withBails(new Kernel.BailPolicy(bailRetries, bailBackoff, bailBackoffMax))
        .withSpeculation(parallel ? cli.pool().parallelism() : 0)
        .withLastSeq(events);
    Computations computations = Computations.discover();
    Kernel.Listener listener = new Kernel.Listener() {
      @Override
      public void durable(long seq) {
        synchronized (out) {
          if (cli.json()) {
            cli.printJson(Map.of("durable", seq));
          } else {
            out.println("durable " + seq);
            out.flush();
          }
        }
      }

      @Override
      public void note(String line) {
        if (!cli.quiet()) {
          cli.err().println("weft: " + line);
          cli.err().flush();
        }
      }
    };
    long start = System.nanoTime();
    // The kernel is closed before the worker pool (resources close in reverse order), so effects still
    // queued for workers are left pending quietly instead of each failing with "worker pool is closed".
    try (WorkerPool workers = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(cli.pool().parallelism()));
        Kernel kernel = Kernel.open(journal, handler, config, cli.pool(), new PoolEffects(cli.pool(), computations),
            new WorkerEffects(workers), listener, computations)) {
      var r = kernel.restored();
      if (!cli.quiet() && !cli.json() && r.lastSeq() > 0) {
        cli.err().printf("weft: resuming after seq %d (snapshot at %d + %d events replayed)%n",
            r.lastSeq(), r.startedAfter(), r.replayed());
      }
      Appended a = appendUpTo(kernel, w);
      kernel.awaitEffects(60_000); // effects still pending after that are reported by close()
      kernel.close();
      long outcomes = kernel.lastSeq() - r.lastSeq() - a.events();
      double secs = (System.nanoTime() - start) / 1e9;
      String hash = Long.toHexString(kernel.state().hash());
      if (cli.json()) {
        cli.printJson(Map.of("events", a.events(), "outcomes", outcomes, "last_seq", kernel.durableSeq(),
            "target_seq", events, "state_hash", hash, "seconds", secs, "parallel", parallel,
            "batches_fell_back", kernel.batchesFellBack()));
      } else if (!cli.quiet()) {
        if (kernel.heldBackEffects() > 0) {
          cli.err().printf("weft: %d effects left pending by an earlier run were not released: their outcomes"
              + " would land past --events %d%n", kernel.heldBackEffects(), events);
        }
        if (a.refusedJob() > 0) {
          cli.err().printf("weft: stopped short of --events %d: after seq %d, the outcomes of pending effects"
              + " (or of the job at %d) would land past it%n", events, a.refusedJob() - 1, a.refusedJob());
        }
        cli.err().printf("weft: appended %d workload events and %d effect outcomes in %.2f s; last seq %d;"
            + " state hash %s%n", a.events(), outcomes, secs, kernel.durableSeq(), hash);
      }
    }
    return 0;
  }

  /** What {@link #appendUpTo} did: workload events appended, and the seq whose event was refused (0 if none). */
  private record Appended(long events, long refusedJob) {}

  /**
   * Appends workload events until the journal's last seq is {@code --events}, never past it: a job is admitted
   * only if the outcomes of every pending effect and of its own still fit (see {@link Kernel#submitWithin}).
   * A refused job waits for the outcomes in flight; if it still does not fit, the run ends short of N.
   */
  private Appended appendUpTo(Kernel kernel, Workload w) throws InterruptedException {
    long appended = 0;
    long seq = kernel.lastSeq() + 1;
    while (seq <= events) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      // Outcome events of effects may take sequence numbers in between; each workload event is generated
      // for the number it is expected to get, and the loop continues after the one it really got.
      if (parallel) {
        // A micro-batch: the events one group commit would take, applied speculatively as one window.
        List<Event> window = new ArrayList<>(batch);
        for (long s = seq; s <= events && window.size() < batch; s++) {
          window.add(w.event(s));
        }
        Kernel.Appended a = kernel.submitAllWithin(window, events);
        if (a.count() > 0) {
          appended += a.count();
          seq = a.firstSeq() + a.count();
          continue;
        }
      } else {
        long got = kernel.submitWithin(w.event(seq), events);
        if (got > 0) {
          appended++;
          seq = got + 1;
          continue;
        }
      }
      if (kernel.pendingEffects() == kernel.heldBackEffects() || !kernel.awaitEffects(60_000)) {
        return new Appended(appended, seq);
      }
      seq = kernel.lastSeq() + 1;
    }
    return new Appended(appended, 0);
  }
}
