package dev.weft.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.kernel.effect.Computations;
import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.effect.PoolEffects;
import dev.weft.kernel.effect.WorkerEffects;
import dev.weft.kernel.journal.Layout;
import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.machine.OutcomeEvent;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.worker.WorkerPool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerEffectsTest {
  @TempDir
  Path dir;

  @Test
  void isolatedEffectsReturnValuesAndTimeoutsKillTheWorkerTree() throws Exception {
    Ledger ledger = new Ledger();
    Computations computations = Computations.discover();
    try (TaskPool pool = TaskPool.create(2);
        WorkerPool workers = WorkerPool.create(WorkerPool.Config.defaults().withMaxWorkers(2))) {
      try (Kernel k = Kernel.open(dir, ledger, Kernel.Config.defaults(), pool, new PoolEffects(pool, computations),
          new WorkerEffects(workers), new Kernel.Listener() { }, computations)) {
        k.submit(Ledger.job(1, 100, 20_000, EffectRequest.Placement.WORKER, EffectRequest.ResultMode.REFERENCE, new byte[16]));
        k.submit(Ledger.job(2, Integer.MAX_VALUE, 1500, EffectRequest.Placement.WORKER, EffectRequest.ResultMode.INLINE, new byte[16]));
        assertTrue(k.awaitEffects(40_000), "effects finished");
        long summary = k.state().get(Ledger.OUTCOMES, 256, 0);
        assertTrue(summary != 0 && summary != -1 && summary != -2 && summary != -3, "a value summary: " + summary);
        assertEquals(-2, k.state().get(Ledger.OUTCOMES, 2 * 256, 0), "timed out");
      }
      assertEquals(1, workers.metrics().timedOut());
      // The timed-out worker was killed with its tree: only the healthy worker (if any) is still alive.
      // Polled: the pool waits only 150 ms for a killed worker to exit, and until this JVM's reaper thread
      // has reaped it a killed child still counts as alive, which on a loaded machine can take longer.
      // Unkilled, the timed-out worker would hash on (Integer.MAX_VALUE rounds) until the pool closes.
      long deadline = System.nanoTime() + 30_000_000_000L;
      long children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
      while (children > workers.metrics().live() && System.nanoTime() - deadline < 0) {
        Thread.sleep(10);
        children = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
      }
      assertTrue(children <= workers.metrics().live(), "no orphaned worker processes: " + children);
    }
    List<String> kinds = new ArrayList<>();
    dev.weft.kernel.journal.JournalReader.read(Layout.read(dir), 1, (seq, type, hash, body) -> {
      if (type == dev.weft.kernel.machine.Event.OUTCOME) {
        byte[] b = new byte[body.remaining()];
        body.get(b);
        kinds.add(OutcomeEvent.decode(new dev.weft.kernel.machine.Event(type, b)).recorded().getClass().getSimpleName());
      }
    });
    assertEquals(List.of("Reference", "TimedOut"), kinds.stream().sorted().toList());
    Restore.Restored r = Restore.run(Layout.read(dir), ledger, computations, false, s -> { });
    assertEquals(1, r.referencesChecked(), "the referenced value was recomputed on replay");
  }
}
