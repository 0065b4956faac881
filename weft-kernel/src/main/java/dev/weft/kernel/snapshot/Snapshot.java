package dev.weft.kernel.snapshot;

import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.state.StateMap;
import java.util.SortedMap;

/**
 * The state after event {@code seq} and the effects requested up to then whose outcomes were not yet
 * journaled (so a restart can re-release them and replay can recompute referenced values).
 */
public record Snapshot(long seq, StateMap state, SortedMap<EffectKey, EffectRequest> pending) {
  /** Effect {@code index} of the event at {@code originSeq}. */
  public record EffectKey(long originSeq, int index) implements Comparable<EffectKey> {
    @Override
    public int compareTo(EffectKey o) {
      int c = Long.compare(originSeq, o.originSeq);
      return c != 0 ? c : Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
      return "effect " + index + " of event " + originSeq;
    }
  }
}
