package dev.weft.store.verity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The fs-verity SHA-256 digest with 4 KiB blocks and no salt, as the kernel measures it
 * ({@code FS_IOC_MEASURE_VERITY}).
 *
 * <p>The data is cut into 4 KiB blocks (the last one zero-padded) whose SHA-256 hashes form level 0 of a
 * Merkle tree; each higher level hashes the level below packed 128 hashes to a zero-padded 4 KiB block,
 * until one hash is left: the root (all zeros for an empty file). The digest is SHA-256 of the 256-byte
 * descriptor {@code {version=1, hash_algorithm=1, log_blocksize=12, salt_size=0, reserved[4],
 * data_size(le64), root_hash[64], salt[32], reserved[144]}}.
 *
 * <p>The level-0 hashes of disjoint block-aligned pieces are independent, so large objects can be hashed
 * in parallel with {@link #leafHashes} and combined with {@link #digestFromLeaves}.
 */
public final class FsVerity {
  public static final int BLOCK_SIZE = 4096;
  private static final int HASH_SIZE = 32;
  private static final byte[] ZERO_BLOCK = new byte[BLOCK_SIZE];
  /**
   * Each thread's SHA-256 for the one-shot digests: {@code MessageDigest.getInstance} (a provider lookup and
   * a new digest object) three times per object showed up in an import's profile (docs/bench/store.md,
   * round 7). Every use below ends with {@code digest}, which resets it; a failure half-way cannot leave
   * state behind because the callers reset it first.
   */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(FsVerity::sha256);

  private FsVerity() {}

  private static MessageDigest threadSha256() {
    MessageDigest md = SHA256.get();
    md.reset();
    return md;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The digest of {@code data[offset, offset+length)}. */
  public static ObjectId digest(byte[] data, int offset, int length) {
    return digestFromLeaves(leafHashes(data, offset, length), length);
  }

  public static ObjectId digest(byte[] data) {
    return digest(data, 0, data.length);
  }

  /**
   * Level-0 hashes of {@code data[offset, offset+length)}: one 32-byte SHA-256 per 4 KiB block, the last
   * block zero-padded. Pieces of a larger file must start on a block boundary of that file.
   */
  public static byte[] leafHashes(byte[] data, int offset, int length) {
    int blocks = (length + BLOCK_SIZE - 1) / BLOCK_SIZE;
    byte[] out = new byte[blocks * HASH_SIZE];
    MessageDigest md = threadSha256();
    for (int b = 0; b < blocks; b++) {
      int start = offset + b * BLOCK_SIZE;
      int n = Math.min(BLOCK_SIZE, offset + length - start);
      md.update(data, start, n);
      if (n < BLOCK_SIZE) {
        md.update(ZERO_BLOCK, 0, BLOCK_SIZE - n);
      }
      digestInto(md, out, b * HASH_SIZE);
    }
    return out;
  }

  /** The digest of a file of {@code dataSize} bytes whose level-0 hashes are {@code leaves}. */
  public static ObjectId digestFromLeaves(byte[] leaves, long dataSize) {
    byte[] root = new byte[HASH_SIZE];
    if (dataSize > 0) {
      byte[] level = leaves;
      MessageDigest md = threadSha256();
      while (level.length > HASH_SIZE) {
        int blocks = (level.length + BLOCK_SIZE - 1) / BLOCK_SIZE;
        byte[] next = new byte[blocks * HASH_SIZE];
        for (int b = 0; b < blocks; b++) {
          int start = b * BLOCK_SIZE;
          int n = Math.min(BLOCK_SIZE, level.length - start);
          md.update(level, start, n);
          if (n < BLOCK_SIZE) {
            md.update(ZERO_BLOCK, 0, BLOCK_SIZE - n);
          }
          digestInto(md, next, b * HASH_SIZE);
        }
        level = next;
      }
      root = level;
    }
    return ObjectId.of(descriptorHash(dataSize, root));
  }

  private static byte[] descriptorHash(long dataSize, byte[] root) {
    ByteBuffer d = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    d.put((byte) 1); // version
    d.put((byte) 1); // FS_VERITY_HASH_ALG_SHA256
    d.put((byte) 12); // log2(4096)
    d.put((byte) 0); // salt_size
    d.putInt(0); // reserved
    d.putLong(dataSize);
    d.put(root); // root_hash[64]: 32 bytes used, the rest (and salt, reserved) stay zero
    return threadSha256().digest(d.array());
  }

  private static void digestInto(MessageDigest md, byte[] out, int offset) {
    try {
      md.digest(out, offset, HASH_SIZE);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hashes a stream of bytes fed in any chunk sizes; for objects too large to hold in memory. */
  public static final class Hasher {
    private final MessageDigest md = sha256();
    private final byte[] block = new byte[BLOCK_SIZE];
    private int fill;
    private long size;
    private byte[] leaves = new byte[HASH_SIZE * 64];
    private int leafBytes;

    public void update(byte[] data, int offset, int length) {
      size += length;
      while (length > 0) {
        int n = Math.min(length, BLOCK_SIZE - fill);
        System.arraycopy(data, offset, block, fill, n);
        fill += n;
        offset += n;
        length -= n;
        if (fill == BLOCK_SIZE) {
          flushBlock();
        }
      }
    }

    private void flushBlock() {
      md.update(block, 0, fill);
      if (fill < BLOCK_SIZE) {
        md.update(ZERO_BLOCK, 0, BLOCK_SIZE - fill);
      }
      if (leafBytes + HASH_SIZE > leaves.length) {
        leaves = java.util.Arrays.copyOf(leaves, leaves.length * 2);
      }
      digestInto(md, leaves, leafBytes);
      leafBytes += HASH_SIZE;
      fill = 0;
    }

    public long size() {
      return size;
    }

    public ObjectId digest() {
      if (fill > 0) {
        flushBlock();
      }
      return digestFromLeaves(java.util.Arrays.copyOf(leaves, leafBytes), size);
    }
  }
}
