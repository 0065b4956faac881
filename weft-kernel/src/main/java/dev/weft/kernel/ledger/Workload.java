package dev.weft.kernel.ledger;

import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.machine.Event;
import java.util.SplittableRandom;

/**
 * Generates the ledger workload deterministically: the event for sequence number {@code seq} depends only on
 * the parameters and {@code seq}, so a run that stops can resume at the next sequence number and produce
 * exactly what an uninterrupted run would have.
 *
 * @param accounts number of accounts (2 means every transfer conflicts with every other)
 * @param workMicros busy work per transfer
 * @param jobEvery every this many events is a job emitting an effect (0 = never)
 * @param bodyBytes transfer body size (events are {@code bodyBytes + 29} bytes in the journal)
 * @param placement where jobs' effects run
 */
public record Workload(long accounts, int workMicros, long seed, int jobEvery, int bodyBytes,
    EffectRequest.Placement placement) {
  public Workload {
    if (accounts < 2) {
      throw new IllegalArgumentException("the ledger needs at least 2 accounts, got " + accounts);
    }
  }

  /** Jobs' effects on the shared pool. */
  public Workload(long accounts, int workMicros, long seed, int jobEvery, int bodyBytes) {
    this(accounts, workMicros, seed, jobEvery, bodyBytes, EffectRequest.Placement.POOL);
  }

  public Event event(long seq) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + seq);
    if (jobEvery > 0 && seq % jobEvery == 0) {
      byte[] input = new byte[32];
      r.nextBytes(input);
      return Ledger.job(seq, 1000, 10_000, placement,
          EffectRequest.ResultMode.values()[(int) (seq / jobEvery % 3)], input);
    }
    long from = r.nextLong(accounts);
    long to = r.nextLong(accounts - 1);
    if (to >= from) {
      to++;
    }
    return Ledger.transfer(from, to, 1 + r.nextLong(100), workMicros, bodyBytes);
  }
}
