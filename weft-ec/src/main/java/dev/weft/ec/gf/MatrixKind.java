package dev.weft.ec.gf;

/**
 * The systematic generator matrices weft can code with. All are (k + m) × k with the identity on top, so
 * data shards are stored as they are; they differ in the parity rows, so parity from one cannot be decoded
 * with the other. See docs/formats/erasure-coding.md.
 */
public enum MatrixKind {
  /**
   * ISA-L's {@code gf_gen_cauchy1_matrix}, which Hadoop's RSRawEncoder also uses: parity row i (0-based,
   * i &lt; m), column j is 1 / ((k + i) XOR j).
   */
  CAUCHY("rs-cauchy"),
  /**
   * Backblaze JavaReedSolomon and klauspost/reedsolomon: the (k + m) × k Vandermonde matrix V[r][c] = r^c
   * multiplied by the inverse of its top k × k square, which makes the top the identity.
   */
  VANDERMONDE("rs-vandermonde"),
  /**
   * One parity shard that is the XOR of the data shards (RAID 5; klauspost/reedsolomon's
   * {@code WithFastOneParityMatrix}): the parity row is all ones, which is MDS for m = 1 and is coded by the
   * XOR kernel without table lookups. Only m = 1.
   */
  XOR("rs-xor");

  private final String id;

  MatrixKind(String id) {
    this.id = id;
  }

  /** The name written into manifests. */
  public String id() {
    return id;
  }

  public static MatrixKind fromId(String id) {
    for (MatrixKind k : values()) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown codec '" + id + "' (known: rs-cauchy, rs-vandermonde, rs-xor)");
  }

  /** Throws {@link IllegalArgumentException} if this matrix has no code with m parity shards. */
  public void checkParity(int m) {
    if (this == XOR && m != 1) {
      throw new IllegalArgumentException("the xor matrix has exactly 1 parity shard, got " + m);
    }
  }

  /** The (k + m) × k generator matrix. */
  public GfMatrix generator(int k, int m) {
    checkParity(m);
    return switch (this) {
      case CAUCHY -> cauchy(k, m);
      case VANDERMONDE -> vandermonde(k, m);
      case XOR -> xor(k);
    };
  }

  private static GfMatrix xor(int k) {
    byte[][] rows = new byte[k + 1][k];
    for (int i = 0; i < k; i++) {
      rows[i][i] = 1;
      rows[k][i] = 1;
    }
    return GfMatrix.of(rows);
  }

  private static GfMatrix cauchy(int k, int m) {
    byte[][] rows = new byte[k + m][k];
    for (int i = 0; i < k; i++) {
      rows[i][i] = 1;
    }
    for (int i = k; i < k + m; i++) {
      for (int j = 0; j < k; j++) {
        rows[i][j] = (byte) Gf256.inv(i ^ j);
      }
    }
    return GfMatrix.of(rows);
  }

  private static GfMatrix vandermonde(int k, int m) {
    byte[][] rows = new byte[k + m][k];
    for (int r = 0; r < k + m; r++) {
      for (int c = 0; c < k; c++) {
        rows[r][c] = (byte) Gf256.pow(r, c);
      }
    }
    GfMatrix v = GfMatrix.of(rows);
    int[] top = new int[k];
    for (int i = 0; i < k; i++) {
      top[i] = i;
    }
    return v.times(v.selectRows(top).inverse());
  }
}
