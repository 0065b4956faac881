package dev.weft.ec.dataset;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A block store in memory, ids = SHA-256: for tests and the demo. */
public final class MemoryBlockStore implements BlockStore {
  private final Map<String, byte[]> blocks = new ConcurrentHashMap<>();

  @Override
  public String put(byte[] data, int off, int len) {
    String id = idOf(data, off, len);
    // Always (re)written: a repair stores a rebuilt block under the id of a corrupt copy.
    blocks.put(id, Arrays.copyOfRange(data, off, off + len));
    return id;
  }

  @Override
  public byte[] get(String id) {
    byte[] b = blocks.get(id);
    return b == null ? null : b.clone();
  }

  @Override
  public String idOf(byte[] data, int off, int len) {
    return Sha256Ids.of(data, off, len);
  }

  /** Removes a block, as a lost disk would. */
  public void remove(String id) {
    blocks.remove(id);
  }

  /** Flips a bit of a stored block, as a bad sector would; the id stays the same. */
  public void corrupt(String id) {
    blocks.computeIfPresent(id, (k, b) -> {
      byte[] c = b.clone();
      c[c.length / 2] ^= 1;
      return c;
    });
  }

  public int size() {
    return blocks.size();
  }
}
