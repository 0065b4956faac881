package dev.weft.store.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FsVerityTest {
  /** The vector published in composefs-rs ({@code fsverity/digest.rs}), also what {@code fsverity digest} prints. */
  @Test
  void helloWorldMatchesPublishedVector() {
    assertEquals("1e2eaa4202d750a41174ee454970b92c1bc2f925b1e35076d8c7d5f56362ba64",
        FsVerity.digest("hello world".getBytes(StandardCharsets.US_ASCII)).hex());
  }

  @Test
  void emptyAndZeroBlock() {
    // fsverity-utils 1.5: `fsverity digest --hash-alg=sha256 --block-size=4096`
    assertEquals("3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95", FsVerity.digest(new byte[0]).hex());
    assertEquals("babc284ee4ffe7f449377fbf6692715b43aec7bc39c094a95878904d34bac97e", FsVerity.digest(new byte[4096]).hex());
  }

  static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((i * 7L + 3) % 251);
    }
    return b;
  }

  /**
   * Sizes around block and tree-level boundaries (1 level, 2 levels, 3 levels), pattern byte i = (7i+3) mod 251;
   * expected values from fsverity-utils' {@code fsverity digest --hash-alg=sha256 --block-size=4096}.
   */
  @ParameterizedTest
  @CsvSource({
      "1,83334d2a5a79c35ecec7b206551570ffb7c723db2fb0ea790e9f63bfb4992858",
      "4095,3024e8d6d266bf93ab1be9288b9b37fd1d2804081967c6066cc79986d7dd89e2",
      "4096,1c628b821895d32da6e3899489770f6608770849d3e6d90ebd9869e5d65e2546",
      "4097,1881b167d9647d6bef2fef2ff235b6d81cbc5b2202fea369a2f4f4a957263fc2",
      "524288,44b3928833992f50109130b8c413caedc29b66e03dd565d85e992cc349d02545",
      "524289,a16badc6577bcf7f8358d0fa8c17a5334aad2a7d367c6f5d4bc877dca54d0932",
      "3145745,c6c70b731cf46df5fe68f17184eb6a8976d2e17b1a57855a2252006a2a5400d1"})
  void matchesFsverityUtils(int size, String expected) {
    byte[] data = pattern(size);
    assertEquals(expected, FsVerity.digest(data).hex());
    FsVerity.Hasher h = new FsVerity.Hasher();
    Random r = new Random(size);
    int off = 0;
    while (off < size) {
      int n = Math.min(size - off, r.nextInt(10_000));
      h.update(data, off, n);
      off += n;
    }
    assertEquals(expected, h.digest().hex(), "incremental");
  }

  @Test
  void leafHashesOfAlignedPiecesCombine() {
    byte[] data = pattern(3 * 65536 + 100);
    byte[] a = FsVerity.leafHashes(data, 0, 65536);
    byte[] b = FsVerity.leafHashes(data, 65536, data.length - 65536);
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    assertEquals(FsVerity.digest(data), FsVerity.digestFromLeaves(both, data.length));
  }
}
