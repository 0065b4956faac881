package dev.weft.store.oci;

import dev.weft.runtime.limit.DeclaredLimit;
import dev.weft.runtime.limit.LimitDeclarations;
import java.util.List;

/** The named limits this module asks the task pool's {@code Limits} for, so {@code --limit} knows them. */
public final class StoreLimits implements LimitDeclarations {
  @Override
  public List<DeclaredLimit> limits() {
    return List.of(new DeclaredLimit("store.import.layers", "layers oci import splits at once"),
        new DeclaredLimit("store.import.bytes", "bytes of layer data oci import buffers at once"));
  }
}
