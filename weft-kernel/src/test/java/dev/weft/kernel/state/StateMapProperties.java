package dev.weft.kernel.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StateMapProperties {
  record K(int space, long key) {}

  @Property(tries = 200)
  void behavesLikeAHashMapAndHashIsOrderIndependent(
      @ForAll @Size(max = 400) List<@IntRange(min = 0, max = 300) Integer> keys,
      @ForAll @Size(max = 400) List<Long> values) {
    StateMap map = StateMap.empty();
    Map<K, Long> model = new HashMap<>();
    StateMap snapshot = null;
    Map<K, Long> snapshotModel = null;
    for (int i = 0; i < keys.size(); i++) {
      int k = keys.get(i);
      long v = values.isEmpty() ? i : values.get(i % values.size());
      map = map.put(k % 3, k, v);
      model.put(new K(k % 3, k), v);
      if (i == keys.size() / 2) {
        snapshot = map;
        snapshotModel = new HashMap<>(model);
      }
    }
    assertEquals(model.size(), map.size());
    long expectedHash = 0;
    for (var e : model.entrySet()) {
      assertEquals(e.getValue(), map.get(e.getKey().space(), e.getKey().key(), -7));
      expectedHash += StateMap.entryHash(e.getKey().space(), e.getKey().key(), e.getValue());
    }
    assertEquals(expectedHash, map.hash());
    assertEquals(-7, map.get(5, 12345, -7));
    if (snapshot != null) {
      assertEquals(snapshotModel.size(), snapshot.size(), "an old version is unchanged by later writes");
      for (var e : snapshotModel.entrySet()) {
        assertEquals(e.getValue(), snapshot.get(e.getKey().space(), e.getKey().key(), -7));
      }
    }
    // Rebuilding in another order gives the same hash.
    StateMap reversed = StateMap.empty();
    List<Map.Entry<K, Long>> entries = List.copyOf(model.entrySet());
    for (int i = entries.size() - 1; i >= 0; i--) {
      reversed = reversed.put(entries.get(i).getKey().space(), entries.get(i).getKey().key(), entries.get(i).getValue());
    }
    assertEquals(map.hash(), reversed.hash());
    int[] visited = new int[1];
    map.forEach((s, k, v) -> visited[0]++);
    assertEquals(model.size(), visited[0]);
  }

  /**
   * An editor's writes give the same map, sizes and hashes (after every write) as persistent puts, a second
   * editor continuing from the first's result too, and neither touches the map it started from.
   */
  @Property(tries = 200)
  void anEditorMatchesPersistentPutsAndLeavesItsBaseAlone(
      @ForAll @Size(max = 600) List<@IntRange(min = 0, max = 2000) Integer> keys,
      @ForAll @IntRange(min = 0, max = 600) int split) {
    StateMap base = StateMap.empty();
    for (int k = 0; k < 500; k += 3) {
      base = base.put(k % 2, k, k);
    }
    long baseHash = base.hash();
    int baseSize = base.size();
    StateMap persistent = base;
    StateMap.Editor editor = base.edit();
    StateMap middle = null;
    for (int i = 0; i < keys.size(); i++) {
      int k = keys.get(i);
      if (i == split) {
        StateMap.Editor first = editor;
        middle = first.done();
        assertThrows(IllegalStateException.class, () -> first.put(0, 0, 0));
        editor = middle.edit();
      }
      persistent = persistent.put(k % 2, k, i % 7);
      editor.put(k % 2, k, i % 7);
      assertEquals(persistent.hash(), editor.hash());
      assertEquals(persistent.get(k % 2, k, -1), editor.get(k % 2, k, -1));
    }
    long middleHash = middle == null ? 0 : middle.hash();
    StateMap edited = editor.done();
    assertEquals(persistent.size(), edited.size());
    assertEquals(persistent.hash(), edited.hash());
    for (int k = 0; k <= 2000; k++) {
      assertEquals(persistent.get(k % 2, k, -1), edited.get(k % 2, k, -1));
    }
    assertEquals(baseHash, base.hash(), "the base map is unchanged");
    assertEquals(baseSize, base.size());
    for (int k = 0; k < 500; k += 3) {
      assertEquals(k, base.get(k % 2, k, -1));
    }
    if (middle != null) {
      long[] sum = {0};
      middle.forEach((sp, k, v) -> sum[0] += StateMap.entryHash(sp, k, v));
      assertEquals(middleHash, sum[0], "a finished editor's map is not changed by the next editor");
    }
  }
}
