package dev.weft.cli.kernel;

import dev.weft.cli.bench.BenchOutput;
import dev.weft.kernel.Kernel;
import dev.weft.kernel.Restore;
import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.journal.Durability;
import dev.weft.kernel.journal.JournalReader;
import dev.weft.kernel.journal.JournalWriter;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.BusyWork;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Transition;
import dev.weft.kernel.state.StateMap;
import dev.weft.kernel.stm.Speculative;
import dev.weft.runtime.pool.TaskPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The kernel's benchmarks, behind both {@code weft kernel bench} and {@code weft bench kernel}: durable append,
 * replay read + CRC, replay with apply and hash checks, sequential vs speculative apply of the ledger, and
 * restart from snapshot + tail. Every figure is the median of {@code reps} runs measured here.
 */
public final class KernelBench {
  private final BenchOutput out;
  private final PrintWriter log;
  private final TaskPool pool;
  private final boolean quick;
  private final Path scratch;
  private final int reps;

  public KernelBench(BenchOutput out, PrintWriter log, TaskPool pool, boolean quick, Path scratch) {
    this.out = out;
    this.log = log;
    this.pool = pool;
    this.quick = quick;
    this.scratch = scratch;
    this.reps = quick ? 1 : 3;
  }

  /** Runs the selected ops (all when {@code ops} is empty). */
  public void run(List<String> ops) throws Exception {
    Files.createDirectories(scratch);
    boolean all = ops.isEmpty();
    try {
      if (all || ops.contains("append") || ops.contains("replay")) {
        appendAndReplay();
      }
      if (all || ops.contains("apply")) {
        apply();
      }
      if (all || ops.contains("live")) {
        live();
      }
      if (all || ops.contains("restart")) {
        restart();
      }
    } finally {
      deleteTree(scratch);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /**
   * The disk's flush latency, the bound on a writer that waits for each batch: {@code fdatasync} after each
   * 8 KiB write (64 records of 128 bytes) appended to a growing file, and written into a zero-filled
   * preallocated one (what the journal writer does).
   */
  private void fsyncLatency() throws IOException, InterruptedException {
    int writes = quick ? 200 : 1000;
    ByteBuffer block = ByteBuffer.allocateDirect(8192);
    for (boolean preallocated : new boolean[] {false, true}) {
      double[] micros = new double[reps];
      for (int r = 0; r < reps; r++) {
        Path file = scratch.resolve("fsync-probe");
        Files.deleteIfExists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          if (preallocated) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long p = 0; p < (long) writes * block.capacity(); ) {
              p += ch.write(zeros.clear(), p);
            }
            ch.force(true);
          }
          long t0 = System.nanoTime();
          for (int i = 0; i < writes; i++) {
            block.clear();
            ch.write(block, (long) i * block.capacity());
            ch.force(false);
          }
          micros[r] = (System.nanoTime() - t0) / 1e3 / writes;
        }
        Files.delete(file);
      }
      out.row("journal", "fsync-after-8k-write", 1).param("file", preallocated ? "preallocated" : "growing")
          .param("writes", writes).emit(median(micros), "us");
    }
    concurrentFlushes(writes);
  }

  /**
   * Flushes per second with 1, 2 and 4 flushes in flight on one preallocated file (each thread writes its
   * own 8 KiB blocks and forces): whether the disk overlaps flushes, i.e. whether a writer that kept
   * several batches' flushes in flight could beat one flush at a time. Plain threads, not the pool: they
   * only block in the kernel.
   */
  private void concurrentFlushes(int writes) throws IOException, InterruptedException {
    for (int inFlight : new int[] {1, 2, 4}) {
      double[] rates = new double[reps];
      for (int r = 0; r < reps; r++) {
        Path file = scratch.resolve("fsync-probe");
        Files.deleteIfExists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          long bytes = (long) writes * inFlight * 8192;
          ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
          for (long p = 0; p < bytes; ) {
            p += ch.write(zeros.clear(), p);
          }
          ch.force(true);
          java.util.concurrent.atomic.AtomicReference<IOException> failure = new java.util.concurrent.atomic.AtomicReference<>();
          List<Thread> threads = new ArrayList<>();
          long t0 = System.nanoTime();
          for (int t = 0; t < inFlight; t++) {
            int lane = t;
            threads.add(Thread.ofPlatform().name("fsync-probe-" + t).start(() -> {
              ByteBuffer block = ByteBuffer.allocateDirect(8192);
              try {
                for (int i = 0; i < writes; i++) {
                  ch.write(block.clear(), ((long) i * inFlight + lane) * 8192);
                  ch.force(false);
                }
              } catch (IOException e) {
                failure.set(e);
              }
            }));
          }
          for (Thread t : threads) {
            t.join();
          }
          if (failure.get() != null) {
            throw failure.get();
          }
          rates[r] = (double) writes * inFlight / ((System.nanoTime() - t0) / 1e9);
        }
        Files.delete(file);
      }
      out.row("journal", "fsyncs-in-flight", inFlight).param("file", "preallocated").param("in_flight", inFlight)
          .param("writes", (long) writes * inFlight).emit(median(rates), "flushes/s");
    }
  }

  private void appendAndReplay() throws Exception {
    fsyncLatency();
    long n = quick ? 100_000 : 1_000_000;
    byte[] body = new byte[128 - dev.weft.kernel.journal.RecordFormat.OVERHEAD];
    Path journal = null;
    for (Durability d : Durability.values()) {
      long count = d == Durability.FSYNC_EACH ? n / 200 : n; // one fsync per event: keep it short
      double[] rates = new double[reps];
      double[] perBatch = new double[reps];
      for (int r = 0; r < reps; r++) {
        Path dir = scratch.resolve("append-" + d + "-" + r);
        Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "bench/1");
        long t0 = System.nanoTime();
        try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0,
            JournalWriter.Options.defaults().withDurability(d).withBatch(64, 1000), seq -> { })) {
          for (long i = 1; i <= count; i++) {
            w.append(1, i, body);
          }
          w.awaitDurable(count);
          perBatch[r] = (double) count / w.batches();
        }
        rates[r] = count / ((System.nanoTime() - t0) / 1e9);
        if (d == Durability.FSYNC_BATCH && journal == null) {
          journal = dir;
        } else {
          deleteTree(dir);
        }
      }
      out.row("journal", "append", 1).param("durability", d.name().toLowerCase().replace('_', '-'))
          .param("batch", 64).param("mean_events_per_batch", Math.round(median(perBatch)))
          .param("event_bytes", 128).param("events", count).param("segments", "preallocated")
          .emit(median(rates), "events/s");
    }
    closedLoop(n / 10, body, 1);
    closedLoop(n / 10, body, 4);
    pipelinedBatches(n, body);
    Layout layout = Layout.read(journal);
    double[] rates = new double[reps + 1];
    for (int r = 0; r <= reps; r++) { // the first pass also warms the page cache
      long t0 = System.nanoTime();
      JournalReader.Scan scan = JournalReader.read(layout, 1, (seq, type, hash, b) -> { });
      rates[r] = scan.records() / ((System.nanoTime() - t0) / 1e9);
    }
    out.row("journal", "replay-read-crc", 1).param("event_bytes", 128).param("events", n)
        .emit(median(Arrays.copyOfRange(rates, 1, rates.length)), "events/s");
    deleteTree(journal);
  }

  /**
   * Closed loop: each of {@code clients} threads appends 64 events and waits until the last of them is
   * durable before appending more (one client: one flush in flight at a time, bounded by the flush latency;
   * several: their batches' flushes overlap). Batches are capped at 64 events.
   */
  private void closedLoop(long count, byte[] body, int clients) throws Exception {
    double[] rates = new double[reps];
    double[] perBatch = new double[reps];
    long perClient = count / clients / 64 * 64;
    for (int r = 0; r < reps; r++) {
      Path dir = scratch.resolve("append-closed-" + clients + "-" + r);
      Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "bench/1");
      java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
      long t0 = System.nanoTime();
      try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0,
          JournalWriter.Options.defaults().withBatch(64, 1000).withBatchLimit(64), seq -> { })) {
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          threads.add(Thread.ofPlatform().name("append-client-" + c).start(() -> {
            try {
              for (long i = 0; i < perClient; i += 64) {
                long last = 0;
                for (int j = 0; j < 64; j++) {
                  last = w.append(1, i + j, body);
                }
                w.awaitDurable(last);
              }
            } catch (Exception e) {
              failure.set(e);
            }
          }));
        }
        for (Thread t : threads) {
          t.join();
        }
        if (failure.get() != null) {
          throw failure.get();
        }
        rates[r] = perClient * clients / ((System.nanoTime() - t0) / 1e9);
        perBatch[r] = (double) perClient * clients / w.batches();
      }
      deleteTree(dir);
    }
    out.row("journal", "append-wait-each-batch", clients).param("durability", "fsync-batch").param("batch", 64)
        .param("batch_limit", 64).param("clients", clients)
        .param("mean_events_per_batch", Math.round(median(perBatch) * 100) / 100.0).param("event_bytes", 128)
        .param("events", perClient * clients).param("segments", "preallocated")
        .emit(median(rates), "events/s");
  }

  /**
   * The strict reading of "durable append at batch 64": every batch holds at most 64 events and gets its own
   * {@code fdatasync} (the batch limit), with 1, 2 and 4 flushes in flight. The appender does not wait, so
   * the rate is 64 events per flush times the flushes the disk completes per second.
   */
  private void pipelinedBatches(long n, byte[] body) throws Exception {
    long count = n / 2;
    for (int flushes : new int[] {1, 2, 4}) {
      double[] rates = new double[reps];
      double[] perBatch = new double[reps];
      for (int r = 0; r < reps; r++) {
        Path dir = scratch.resolve("append-limit-" + flushes + "-" + r);
        Layout.Epoch epoch = Layout.createEpoch(dir, 1, 1, "bench/1");
        long t0 = System.nanoTime();
        try (JournalWriter w = new JournalWriter(epoch.dir(), null, 0, 0, JournalWriter.Options.defaults()
            .withBatch(64, 1000).withBatchLimit(64).withFlushesInFlight(flushes), seq -> { })) {
          for (long i = 1; i <= count; i++) {
            w.append(1, i, body);
          }
          w.awaitDurable(count);
          rates[r] = count / ((System.nanoTime() - t0) / 1e9);
          perBatch[r] = (double) count / w.batches();
        }
        deleteTree(dir);
      }
      out.row("journal", "append-batch-limit", 1).param("durability", "fsync-batch").param("batch", 64)
          .param("batch_limit", 64).param("flushes_in_flight", flushes)
          .param("mean_events_per_batch", Math.round(median(perBatch) * 100) / 100.0)
          .param("event_bytes", 128).param("events", count).param("segments", "preallocated")
          .emit(median(rates), "events/s");
    }
  }

  private void apply() {
    Ledger ledger = new Ledger();
    log.printf("busy work: %d rounds per microsecond%n", BusyWork.roundsPerMicro());
    long[] accountCounts = {2, 10, 100, 1_000, 10_000};
    int[] works = {0, 10};
    int threads = pool.parallelism();
    for (int work : works) {
      for (long accounts : accountCounts) {
        int n = work == 0 ? (quick ? 100_000 : 1_000_000) : (quick ? 5_000 : 40_000);
        Workload w = new Workload(accounts, work, 1, 0, 28);
        List<Event> events = new ArrayList<>(n);
        for (long s = 1; s <= n; s++) {
          events.add(w.event(s));
        }
        double[] seqRates = new double[reps];
        long seqHash = 0;
        for (int r = 0; r < reps; r++) {
          long t0 = System.nanoTime();
          StateMap state = StateMap.empty();
          for (Event e : events) {
            state = Transition.applyIgnoringEffects(ledger, state, e);
          }
          seqRates[r] = n / ((System.nanoTime() - t0) / 1e9);
          seqHash = state.hash();
        }
        out.row("sequential", "apply", 1).param("accounts", accounts).param("work_us", work)
            .param("events", n).param("state_hash", Long.toHexString(seqHash)).emit(median(seqRates), "events/s");
        double[] parRates = new double[reps];
        long parHash = 0;
        long fellBack = 0;
        for (int r = 0; r < reps; r++) {
          Speculative spec = new Speculative(ledger, pool, threads);
          long t0 = System.nanoTime();
          StateMap state = StateMap.empty();
          int window = 10_000; // each window costs a wake-up of the pool workers, which is slow on a busy machine
          for (int from = 0; from < n; from += window) {
            state = spec.apply(state, events.subList(from, Math.min(n, from + window))).state();
          }
          parRates[r] = n / ((System.nanoTime() - t0) / 1e9);
          parHash = state.hash();
          fellBack = spec.windowsFellBack();
        }
        if (parHash != seqHash) {
          throw new IllegalStateException("speculative apply diverged from sequential: " + Long.toHexString(parHash)
              + " vs " + Long.toHexString(seqHash));
        }
        out.row("parallel", "apply", threads).param("accounts", accounts).param("work_us", work)
            .param("events", n).param("windows_fell_back", fellBack).param("state_hash", Long.toHexString(parHash))
            .emit(median(parRates), "events/s");
      }
    }
  }

  /**
   * The live kernel with micro-batches of 64 (the group-commit batch): one event at a time vs speculative
   * apply of each batch on the pool's threads; os-cache durability so the apply path, not the disk, is
   * measured. Also reports process CPU time per event (all threads, including GC), steadier than wall time on
   * a shared machine.
   */
  private void live() throws Exception {
    Ledger ledger = new Ledger();
    Computations computations = Computations.discover();
    for (int work : new int[] {0, 10}) {
      long n = work == 0 ? (quick ? 20_000 : 200_000) : (quick ? 5_000 : 40_000);
      Workload w = new Workload(10_000, work, 5, 0, 99);
      for (boolean speculate : new boolean[] {false, true}) {
        double[] rates = new double[reps];
        double[] cpu = new double[reps];
        long hash = 0;
        long fellBack = 0;
        for (int r = -1; r < reps; r++) { // r = -1 warms the JIT up and is not counted
          Path dir = scratch.resolve("live-" + work + "-" + speculate + "-" + r);
          Kernel.Config config = Kernel.Config.defaults()
              .withJournal(JournalWriter.Options.defaults().withDurability(Durability.OS_CACHE).withBatch(64, 1000))
              .withSnapshots(Long.MAX_VALUE / 2, 3_600_000)
              .withSpeculation(speculate ? pool.parallelism() : 0);
          long c0 = processCpuNanos();
          long t0 = System.nanoTime();
          try (Kernel k = Kernel.open(dir, ledger, config, pool, new PoolEffects(pool, computations), null,
              new Kernel.Listener() { }, computations)) {
            List<Event> batch = new ArrayList<>(64);
            for (long s = 1; s <= n; s++) {
              batch.add(w.event(s));
              if (batch.size() == 64 || s == n) {
                k.submitAllWithin(batch, Long.MAX_VALUE);
                batch.clear();
              }
            }
            hash = k.state().hash();
            fellBack = k.batchesFellBack();
          }
          if (r >= 0) {
            rates[r] = n / ((System.nanoTime() - t0) / 1e9);
            cpu[r] = (double) (processCpuNanos() - c0) / n;
          }
          deleteTree(dir);
        }
        out.row(speculate ? "speculative" : "sequential", "live-apply-batch64", speculate ? pool.parallelism() : 1)
            .param("accounts", 10_000).param("work_us", work).param("events", n)
            .param("cpu_ns_per_event", Math.round(median(cpu))).param("batches_fell_back", fellBack)
            .param("state_hash", Long.toHexString(hash)).emit(median(rates), "events/s");
      }
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private void restart() throws Exception {
    long n = quick ? 200_000 : 10_000_000;
    Path dir = scratch.resolve("restart");
    Ledger ledger = new Ledger();
    Computations computations = Computations.discover();
    Workload w = new Workload(10_000, 0, 3, 0, 99);
    Kernel.Config config = Kernel.Config.defaults()
        .withJournal(JournalWriter.Options.defaults().withDurability(Durability.OS_CACHE).withBatch(1024, 5000))
        .withSnapshots(n * 3 / 10, 3_600_000); // snapshots at 30, 60, 90 %: restart replays a 10 % tail
    log.printf("building a %,d-event ledger journal for the restart benchmark…%n", n);
    long t0 = System.nanoTime();
    try (Kernel k = Kernel.open(dir, ledger, config, pool, new PoolEffects(pool, computations), null,
        new Kernel.Listener() { }, computations)) {
      for (long s = 1; s <= n; s++) {
        k.submit(w.event(s));
      }
    }
    double build = (System.nanoTime() - t0) / 1e9;
    out.row("kernel", "live-append-os-cache", 1).param("accounts", 10_000).param("events", n)
        .emit(n / build, "events/s");
    double[] secs = new double[reps];
    double[] fullRates = new double[reps];
    double[] fullCpu = new double[reps];
    long tail = 0;
    for (int r = 0; r < reps; r++) {
      long s0 = System.nanoTime();
      Restore.Restored res = Restore.run(Layout.read(dir), ledger, computations, true, note -> { });
      secs[r] = (System.nanoTime() - s0) / 1e9;
      tail = res.replayed();
      long f0 = System.nanoTime();
      long c0 = processCpuNanos();
      Restore.Restored full = Restore.run(Layout.read(dir), ledger, computations, false, note -> { });
      fullRates[r] = full.replayed() / ((System.nanoTime() - f0) / 1e9);
      fullCpu[r] = (double) (processCpuNanos() - c0) / full.replayed();
    }
    out.row("sequential", "replay-apply-verify", 1).param("accounts", 10_000).param("events", n)
        .param("cpu_ns_per_event", Math.round(median(fullCpu))).emit(median(fullRates), "events/s");
    double[] parRates = new double[1]; // one repetition: a parallel replay of the whole history is long
    for (int r = 0; r < parRates.length; r++) {
      long f0 = System.nanoTime();
      Restore.Restored full = Restore.run(Layout.read(dir), ledger, computations, false, note -> { },
          Speculative.costAware(ledger, pool, pool.parallelism()));
      parRates[r] = full.replayed() / ((System.nanoTime() - f0) / 1e9);
    }
    out.row("parallel", "replay-apply-verify", pool.parallelism()).param("accounts", 10_000).param("events", n)
        .emit(median(parRates), "events/s");
    out.row("kernel", "restart-snapshot-plus-tail", 1).param("accounts", 10_000).param("events", n)
        .param("tail_events", tail).emit(median(secs), "s");
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
