package dev.weft.ec.codec;

/** Fewer than k shards survive, so nothing can be rebuilt. Callers turn it into a user-facing message. */
public final class TooManyErasuresException extends IllegalStateException {
  private final int lost;

  public TooManyErasuresException(int k, int m, int lost) {
    super(lost + " of " + (k + m) + " shards lost, more than the " + m + " parity shards can recover");
    this.lost = lost;
  }

  public int lost() {
    return lost;
  }
}
