package dev.weft.ec;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.io.erasurecode.ErasureCoderOptions;
import org.apache.hadoop.io.erasurecode.rawcoder.RSRawDecoder;
import org.apache.hadoop.io.erasurecode.rawcoder.RSRawEncoder;

/** hadoop-common's pure-Java RS coder, the reference weft's parity must equal byte for byte. */
public final class HadoopOracle {
  private HadoopOracle() {}

  /** The m parity shards Hadoop computes for {@code data}. */
  public static byte[][] parity(byte[][] data, int m) {
    int len = data[0].length;
    byte[][] parity = new byte[m][len];
    try {
      new RSRawEncoder(new ErasureCoderOptions(data.length, m)).encode(data, parity);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parity;
  }

  /** Hadoop's decode of {@code erased} indexes from the shards; null entries are the erased/unused ones. */
  public static byte[][] decode(byte[][] shards, int k, int m, int[] erased) {
    int len = 0;
    for (byte[] s : shards) {
      if (s != null) {
        len = s.length;
      }
    }
    byte[][] out = new byte[erased.length][len];
    try {
      new RSRawDecoder(new ErasureCoderOptions(k, m)).decode(shards, erased, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
