package dev.weft.kernel.ledger;

import dev.weft.kernel.effect.EffectRequest;
import dev.weft.kernel.machine.Event;
import dev.weft.kernel.machine.Handler;
import dev.weft.kernel.machine.OutcomeEvent;
import dev.weft.kernel.machine.Txn;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * The ledger workload (the Block-STM paper's peer-to-peer transfers) and a job-style event emitting an
 * effect. State spaces: {@link #BALANCES} (account to balance; absent means {@link #INITIAL}),
 * {@link #JOBS} (job id to 1 = requested), {@link #OUTCOMES} (origin seq * 256 + effect index to the
 * outcome's {@link OutcomeEvent#summary()}).
 *
 * <p>Event bodies (little-endian): TRANSFER from u64, to u64, amount u64, work µs u32, padding;
 * JOB id u64, rounds u32, timeout ms u32, placement u8, mode u8, input.
 */
public final class Ledger implements Handler {
  public static final int TRANSFER = 1;
  public static final int JOB = 2;
  public static final int BALANCES = 1;
  public static final int JOBS = 2;
  public static final int OUTCOMES = 3;
  public static final long INITIAL = 1_000_000;

  @Override
  public String code() {
    return "ledger/1";
  }

  @Override
  public void apply(Txn txn, Event event) {
    switch (event.type()) {
      case TRANSFER -> transfer(txn, event.body());
      case JOB -> job(txn, ByteBuffer.wrap(event.body()).order(ByteOrder.LITTLE_ENDIAN));
      case Event.OUTCOME -> {
        OutcomeEvent o = OutcomeEvent.decode(event);
        txn.put(OUTCOMES, o.originSeq() * 256 + o.index(), o.summary());
      }
      default -> { } // unknown types are recorded but change nothing
    }
  }

  /** Little-endian views of a body array: the hot transfer path decodes without allocating a buffer. */
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private static void transfer(Txn txn, byte[] b) {
    if (b.length < 28) {
      throw new IndexOutOfBoundsException("transfer body of " + b.length + " bytes, need 28");
    }
    long from = (long) LONG_LE.get(b, 0);
    long to = (long) LONG_LE.get(b, 8);
    long amount = (long) LONG_LE.get(b, 16);
    BusyWork.spin((int) INT_LE.get(b, 24));
    long a = txn.get(BALANCES, from, INITIAL);
    if (a < amount || from == to) {
      return;
    }
    long c = txn.get(BALANCES, to, INITIAL);
    txn.put(BALANCES, from, a - amount);
    txn.put(BALANCES, to, c + amount);
  }

  private static void job(Txn txn, ByteBuffer b) {
    long id = b.getLong(0);
    int rounds = b.getInt(8);
    int timeoutMs = b.getInt(12);
    EffectRequest.Placement placement = EffectRequest.Placement.values()[b.get(16) & 1];
    EffectRequest.ResultMode mode = EffectRequest.ResultMode.values()[(b.get(17) & 0xFF) % 3];
    byte[] input = new byte[b.capacity() - 18 + 4];
    ByteBuffer.wrap(input).putInt(rounds);
    b.get(18, input, 4, input.length - 4);
    txn.put(JOBS, id, 1);
    txn.emit(new EffectRequest(HashRounds.NAME, input, Duration.ofMillis(timeoutMs), 256L << 20, 10,
        placement, mode));
  }

  /** A transfer event (body padded to {@code bodyBytes}, at least 28). */
  public static Event transfer(long from, long to, long amount, int workMicros, int bodyBytes) {
    ByteBuffer b = ByteBuffer.allocate(Math.max(28, bodyBytes)).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(from).putLong(to).putLong(amount).putInt(workMicros);
    return new Event(TRANSFER, b.array());
  }

  /** A job event whose effect hashes {@code input} {@code rounds} times with {@link HashRounds}. */
  public static Event job(long id, int rounds, int timeoutMs, EffectRequest.Placement placement,
      EffectRequest.ResultMode mode, byte[] input) {
    ByteBuffer b = ByteBuffer.allocate(18 + input.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(id).putInt(rounds).putInt(timeoutMs).put((byte) placement.ordinal()).put((byte) mode.ordinal())
        .put(input);
    return new Event(JOB, b.array());
  }
}
