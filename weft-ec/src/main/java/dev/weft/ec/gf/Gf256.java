package dev.weft.ec.gf;

/**
 * Arithmetic in GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and generator 2, the field of
 * ISA-L, Hadoop's RS coder, Backblaze JavaReedSolomon and klauspost/reedsolomon alike. Addition is XOR.
 */
public final class Gf256 {
  public static final int POLYNOMIAL = 0x11D;

  /** EXP[i] = 2^i, doubled in length so EXP[log a + log b] needs no modulo. */
  private static final byte[] EXP = new byte[512];
  private static final int[] LOG = new int[256];
  /** The full product table, row-major: MUL[a * 256 + b] = a·b. 64 KiB, read by the scalar kernel. */
  private static final byte[] MUL = new byte[256 * 256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = (byte) x;
      LOG[x] = i;
      x <<= 1;
      if (x >= 256) {
        x ^= POLYNOMIAL;
      }
    }
    for (int i = 255; i < EXP.length; i++) {
      EXP[i] = EXP[i - 255];
    }
    for (int a = 1; a < 256; a++) {
      for (int b = 1; b < 256; b++) {
        MUL[a * 256 + b] = EXP[LOG[a] + LOG[b]];
      }
    }
  }

  private Gf256() {}

  public static int mul(int a, int b) {
    return MUL[(a & 0xFF) * 256 + (b & 0xFF)] & 0xFF;
  }

  /** The multiplicative inverse; 0 has none. */
  public static int inv(int a) {
    a &= 0xFF;
    if (a == 0) {
      throw new ArithmeticException("0 has no inverse in GF(2^8)");
    }
    return EXP[255 - LOG[a]] & 0xFF;
  }

  /** a^n with the convention 0^0 = 1 (as Backblaze's galExp). */
  public static int pow(int a, int n) {
    a &= 0xFF;
    if (n == 0) {
      return 1;
    }
    if (a == 0) {
      return 0;
    }
    return EXP[(int) ((long) LOG[a] * n % 255)] & 0xFF;
  }

  /** The 256-byte row of products c·b for b = 0..255, a view into the shared table (do not modify). */
  public static int mulRowOffset(int c) {
    return (c & 0xFF) * 256;
  }

  /** The shared product table; callers index it with {@link #mulRowOffset} and never write to it. */
  public static byte[] mulTable() {
    return MUL;
  }
}
