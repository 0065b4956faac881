package dev.weft.ec.files;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.runtime.BadDataException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code manifest.json} of a shard directory (docs/formats/erasure-coding.md). The input is cut into
 * stripes of k cells of {@code stripe_unit} bytes (the last zero-padded); shard i is the concatenation of
 * cell i of every stripe, so each shard file is {@code shard_length = stripes × stripe_unit} bytes.
 *
 * <p>The shard hashes cover every byte of the shards but not {@code length}, which only decides where the
 * last stripe is cut: {@code tail_sha256} (the SHA-256 of the input's bytes in the last stripe) binds it,
 * so a wrong length fails decoding instead of silently dropping or adding bytes. Manifests written before
 * the key existed have none; for them decoding checks only that every byte past {@code length} is zero.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShardManifest(
    @JsonProperty("format") String format,
    @JsonProperty("codec") String codec,
    @JsonProperty("k") int k,
    @JsonProperty("m") int m,
    @JsonProperty("length") long length,
    @JsonProperty("stripe_unit") long stripeUnit,
    @JsonProperty("shard_length") long shardLength,
    @JsonProperty("shards") List<Shard> shards,
    @JsonProperty("tail_sha256") String tailSha256) {

  public static final String FORMAT = "weft-ec-shards/1";
  public static final String FILE_NAME = "manifest.json";
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  /**
   * The largest stripe unit accepted, in a manifest or from --shard-size: the streaming buffers are
   * (2k + m) stripe units, so a larger unit only trades memory for nothing (1 MiB is the default).
   */
  public static final long MAX_STRIPE_UNIT = 1L << 30;
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  // Numbers must be JSON numbers: "k": "4" or "k": 4.5 is a damaged manifest, not a value to coerce.
  static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();

  /** One shard file. */
  public record Shard(@JsonProperty("index") int index, @JsonProperty("file") String file,
      @JsonProperty("sha256") String sha256) {}

  public MatrixKind matrixKind() {
    return MatrixKind.fromId(codec);
  }

  public long stripes() {
    return stripeUnit == 0 ? 0 : shardLength / stripeUnit;
  }

  /** Bytes of the input in the last stripe (0 for an empty input). */
  public long tailLength() {
    return length == 0 ? 0 : length - (stripes() - 1) * stripeUnit * k;
  }

  /** Reads and checks a manifest; anything inconsistent is a {@link BadDataException} naming the file. */
  public static ShardManifest read(Path file) throws IOException {
    ShardManifest m;
    try {
      m = JSON.readValue(file.toFile(), ShardManifest.class);
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      throw new BadDataException(file + ": no manifest (not a shard directory?)");
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new BadDataException(file + ": not a valid shard manifest: " + e.getOriginalMessage());
    }
    m.validate(file);
    return m;
  }

  private void validate(Path file) {
    if (!FORMAT.equals(format)) {
      throw bad(file, "unknown format '" + format + "' (expected " + FORMAT + ")");
    }
    try {
      ReedSolomon.checkShape(k, m, MatrixKind.fromId(codec));
    } catch (IllegalArgumentException e) {
      throw bad(file, e.getMessage());
    }
    if (length < 0 || stripeUnit < 0 || shardLength < 0) {
      throw bad(file, "negative length, stripe_unit or shard_length");
    }
    if (stripeUnit > MAX_STRIPE_UNIT) {
      throw bad(file, "stripe_unit " + stripeUnit + " is larger than the " + MAX_STRIPE_UNIT + " bytes weft writes or reads");
    }
    if (length > 0) {
      // Exact arithmetic: a hostile stripe_unit × k must not wrap round to a shape that "fits".
      long expectShard;
      try {
        long dataPerStripe = Math.multiplyExact(stripeUnit, (long) k);
        long expectStripes = dataPerStripe == 0 ? 0 : (length - 1) / dataPerStripe + 1;
        expectShard = Math.multiplyExact(expectStripes, stripeUnit);
      } catch (ArithmeticException e) {
        expectShard = -1;
      }
      if (stripeUnit == 0 || stripeUnit > shardLength || shardLength != expectShard) {
        throw bad(file, "shard_length " + shardLength + " does not fit length " + length + " with stripe_unit "
            + stripeUnit + " and k=" + k);
      }
    } else if (shardLength != 0 || stripeUnit != 0) {
      throw bad(file, "stripe_unit and shard_length must be 0 for an empty input");
    }
    if (tailSha256 != null && !HEX64.matcher(tailSha256).matches()) {
      throw bad(file, "tail_sha256 is not a SHA-256 in hex");
    }
    if (shards == null || shards.size() != k + m) {
      throw bad(file, "lists " + (shards == null ? 0 : shards.size()) + " shards, expected k + m = " + (k + m));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < shards.size(); i++) {
      Shard s = shards.get(i);
      if (s == null || s.index() != i) {
        throw bad(file, "shard entry " + i + " has index " + (s == null ? "null" : s.index()) + "; shards must be in index order");
      }
      if (s.file() == null || !SAFE_NAME.matcher(s.file()).matches() || s.file().equals(FILE_NAME)
          || s.file().startsWith(".")) {
        throw bad(file, "shard " + i + " has an unsafe file name '" + s.file() + "'");
      }
      if (!names.add(s.file())) {
        throw bad(file, "shard file '" + s.file() + "' is listed twice");
      }
      if (s.sha256() == null || !HEX64.matcher(s.sha256()).matches()) {
        throw bad(file, "shard " + i + " has no valid sha256");
      }
    }
  }

  private static BadDataException bad(Path file, String what) {
    return new BadDataException(file + ": " + what);
  }

  /** Writes the manifest and forces it to disk (it is renamed into place only once durable). */
  public void write(Path file) throws IOException {
    byte[] json = JSON.writeValueAsBytes(this);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(json);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }
}
