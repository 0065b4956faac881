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
import dev.weft.kernel.machine.Handler;
import dev.weft.runtime.UsageException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weft kernel run}: append workload events to a journal, printing each durable batch. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Append workload events to the journal in --journal until it holds --events sequence numbers,",
        "printing 'durable SEQ' each time a batch becomes durable. Rerunning resumes where the journal ends",
        "(after truncating a torn tail); the event for each sequence number depends only on the options."})
public final class KernelRunCommand implements Callable<Integer> {
  @Option(names = "--journal", required = true, paramLabel = "DIR", description = "Journal directory (created if missing).")
  Path journal;

  @Option(names = "--workload", defaultValue = "ledger", description = "Workload: ledger (default).")
  String workload;

  @Option(names = "--accounts", defaultValue = "1000", description = "Ledger accounts (at least 2; default 1000).")
  long accounts;

  @Option(names = "--events", required = true, paramLabel = "N", description = "Run until the journal's last sequence number is N.")
  long events;

  @Option(names = "--work-us", defaultValue = "0", paramLabel = "US", description = "Busy work per transfer in microseconds (default 0).")
  int workMicros;

  @Option(names = "--jobs-every", defaultValue = "0", paramLabel = "K",
      description = "Every K-th event is a job emitting an effect (0 = no jobs, the default).")
  int jobEvery;

  @Option(names = "--job-placement", defaultValue = "pool", paramLabel = "WHERE",
      description = "Where jobs' effects run: pool (the shared task pool, default) or worker (warm child JVMs).")
  String placement;

  @Option(names = "--seed", defaultValue = "1", description = "Workload seed (default 1).")
  long seed;

  @Option(names = "--durability", defaultValue = "fsync-batch", paramLabel = "MODE",
      description = "fsync-each, fsync-batch (default) or os-cache; see docs/kernel.md for what each survives.")
  String durability;

  @Option(names = "--batch", defaultValue = "64", paramLabel = "B", description = "Group commit: flush after B events (default 64).")
  int batch;

  @Option(names = "--batch-delay-us", defaultValue = "1000", paramLabel = "T",
      description = "Group commit: flush after T microseconds even if the batch is not full (default 1000).")
  long batchDelay;

  @Option(names = "--snapshot-every", defaultValue = "100000", paramLabel = "N", description = "Snapshot every N events (default 100000).")
  long snapshotEvery;

  @Option(names = "--snapshot-seconds", defaultValue = "30", paramLabel = "S", description = "Snapshot at least every S seconds (default 30).")
  long snapshotSeconds;

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
    if (events < 0 || batch < 1 || batchDelay < 0 || snapshotEvery < 1 || workMicros < 0 || jobEvery < 0) {
      throw new UsageException("--events, --work-us and --jobs-every must be >= 0; --batch and --snapshot-every >= 1");
    }
    if (accounts < 2) {
      throw new UsageException("--accounts must be at least 2, got " + accounts);
    }
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
            .withBatch(batch, batchDelay))
        .withSnapshots(snapshotEvery, snapshotSeconds * 1000);
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
    long appended = 0;
    // Worker JVMs start only when the first isolated effect needs one.
    try (WorkerPool workers = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(cli.pool().parallelism()));
        Kernel kernel = Kernel.open(journal, handler, config, cli.pool(), new PoolEffects(cli.pool(), computations),
            new WorkerEffects(workers), listener, computations)) {
      var r = kernel.restored();
      if (!cli.quiet() && !cli.json() && r.lastSeq() > 0) {
        cli.err().printf("weft: resuming after seq %d (snapshot at %d + %d events replayed)%n",
            r.lastSeq(), r.startedAfter(), r.replayed());
      }
      long seq = r.lastSeq() + 1;
      while (seq <= events) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException();
        }
        // Outcome events of effects may take sequence numbers in between; each workload event is generated
        // for the number it is expected to get, and the loop continues after the one it really got.
        seq = kernel.submit(w.event(seq)) + 1;
        appended++;
      }
      if (!kernel.awaitEffects(60_000) && !cli.quiet()) {
        cli.err().println("weft: " + kernel.pendingEffects() + " effects still running after 60 s; they are re-released on the next run");
      }
      kernel.close();
      double secs = (System.nanoTime() - start) / 1e9;
      String hash = Long.toHexString(kernel.state().hash());
      if (cli.json()) {
        cli.printJson(Map.of("appended", appended, "last_seq", kernel.durableSeq(), "state_hash", hash,
            "seconds", secs));
      } else if (!cli.quiet()) {
        cli.err().printf("weft: appended %d events in %.2f s; last seq %d; state hash %s%n", appended, secs,
            kernel.durableSeq(), hash);
      }
    }
    return 0;
  }
}
