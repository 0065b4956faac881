package dev.weft.runtime.pool;

import dev.weft.runtime.limit.LimitMetrics;
import java.util.List;

/**
 * A snapshot of a {@link TaskPool}.
 *
 * @param parallelism worker threads
 * @param active tasks running now
 * @param queued tasks submitted and not yet started
 * @param completed tasks the workers have finished (returned, thrown or found cancelled) so far
 * @param limits every named limit and byte budget created so far, by name
 */
public record PoolMetrics(int parallelism, int active, int queued, long completed, List<LimitMetrics> limits) {
  public PoolMetrics {
    limits = List.copyOf(limits);
  }
}
