package dev.weft.analysis.io;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression without Hadoop: parquet-java's own codec factory builds a Hadoop
 * {@code Configuration} (and so needs most of Hadoop on the class path). This factory calls the codec
 * libraries parquet-java already depends on: snappy-java, zstd-jni, and the JDK's gzip. Other codecs are
 * reported as unsupported.
 */
final class Codecs implements CompressionCodecFactory {
  static final Codecs INSTANCE = new Codecs();

  private Codecs() {}

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Compressor(codec) {
        @Override
        byte[] compress(byte[] in) {
          return in;
        }
      };
      case SNAPPY -> new Compressor(codec) {
        @Override
        byte[] compress(byte[] in) throws IOException {
          return Snappy.compress(in);
        }
      };
      case ZSTD -> new Compressor(codec) {
        @Override
        byte[] compress(byte[] in) {
          return Zstd.compress(in, 3);
        }
      };
      default -> throw new UnsupportedOperationException("weft writes Parquet with SNAPPY, ZSTD or no compression, not " + codec);
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Decompressor() {
        @Override
        byte[] decompress(byte[] in, int size) {
          return in;
        }
      };
      case SNAPPY -> new Decompressor() {
        @Override
        byte[] decompress(byte[] in, int size) throws IOException {
          byte[] out = new byte[size];
          int n = Snappy.uncompress(in, 0, in.length, out, 0);
          if (n != size) {
            throw new IOException("snappy page decompressed to " + n + " bytes, expected " + size);
          }
          return out;
        }
      };
      case ZSTD -> new Decompressor() {
        @Override
        byte[] decompress(byte[] in, int size) throws IOException {
          byte[] out = new byte[size];
          long n = Zstd.decompress(out, in);
          if (Zstd.isError(n) || n != size) {
            throw new IOException("zstd page decompressed to " + n + " bytes, expected " + size);
          }
          return out;
        }
      };
      case GZIP -> new Decompressor() {
        @Override
        byte[] decompress(byte[] in, int size) throws IOException {
          try (InputStream z = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
            byte[] out = z.readNBytes(size);
            if (out.length != size) {
              throw new IOException("gzip page decompressed to " + out.length + " bytes, expected " + size);
            }
            return out;
          }
        }
      };
      default -> throw new UnsupportedOperationException("Parquet compression " + codec + " is not supported by weft");
    };
  }

  @Override
  public void release() {}

  private abstract static class Compressor implements BytesInputCompressor {
    private final CompressionCodecName codec;

    Compressor(CompressionCodecName codec) {
      this.codec = codec;
    }

    abstract byte[] compress(byte[] in) throws IOException;

    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(compress(bytes.toByteArray()));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return codec;
    }

    @Override
    public void release() {}
  }

  private abstract static class Decompressor implements BytesInputDecompressor {
    abstract byte[] decompress(byte[] in, int uncompressedSize) throws IOException;

    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return BytesInput.from(decompress(bytes.toByteArray(), uncompressedSize));
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.get(in);
      output.put(decompress(in, uncompressedSize));
    }

    @Override
    public void release() {}
  }
}
