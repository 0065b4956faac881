package dev.weft.analysis.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple.Tuple2;
import org.junit.jupiter.api.Test;

/**
 * Two-lock critical sections over random pairs, walked by threads in opposite directions (the classic
 * deadlock recipe): every run must finish within its bound and lose no update on either lock.
 */
class LockPairProperties {
  static final int LOCKS = 6;

  @Provide
  Arbitrary<List<Tuple2<Integer, Integer>>> pairs() {
    Arbitrary<Integer> index = Arbitraries.integers().between(0, LOCKS - 1);
    return index.tuple2().list().ofMinSize(1).ofMaxSize(12);
  }

  @Property(tries = 25)
  void randomPairsNeverDeadlockAndLoseNothing(@ForAll("pairs") List<Tuple2<Integer, Integer>> pairs,
      @ForAll boolean forceTies, @ForAll boolean virtual) throws InterruptedException {
    Lock[] locks = new Lock[LOCKS];
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = i % 2 == 0 ? new BargingLock() : new ReentrantLock();
    }
    // Forcing ties sends every acquisition through the tie-breaking path, which identity hashes rarely reach.
    ToIntFunction<Object> key = forceTies ? o -> 7 : System::identityHashCode;
    long[] counters = new long[LOCKS];
    int threads = 4;
    int rounds = 300;
    Threads.runAll(threads, virtual, 60, t -> {
      for (int r = 0; r < rounds; r++) {
        for (int p = 0; p < pairs.size(); p++) {
          // Odd threads walk the list backwards and swap each pair: opposite orders everywhere.
          Tuple2<Integer, Integer> pair = pairs.get(t % 2 == 0 ? p : pairs.size() - 1 - p);
          int a = t % 2 == 0 ? pair.get1() : pair.get2();
          int b = t % 2 == 0 ? pair.get2() : pair.get1();
          try (LockPair held = LockPair.lock(locks[a], locks[b], key)) {
            counters[a]++;
            if (b != a) {
              counters[b]++;
            }
          }
        }
      }
    });
    long[] expected = new long[LOCKS];
    for (Tuple2<Integer, Integer> pair : pairs) {
      expected[pair.get1()] += (long) threads * rounds;
      if (!pair.get1().equals(pair.get2())) {
        expected[pair.get2()] += (long) threads * rounds;
      }
    }
    for (int i = 0; i < LOCKS; i++) {
      assertEquals(expected[i], counters[i], "updates under lock " + i);
    }
  }

  @Test
  void theSameNonReentrantLockTwiceIsTakenOnce() {
    BargingLock lock = new BargingLock();
    try (LockPair held = LockPair.lock(lock, lock)) {
      assertEquals(BargingLock.LOCKED, lock.state());
    }
    assertEquals(0, lock.state());
  }

  @Test
  void closingTwiceReleasesOnce() {
    BargingLock a = new BargingLock();
    BargingLock b = new BargingLock();
    LockPair held = LockPair.lock(a, b);
    held.close();
    held.close();
    assertEquals(0, a.state());
    assertEquals(0, b.state());
  }
}
