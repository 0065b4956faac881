package dev.weft.ec.dataset;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weft.ec.codec.ReedSolomon;
import dev.weft.ec.gf.MatrixKind;
import dev.weft.runtime.BadDataException;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The manifest of an erasure-coded dataset (docs/formats/ec-dataset.md). The file is cut into
 * {@code data_blocks} blocks of {@code block_size} (the last zero-padded), arranged in {@code steps} steps of
 * k: step s holds data blocks s, s + steps, s + 2·steps, …, and its m parity blocks. {@code blocks} lists
 * every block id row by row: entry {@code r · steps + s} is row r of step s, rows 0..k-1 data (so the
 * data blocks appear in file order, padding blocks after them) and rows k..k+m-1 parity.
 *
 * <p>Protected three ways: the manifest is itself a block whose id is the dataset id; {@code data_root} and
 * {@code all_root} are SHA-256 over the concatenated binary ids of the original data blocks and of all
 * blocks, checked on every read; and each block is verified against its id.
 */
public record DatasetManifest(
    @JsonProperty("format") String format,
    @JsonProperty("codec") String codec,
    @JsonProperty("k") int k,
    @JsonProperty("m") int m,
    @JsonProperty("block_size") int blockSize,
    @JsonProperty("length") long length,
    @JsonProperty("data_blocks") long dataBlocks,
    @JsonProperty("steps") int steps,
    @JsonProperty("data_root") String dataRoot,
    @JsonProperty("all_root") String allRoot,
    @JsonProperty("blocks") List<String> blocks) {

  public static final String FORMAT = "weft-ec-dataset/1";
  private static final java.util.regex.Pattern ASCII_HEX_BYTES = java.util.regex.Pattern.compile("(?:[0-9a-fA-F]{2})+");
  // Numbers must be JSON numbers: a string or a fraction where an integer belongs is a damaged manifest.
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .disable(SerializationFeature.INDENT_OUTPUT)
      .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .build();

  /** Index into {@link #blocks} of row r (0..k+m-1) of step s. */
  public int blockIndex(int row, int step) {
    return row * steps + step;
  }

  public MatrixKind matrixKind() {
    return MatrixKind.fromId(codec);
  }

  /** SHA-256 over the concatenated binary ids. */
  public static String root(List<String> ids) {
    MessageDigest md = Sha256Ids.digest();
    for (String id : ids) {
      md.update(HexFormat.of().parseHex(id));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses and checks a manifest; {@code what} names it in errors (the dataset id). */
  public static DatasetManifest parse(byte[] json, String what) {
    DatasetManifest m;
    try {
      m = JSON.readValue(json, DatasetManifest.class);
    } catch (IOException e) {
      throw new BadDataException("dataset " + what + ": not a dataset manifest (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    m.validate(what);
    return m;
  }

  private void validate(String what) {
    String where = "dataset " + what + ": ";
    if (!FORMAT.equals(format)) {
      throw new BadDataException(where + "unknown format '" + format + "'");
    }
    try {
      ReedSolomon.checkShape(k, m, MatrixKind.fromId(codec));
    } catch (IllegalArgumentException e) {
      throw new BadDataException(where + e.getMessage());
    }
    if (blockSize < 1 || length < 0) {
      throw new BadDataException(where + "bad block_size " + blockSize + " or length " + length);
    }
    long expectBlocks = (length + blockSize - 1) / blockSize;
    long expectSteps = (expectBlocks + k - 1) / k;
    if (dataBlocks != expectBlocks || steps != expectSteps) {
      throw new BadDataException(where + "data_blocks/steps do not fit length " + length + " and block_size " + blockSize);
    }
    if (blocks == null || blocks.size() != (long) steps * (k + m)) {
      throw new BadDataException(where + "lists " + (blocks == null ? 0 : blocks.size()) + " blocks, expected "
          + (long) steps * (k + m));
    }
    for (String id : blocks) {
      // ASCII hex only: Character.digit also accepts other scripts' digits, which HexFormat then refuses.
      if (id == null || !ASCII_HEX_BYTES.matcher(id).matches()) {
        throw new BadDataException(where + "block id '" + id + "' is not hex");
      }
    }
    if (!root(blocks.subList(0, (int) dataBlocks)).equals(dataRoot)) {
      throw new BadDataException(where + "data_root does not match the block list");
    }
    if (!root(blocks).equals(allRoot)) {
      throw new BadDataException(where + "all_root does not match the block list");
    }
  }
}
