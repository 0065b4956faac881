package dev.weft.ec.gf;

import java.util.Arrays;

/**
 * An immutable matrix over GF(2^8). Rows are copied in and out so nobody can change a matrix that a codec
 * or a decode cache shares between threads.
 */
public final class GfMatrix {
  private final int rows;
  private final int cols;
  private final byte[] cells; // row-major

  private GfMatrix(int rows, int cols, byte[] cells) {
    this.rows = rows;
    this.cols = cols;
    this.cells = cells;
  }

  public static GfMatrix of(byte[][] rows) {
    int c = rows.length == 0 ? 0 : rows[0].length;
    byte[] cells = new byte[rows.length * c];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length != c) {
        throw new IllegalArgumentException("ragged matrix: row " + r + " has " + rows[r].length + " columns, not " + c);
      }
      System.arraycopy(rows[r], 0, cells, r * c, c);
    }
    return new GfMatrix(rows.length, c, cells);
  }

  public static GfMatrix identity(int n) {
    byte[] cells = new byte[n * n];
    for (int i = 0; i < n; i++) {
      cells[i * n + i] = 1;
    }
    return new GfMatrix(n, n, cells);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  public int get(int r, int c) {
    return cells[r * cols + c] & 0xFF;
  }

  /** A copy of row {@code r}. */
  public byte[] row(int r) {
    return Arrays.copyOfRange(cells, r * cols, (r + 1) * cols);
  }

  /** Copies of all rows. */
  public byte[][] toRows() {
    byte[][] out = new byte[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = row(r);
    }
    return out;
  }

  /** The matrix made of the given rows of this one, in the given order. */
  public GfMatrix selectRows(int[] which) {
    byte[] out = new byte[which.length * cols];
    for (int i = 0; i < which.length; i++) {
      System.arraycopy(cells, which[i] * cols, out, i * cols, cols);
    }
    return new GfMatrix(which.length, cols, out);
  }

  public GfMatrix times(GfMatrix other) {
    if (cols != other.rows) {
      throw new IllegalArgumentException("cannot multiply " + rows + "x" + cols + " by " + other.rows + "x" + other.cols);
    }
    byte[] out = new byte[rows * other.cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < other.cols; c++) {
        int acc = 0;
        for (int i = 0; i < cols; i++) {
          acc ^= Gf256.mul(get(r, i), other.get(i, c));
        }
        out[r * other.cols + c] = (byte) acc;
      }
    }
    return new GfMatrix(rows, other.cols, out);
  }

  /**
   * The inverse by Gauss–Jordan elimination.
   *
   * @throws ArithmeticException if the matrix is singular (never for k rows of an MDS code's generator)
   */
  public GfMatrix inverse() {
    if (rows != cols) {
      throw new IllegalArgumentException("only square matrices have inverses, this one is " + rows + "x" + cols);
    }
    int n = rows;
    int[][] a = new int[n][2 * n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        a[r][c] = get(r, c);
      }
      a[r][n + r] = 1;
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      while (pivot < n && a[pivot][col] == 0) {
        pivot++;
      }
      if (pivot == n) {
        throw new ArithmeticException("singular matrix");
      }
      int[] tmp = a[pivot];
      a[pivot] = a[col];
      a[col] = tmp;
      int scale = Gf256.inv(a[col][col]);
      for (int c = 0; c < 2 * n; c++) {
        a[col][c] = Gf256.mul(a[col][c], scale);
      }
      for (int r = 0; r < n; r++) {
        int f = a[r][col];
        if (r != col && f != 0) {
          for (int c = 0; c < 2 * n; c++) {
            a[r][c] ^= Gf256.mul(f, a[col][c]);
          }
        }
      }
    }
    byte[] out = new byte[n * n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        out[r * n + c] = (byte) a[r][n + c];
      }
    }
    return new GfMatrix(n, n, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GfMatrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.cells, cells);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(cells) * 31 + rows;
  }
}
