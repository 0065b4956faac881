package dev.weft.kernel.machine;

import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.state.StateMap;
import java.util.List;

/** The result of applying one event: the next state and the effects it requested, in order. */
public record Applied(StateMap state, List<EffectRequest> effects) {
  public Applied {
    effects = List.copyOf(effects);
  }
}
