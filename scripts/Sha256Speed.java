import java.security.MessageDigest;

/**
 * Round 12 (issue #4): the JDK's SHA-256 speed on this machine, in the two shapes an import uses: one
 * digest per 4 KiB block (fs-verity's level 0) and one long stream (a layer's diff_id). Compare with
 * {@code openssl speed -seconds 2 -bytes 4096 -evp sha256}.
 *
 * <pre>
 *   java scripts/Sha256Speed.java
 * </pre>
 */
public class Sha256Speed {
  public static void main(String[] args) throws Exception {
    byte[] block = new byte[4096];
    byte[] big = new byte[1 << 20];
    byte[] out = new byte[32];
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    for (int round = 0; round < 5; round++) {
      long t0 = System.nanoTime();
      long blocks = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        for (int i = 0; i < 256; i++) {
          md.update(block);
          md.digest(out, 0, 32);
        }
        blocks += 256;
      }
      double s = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      long bytes = 0;
      while (System.nanoTime() - t1 < 1_000_000_000L) {
        md.update(big);
        bytes += big.length;
      }
      md.digest();
      double s2 = (System.nanoTime() - t1) / 1e9;
      System.out.printf("round %d: 4 KiB digests %.0f MB/s, one stream %.0f MB/s%n", round, blocks * 4096 / s / 1e6,
          bytes / s2 / 1e6);
    }
  }
}
