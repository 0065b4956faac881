package dev.weft.cli.kernel;

import dev.weft.cli.CliContext;
import dev.weft.cli.demo.DemoStep;
import dev.weft.kernel.Kernel;
import dev.weft.kernel.Restore;
import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Transition;
import dev.weft.kernel.state.StateMap;
import dev.weft.kernel.stm.Speculative;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The kernel's part of {@code weft demo}: journal a ledger with jobs, verify it, and apply it speculatively. */
public final class KernelDemo implements DemoStep {
  @Override
  public String title() {
    return "deterministic kernel";
  }

  @Override
  public void run(CliContext ctx, Path demoDir) throws Exception {
    PrintWriter out = ctx.out();
    Path dir = demoDir.resolve("kernel-journal");
    KernelBench.deleteTree(dir);
    Ledger ledger = new Ledger();
    Computations computations = Computations.discover();
    Workload w = new Workload(1000, 0, 1, 1000, 99);
    long n = 50_000;
    long t0 = System.nanoTime();
    try (Kernel k = Kernel.open(dir, ledger, Kernel.Config.defaults().withSnapshots(20_000, 60_000), ctx.pool(),
        new PoolEffects(ctx.pool(), computations), null, new Kernel.Listener() { }, computations)) {
      for (long s = 1; s <= n; s = k.submit(w.event(s)) + 1) {
        // each event is generated for the sequence number it gets
      }
      k.awaitEffects(30_000);
      out.printf("journaled %,d ledger events (1,000 accounts, a job with an effect every 1,000) in %.2f s,"
          + " fsync per batch of 64; last durable seq %d%n", n, (System.nanoTime() - t0) / 1e9, k.durableSeq());
    }
    Restore.Restored r = Restore.run(Layout.read(dir), ledger, computations, false, note -> { });
    out.printf("verified by replay: %,d events, state hash %016x checked after every one, %d referenced effect"
        + " results recomputed%n", r.replayed(), r.state().hash(), r.referencesChecked());
    Restore.Restored s = Restore.run(Layout.read(dir), ledger, computations, true, note -> { });
    out.printf("restart from snapshot at seq %d + %d tail events gives the same hash: %b%n", s.startedAfter(),
        s.replayed(), s.state().hash() == r.state().hash());
    List<Event> events = new ArrayList<>();
    Workload busy = new Workload(1000, 10, 2, 0, 28);
    for (long i = 1; i <= 20_000; i++) {
      events.add(busy.event(i));
    }
    // Two rounds, the first untimed: a fresh JVM runs the speculative scheduler in the interpreter and C1 for
    // its first second, which says nothing about either way of applying (`weft kernel bench` measures warm).
    double seqSecs = 0;
    double parSecs = 0;
    StateMap seq = StateMap.empty();
    StateMap par = StateMap.empty();
    for (int round = 0; round < 2; round++) {
      long q0 = System.nanoTime();
      seq = StateMap.empty();
      for (Event e : events) {
        seq = Transition.applyIgnoringEffects(ledger, seq, e);
      }
      seqSecs = (System.nanoTime() - q0) / 1e9;
      // A new scheduler per round, so the timed round starts without the first one's fallback state.
      Speculative spec = new Speculative(ledger, ctx.pool(), ctx.pool().parallelism());
      long p0 = System.nanoTime();
      par = StateMap.empty();
      for (int from = 0; from < events.size(); from += 5000) {
        par = spec.apply(par, events.subList(from, from + 5000)).state();
      }
      parSecs = (System.nanoTime() - p0) / 1e9;
    }
    out.printf("20,000 transfers of 10 µs each (second of two rounds): sequential %.2f s, speculative on %d"
        + " threads %.2f s (%.2fx), same state hash: %b%n", seqSecs, ctx.pool().parallelism(), parSecs, seqSecs / parSecs,
        seq.hash() == par.hash());
    out.printf("journal in %s; try: weft log show %s -n 5, weft log verify %s%n", dir, dir, dir);
    out.flush();
  }
}
