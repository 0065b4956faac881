package dev.weft.store.oci;

import dev.weft.runtime.limit.DeclaredLimit;
import dev.weft.runtime.limit.LimitDeclarations;
import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.TaskPool;
import java.util.List;

/** The named limits this module asks the task pool's {@code Limits} for, so {@code --limit} knows them. */
public final class StoreLimits implements LimitDeclarations {
  @Override
  public List<DeclaredLimit> limits() {
    return List.of(new DeclaredLimit("store.import.layers", "layers oci import splits at once"),
        new DeclaredLimit("store.import.threads",
            "threads oci import keeps busy, layer readers included (default: --threads)"),
        new DeclaredLimit("store.import.bytes", "bytes of layer data oci import buffers at once"));
  }

  /**
   * The import's thread permits (default: the pool's threads): each layer's reader holds one while it
   * splits, and a pool thread works for a layer only while it holds one, so reader and helpers together
   * stay within the count.
   */
  public static NamedLimit importThreads(TaskPool pool) {
    return pool.limits().limit("store.import.threads", pool.parallelism());
  }
}
