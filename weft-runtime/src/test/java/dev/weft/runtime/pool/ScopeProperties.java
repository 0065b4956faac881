package dev.weft.runtime.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Scopes give the sequential answer whatever the thread count. */
class ScopeProperties {
  private static TaskPool one;
  private static TaskPool two;
  private static TaskPool eight;

  @BeforeContainer
  static void pools() {
    one = TaskPool.create(1);
    two = TaskPool.create(2);
    eight = TaskPool.create(8);
  }

  @AfterContainer
  static void close() {
    one.close();
    two.close();
    eight.close();
  }

  /** A mix that depends on every bit of the input and on its position. */
  private static long mix(long x, int i) {
    long z = x * 0x9E3779B97F4A7C15L + i;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 31);
  }

  /** Each chunk is hashed in its own child; nested chunks split again; results combine in fork order. */
  private static long hashInScopes(TaskPool pool, List<Long> values, int chunk) {
    try (Scope scope = pool.openScope()) {
      List<Task<Long>> parts = new ArrayList<>();
      for (int from = 0; from < values.size(); from += chunk) {
        int start = from;
        List<Long> slice = values.subList(from, Math.min(values.size(), from + chunk));
        parts.add(scope.fork(() -> {
          if (slice.size() > 4) {
            return hashInScopes(pool, slice, Math.max(1, slice.size() / 3)) ^ start;
          }
          long h = start;
          for (int i = 0; i < slice.size(); i++) {
            h = h * 31 + mix(slice.get(i), start + i);
          }
          return h;
        }));
      }
      scope.join();
      long h = 17;
      for (Task<Long> p : parts) {
        h = h * 1_000_003 + p.join();
      }
      return h;
    }
  }

  @Property(tries = 60)
  void sameResultAtOneTwoAndEightThreads(@ForAll @Size(max = 300) List<Long> values, @ForAll @IntRange(min = 1, max = 40) int chunk) {
    long at1 = one.submit(() -> hashInScopes(one, values, chunk)).join();
    long at2 = two.submit(() -> hashInScopes(two, values, chunk)).join();
    long at8 = hashInScopes(eight, values, chunk); // from outside the pool too
    assertEquals(at1, at2);
    assertEquals(at1, at8);
  }
}
