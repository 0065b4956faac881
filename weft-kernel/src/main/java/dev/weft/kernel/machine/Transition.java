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

  /**
   * Applies {@code event} through {@code editor} (writes change the editor's map in place; see
   * {@link StateMap#edit}) and returns its effects. For replay, where only the final map and the hash after
   * each event are needed. If the handler throws, the editor holds the event's partial writes.
   */
  public static List<EffectRequest> applyInPlace(Handler handler, StateMap.Editor editor, Event event) {
    Editing txn = new Editing(editor);
    handler.apply(txn, event);
    return txn.effects == null ? List.of() : txn.effects;
  }

  /** Writes into an editor. */
  private static final class Editing implements Txn {
    final StateMap.Editor editor;
    List<EffectRequest> effects;

    Editing(StateMap.Editor editor) {
      this.editor = editor;
    }

    @Override
    public long get(int space, long key, long absent) {
      return editor.get(space, key, absent);
    }

    @Override
    public void put(int space, long key, long value) {
      editor.put(space, key, value);
    }

    @Override
    public void emit(EffectRequest effect) {
      if (effects == null) {
        effects = new ArrayList<>(2);
      }
      effects.add(effect);
    }
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
