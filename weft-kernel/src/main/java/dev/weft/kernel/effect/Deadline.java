package dev.weft.kernel.effect;

import java.time.Duration;

/**
 * When an effect's computation must be done by. Java cannot stop a thread that runs trusted code, so a pool
 * effect's timeout is cooperative: at the deadline the outcome is journaled as timed out and the task is
 * interrupted, and the thread returns to the pool when the computation next calls {@link #checkDeadline}
 * (or otherwise notices the interrupt). A computation that runs long should call it in its loop; it costs a
 * clock read and an interrupt-flag read.
 */
public final class Deadline {
  /** No time limit (replay recomputing a reference); {@link #checkDeadline} still honours interruption. */
  public static final Deadline NONE = new Deadline(0, false);

  private final long atNanos;
  private final boolean bounded;

  private Deadline(long atNanos, boolean bounded) {
    this.atNanos = atNanos;
    this.bounded = bounded;
  }

  /** The deadline {@code timeout} from now. */
  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos(), true);
  }

  /** True once the deadline has passed. */
  public boolean passed() {
    return bounded && System.nanoTime() - atNanos >= 0;
  }

  /**
   * Throws {@link DeadlineExceededException} if the deadline has passed or the thread was interrupted (the
   * effect was cancelled); otherwise returns at once.
   */
  public void checkDeadline() {
    if (Thread.currentThread().isInterrupted() || passed()) {
      throw new DeadlineExceededException();
    }
  }
}
