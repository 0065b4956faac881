package dev.weft.kernel.effect;

/**
 * Thrown by {@link Deadline#checkDeadline} to end a computation whose effect timed out or was cancelled. The
 * executor records the effect as timed out (never as a failure). No stack trace: it is control flow.
 */
public final class DeadlineExceededException extends RuntimeException {
  public DeadlineExceededException() {
    super("deadline exceeded", null, false, false);
  }
}
