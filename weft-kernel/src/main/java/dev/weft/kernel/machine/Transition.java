package dev.weft.kernel.machine;

import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.state.StateMap;
import java.util.ArrayList;
import java.util.List;

/** The pure step {@code apply(state, event) -> (state', effects)} over a {@link Handler}. */
public final class Transition {
  private Transition() {}

  public static Applied apply(Handler handler, StateMap state, Event event) {
    Sequential txn = new Sequential(state);
    handler.apply(txn, event);
    return new Applied(txn.state, txn.effects == null ? List.of() : txn.effects);
  }

  /** Applies without collecting effects (replay that does not need them): no allocation beyond the map's. */
  public static StateMap applyIgnoringEffects(Handler handler, StateMap state, Event event) {
    Sequential txn = new Sequential(state);
    handler.apply(txn, event);
    return txn.state;
  }

  /** Writes straight into successive persistent maps; reads see the latest. */
  private static final class Sequential implements Txn {
    StateMap state;
    List<EffectRequest> effects;

    Sequential(StateMap state) {
      this.state = state;
    }

    @Override
    public long get(int space, long key, long absent) {
      return state.get(space, key, absent);
    }

    @Override
    public void put(int space, long key, long value) {
      state = state.put(space, key, value);
    }

    @Override
    public void emit(EffectRequest effect) {
      if (effects == null) {
        effects = new ArrayList<>(2);
      }
      effects.add(effect);
    }
  }
}
