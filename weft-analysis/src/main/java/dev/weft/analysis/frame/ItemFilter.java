package dev.weft.analysis.frame;

/** Keeps some items of a collection, e.g. jets with {@code |eta| < 1}; {@code item} is an absolute index. */
@FunctionalInterface
public interface ItemFilter {
  boolean test(Event e, int item);
}
