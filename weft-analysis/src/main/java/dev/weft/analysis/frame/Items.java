package dev.weft.analysis.frame;

/**
 * A handle to one property of every item of a collection ({@code Jet.pt}): read with
 * {@link Event#get(Items, int)} for item indices from {@link Event#begin(Collection)} to
 * {@link Event#end(Collection)}.
 */
public final class Items {
  final String name;
  final boolean isFloat;
  final int slot;
  final Collection collection;

  Items(String name, boolean isFloat, int slot, Collection collection) {
    this.name = name;
    this.isFloat = isFloat;
    this.slot = slot;
    this.collection = collection;
  }

  public Collection collection() {
    return collection;
  }

  public String name() {
    return name;
  }
}
