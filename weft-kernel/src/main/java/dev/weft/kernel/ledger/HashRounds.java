package dev.weft.kernel.ledger;

import dev.weft.kernel.effect.BlobStore;
import dev.weft.kernel.effect.Computation;
import dev.weft.kernel.effect.Deadline;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The jobs' computation: SHA-256 applied {@code rounds} times to the input (rounds = the input's first 4
 * bytes, big-endian), returning the last digest repeated to 1 KiB. Deterministic; a negative round count
 * throws (a deterministic failure), and a huge one runs into the effect's timeout.
 */
public final class HashRounds implements Computation, dev.weft.runtime.worker.WorkerFunction {
  public static final String NAME = "ledger.hash-rounds";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte[] apply(byte[] input) throws Exception {
    return apply(input, Deadline.NONE);
  }

  @Override
  public byte[] apply(byte[] input, Deadline deadline) {
    int rounds = ByteBuffer.wrap(input).getInt();
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds must be >= 0, got " + rounds);
    }
    byte[] d = Arrays.copyOfRange(input, 4, input.length);
    for (int i = 0; i < rounds; i++) {
      deadline.checkDeadline();
      d = BlobStore.sha256(d);
    }
    byte[] out = new byte[1024];
    for (int i = 0; i < out.length; i += 32) {
      System.arraycopy(BlobStore.sha256(d), 0, out, i, 32);
    }
    return out;
  }
}
