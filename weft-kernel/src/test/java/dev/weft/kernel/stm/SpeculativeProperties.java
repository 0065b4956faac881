package dev.weft.kernel.stm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.kernel.ledger.Ledger;
import dev.weft.kernel.ledger.Workload;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Transition;
import dev.weft.kernel.state.StateMap;
import dev.weft.runtime.pool.TaskPool;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class SpeculativeProperties {
  static TaskPool pool;

  // jqwik's own lifecycle: it runs properties without JUnit Jupiter's @BeforeAll/@AfterAll, which used to
  // leave the pool to a lazy start in each property and its eight threads running after the class.
  @BeforeContainer
  static void start() {
    pool = TaskPool.create(8);
  }

  @AfterContainer
  static void stop() {
    pool.close();
  }

  @Property(tries = 120)
  void stateHashAfterEveryEventEqualsSequential(
      @ForAll @LongRange(min = 2, max = 40) long accounts,
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 200) int window,
      @ForAll("threads") int threads,
      @ForAll @IntRange(min = 0, max = 7) int jobEvery) {
    Workload w = new Workload(accounts, 0, seed, jobEvery, 28);
    Ledger ledger = new Ledger();
    List<Event> events = new ArrayList<>();
    for (long s = 1; s <= 400; s++) {
      events.add(w.event(s));
    }
    // Sequential oracle.
    long[] expected = new long[events.size()];
    List<Integer> expectedEffects = new ArrayList<>();
    StateMap state = StateMap.empty();
    for (int i = 0; i < events.size(); i++) {
      var applied = Transition.apply(ledger, state, events.get(i));
      state = applied.state();
      expected[i] = state.hash();
      expectedEffects.add(applied.effects().size());
    }
    Speculative spec = new Speculative(ledger, pool, threads, 10.0, 0); // never fall back: test the STM itself
    long[] actual = new long[events.size()];
    List<Integer> actualEffects = new ArrayList<>();
    StateMap s = StateMap.empty();
    for (int from = 0; from < events.size(); from += window) {
      List<Event> part = events.subList(from, Math.min(events.size(), from + window));
      Speculative.Result r = spec.apply(s, part);
      System.arraycopy(r.hashes(), 0, actual, from, part.size());
      r.effects().forEach(e -> actualEffects.add(e.size()));
      s = r.state();
    }
    assertArrayEquals(expected, actual);
    assertEquals(expectedEffects, actualEffects);
    assertEquals(state.hash(), s.hash());
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> threads() {
    return net.jqwik.api.Arbitraries.of(1, 2, 8);
  }

  @Property(tries = 20)
  void fallbackToSequentialGivesTheSameResult(@ForAll long seed, @ForAll("threads") int threads) {
    Workload w = new Workload(2, 0, seed, 0, 28);
    Ledger ledger = new Ledger();
    List<Event> events = new ArrayList<>();
    for (long s = 1; s <= 300; s++) {
      events.add(w.event(s));
    }
    StateMap seq = StateMap.empty();
    for (Event e : events) {
      seq = Transition.applyIgnoringEffects(ledger, seq, e);
    }
    Speculative spec = new Speculative(ledger, pool, threads, 0.0, 1); // fall back at the first aborts
    StateMap s = StateMap.empty();
    for (int from = 0; from < events.size(); from += 50) {
      s = spec.apply(s, events.subList(from, from + 50)).state();
    }
    assertEquals(seq.hash(), s.hash());
  }

  /**
   * The cost-aware instance mixes timed sequential windows (probes, cool-downs) with speculative ones; the
   * hash after every event is the sequential one whichever it chose, and it did probe.
   */
  @Property(tries = 20)
  void costAwareMixOfWindowsGivesTheSameHashes(@ForAll long seed, @ForAll("threads") int threads,
      @ForAll @IntRange(min = 2, max = 1000) int accounts) {
    Workload w = new Workload(accounts, 0, seed, 5, 28);
    Ledger ledger = new Ledger();
    List<Event> events = new ArrayList<>();
    for (long s = 1; s <= 1200; s++) {
      events.add(w.event(s));
    }
    List<Long> expected = new ArrayList<>();
    StateMap seq = StateMap.empty();
    for (Event e : events) {
      seq = Transition.applyIgnoringEffects(ledger, seq, e);
      expected.add(seq.hash());
    }
    Speculative spec = Speculative.costAware(ledger, pool, threads);
    List<Long> actual = new ArrayList<>();
    StateMap s = StateMap.empty();
    for (int from = 0; from < events.size(); from += 30) {
      Speculative.Result r = spec.apply(s, events.subList(from, from + 30));
      for (long h : r.hashes()) {
        actual.add(h);
      }
      s = r.state();
    }
    assertEquals(expected, actual);
    assertTrue(spec.windowsSequentialForCost() >= 1, "the first window is a timed sequential probe");
  }
}
