package dev.weft.kernel.machine;

/**
 * One event: a type (0..255; {@link #OUTCOME} and above are the kernel's own) and an opaque body the
 * handler decodes. Time, randomness and I/O results enter the state machine only as event bodies.
 * The body array is owned by the event and never modified after construction.
 */
public record Event(int type, byte[] body) {
  /** The kernel's event carrying an effect's outcome (see {@code dev.weft.kernel.effect.OutcomeEvent}). */
  public static final int OUTCOME = 250;

  public Event {
    if (type < 0 || type > 255) {
      throw new IllegalArgumentException("event type must be 0..255, got " + type);
    }
  }
}
