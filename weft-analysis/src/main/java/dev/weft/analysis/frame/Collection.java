package dev.weft.analysis.frame;

/** A handle to a jagged collection ({@code Jet}, {@code Muon}): its per-event item ranges. */
public final class Collection {
  final String name;
  final int slot;

  Collection(String name, int slot) {
    this.name = name;
    this.slot = slot;
  }

  public String name() {
    return name;
  }
}
