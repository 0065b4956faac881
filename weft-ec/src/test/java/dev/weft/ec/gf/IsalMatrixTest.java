package dev.weft.ec.gf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.ec.isal.IsalLibrary;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Our Cauchy matrix and inverses agree with ISA-L's own (when libisal is installed). */
class IsalMatrixTest {
  @Test
  void cauchyMatrixEqualsIsal() {
    assumeTrue(IsalLibrary.get().isPresent(), "libisal not installed");
    IsalLibrary isal = IsalLibrary.get().orElseThrow();
    for (int[] s : new int[][] {{1, 1}, {10, 4}, {50, 20}, {6, 3}, {200, 56}}) {
      assertArrayEquals(isal.genCauchy1(s[0] + s[1], s[0]), MatrixKind.CAUCHY.generator(s[0], s[1]).toRows(),
          "cauchy " + s[0] + "+" + s[1]);
    }
  }

  @Test
  void inverseEqualsIsalAndIsAnInverse() {
    Random rnd = new Random(3);
    GfMatrix g = MatrixKind.CAUCHY.generator(10, 4);
    for (int trial = 0; trial < 20; trial++) {
      int[] rows = rnd.ints(0, 14).distinct().limit(10).toArray();
      GfMatrix sub = g.selectRows(rows);
      GfMatrix inv = sub.inverse();
      assertEquals(GfMatrix.identity(10), sub.times(inv));
      IsalLibrary.get().ifPresent(isal -> assertArrayEquals(isal.invert(sub.toRows()), inv.toRows()));
    }
  }

  @Test
  void fieldBasics() {
    for (int a = 1; a < 256; a++) {
      assertEquals(1, Gf256.mul(a, Gf256.inv(a)));
    }
    assertEquals(Gf256.mul(2, 0x80), 0x1D, "x * x^7 reduces by 0x11D");
  }
}
