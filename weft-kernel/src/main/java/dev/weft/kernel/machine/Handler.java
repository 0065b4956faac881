package dev.weft.kernel.machine;

/**
 * The application's deterministic event handler. It must be a pure function of (state, event): no clocks,
 * randomness, I/O or mutable fields; the same calls on {@link Txn} for the same reads. The kernel relies on
 * this to replay, verify state hashes and execute speculatively in parallel.
 */
public interface Handler {
  /** A name and version recorded in every journal epoch, e.g. {@code ledger/1}. */
  String code();

  void apply(Txn txn, Event event);
}
