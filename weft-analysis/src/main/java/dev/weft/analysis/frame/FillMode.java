package dev.weft.analysis.frame;

import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * How threads fill a booked histogram.
 *
 * <ul>
 *   <li>{@code per-thread} (default): each pool thread fills its own copy, allocated by that thread (so in
 *       its own allocation buffer, never sharing a cache line with another thread's copy); copies are
 *       merged once at the end.
 *   <li>{@code atomic}: one shared histogram with atomic bins.
 *   <li>{@code locked-*}: one shared histogram, every fill under a lock: {@code synchronized},
 *       {@code ReentrantLock} unfair or fair, weft's {@code BargingLock}, or any {@link Lock} the caller
 *       supplies.
 * </ul>
 *
 * <p>Filling in child processes is not a mode of the in-process dataframe (lambdas cannot cross a
 * process boundary); see {@code dev.weft.analysis.adl.AdlWorker}.
 */
public record FillMode(String name, Kind kind, Supplier<Lock> locks) {
  public enum Kind {
    PER_THREAD,
    ATOMIC,
    SYNCHRONIZED,
    LOCK
  }

  public FillMode {
    Objects.requireNonNull(name);
    Objects.requireNonNull(kind);
    if ((kind == Kind.LOCK) != (locks != null)) {
      throw new IllegalArgumentException("a lock supplier goes with the LOCK kind only");
    }
  }

  public static FillMode perThread() {
    return new FillMode("per-thread", Kind.PER_THREAD, null);
  }

  public static FillMode atomic() {
    return new FillMode("atomic", Kind.ATOMIC, null);
  }

  public static FillMode synchronizedLock() {
    return new FillMode("locked-synchronized", Kind.SYNCHRONIZED, null);
  }

  public static FillMode reentrant() {
    return new FillMode("locked-reentrant", Kind.LOCK, () -> new ReentrantLock(false));
  }

  public static FillMode fair() {
    return new FillMode("locked-fair", Kind.LOCK, () -> new ReentrantLock(true));
  }

  /** A shared histogram under weft's parking-lot lock (barging, hand-off to a waiter after 1 ms). */
  public static FillMode weftLock() {
    return new FillMode("locked-weft", Kind.LOCK, dev.weft.analysis.lock.BargingLock::new);
  }

  /** The in-process modes by name, for command lines and benchmarks. */
  public static java.util.List<FillMode> all() {
    return java.util.List.of(perThread(), atomic(), synchronizedLock(), reentrant(), fair(), weftLock());
  }

  /** The mode called {@code name} (see {@link #all()}), or empty. */
  public static java.util.Optional<FillMode> byName(String name) {
    return all().stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** A shared histogram under locks made by {@code locks} (one lock per histogram). */
  public static FillMode locked(String name, Supplier<Lock> locks) {
    return new FillMode(name, Kind.LOCK, locks);
  }
}
