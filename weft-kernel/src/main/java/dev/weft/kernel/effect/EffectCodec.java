package dev.weft.kernel.effect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.time.Duration;

/** Binary form of an {@link EffectRequest}, used where pending effects are persisted (snapshots). */
public final class EffectCodec {
  private EffectCodec() {}

  public static void write(DataOutput out, EffectRequest r) throws IOException {
    out.writeUTF(r.function());
    out.writeInt(r.input().length);
    out.write(r.input());
    out.writeLong(r.timeout().toNanos());
    out.writeLong(r.heapBytes());
    out.writeInt(r.nice());
    out.writeByte(r.placement().ordinal());
    out.writeByte(r.mode().ordinal());
  }

  public static EffectRequest read(DataInput in) throws IOException {
    String function = in.readUTF();
    int n = in.readInt();
    if (n < 0 || n > (256 << 20)) {
      throw new IOException("effect input length " + n + " out of range");
    }
    byte[] input = new byte[n];
    in.readFully(input);
    Duration timeout = Duration.ofNanos(in.readLong());
    long heap = in.readLong();
    int nice = in.readInt();
    EffectRequest.Placement placement = EffectRequest.Placement.values()[in.readUnsignedByte() % 2];
    EffectRequest.ResultMode mode = EffectRequest.ResultMode.values()[in.readUnsignedByte() % 3];
    return new EffectRequest(function, input, timeout, heap, nice, placement, mode);
  }
}
