package dev.weft.kernel.state;

import java.util.Arrays;

/**
 * The kernel's state: an immutable persistent hash array mapped trie from (space, key) to a {@code long}
 * value, with a 64-bit state hash maintained on every write.
 *
 * <p>Writes copy only the path from the root to the changed leaf (at most 13 small arrays), so an old
 * version stays valid and shareable: a snapshot writer can walk it on another thread while the kernel keeps
 * applying events. Values are {@code long} on purpose: larger results live in the blob store and enter the
 * state as their hash, which keeps the map compact and its hash cheap.
 *
 * <p>State hash: the sum (mod 2^64) of {@link #entryHash} over all entries. Addition is commutative, so the
 * hash does not depend on insertion order or trie shape, and a write updates it in O(1): subtract the old
 * entry's hash, add the new one. It detects divergence, not tampering (it is not cryptographic).
 */
public final class StateMap {
  private static final int BITS = 5;
  private static final int MASK = (1 << BITS) - 1;
  private static final StateMap EMPTY = new StateMap(Node.EMPTY, 0, 0);

  private final Node root;
  private final int size;
  private final long hash;

  private StateMap(Node root, int size, long hash) {
    this.root = root;
    this.size = size;
    this.hash = hash;
  }

  public static StateMap empty() {
    return EMPTY;
  }

  public int size() {
    return size;
  }

  /** The order-independent state hash (see the class comment). */
  public long hash() {
    return hash;
  }

  /** The value at (space, key), or {@code absent} if there is none. */
  public long get(int space, long key, long absent) {
    return lookup(root, space, key, absent);
  }

  private static long lookup(Node root, int space, long key, long absent) {
    long h = keyHash(space, key);
    Node node = root;
    int shift = 0;
    while (true) {
      int bit = 1 << (int) ((h >>> shift) & MASK);
      if ((node.bitmap & bit) == 0) {
        return absent;
      }
      Object child = node.slots[Integer.bitCount(node.bitmap & (bit - 1))];
      if (child instanceof Leaf leaf) {
        return leaf.matches(space, key) ? leaf.value : absent;
      }
      if (child instanceof Collision c) {
        return c.get(space, key, absent);
      }
      node = (Node) child;
      shift += BITS;
    }
  }

  /** A new map with (space, key) set to value; this map is unchanged. */
  public StateMap put(int space, long key, long value) {
    long h = keyHash(space, key);
    long[] delta = new long[2]; // [0] hash delta, [1] size delta
    Node newRoot = insert(root, 0, h, new Leaf(h, space, key, value), delta);
    if (newRoot == root) {
      return this;
    }
    return new StateMap(newRoot, size + (int) delta[1], hash + delta[0]);
  }

  /**
   * An editor that applies many writes to a private copy of this map and hands back a persistent map at the
   * end ({@link Editor#done}). Nodes it copies carry its owner token and are changed in place by later writes
   * of the same editor, so a run of writes copies each path once rather than once per write. This map is
   * unchanged. For replay, where no intermediate version is shared.
   */
  public Editor edit() {
    return new Editor(this);
  }

  /**
   * A transient, single-threaded view for a run of writes (see {@link StateMap#edit}). Reads see the writes.
   * After {@link #done} it refuses further writes: the nodes it owned are then as immutable as any other.
   */
  public static final class Editor {
    private Object owner = new Object();
    private Node root;
    private int size;
    private long hash;
    private final long[] delta = new long[2];

    private Editor(StateMap base) {
      this.root = base.root;
      this.size = base.size;
      this.hash = base.hash;
    }

    public long get(int space, long key, long absent) {
      return lookup(root, space, key, absent);
    }

    /** The state hash of the map as edited so far. */
    public long hash() {
      return hash;
    }

    public void put(int space, long key, long value) {
      if (owner == null) {
        throw new IllegalStateException("editor already done");
      }
      long h = keyHash(space, key);
      delta[0] = 0;
      delta[1] = 0;
      root = insertOwned(root, 0, h, space, key, value, delta, owner);
      size += (int) delta[1];
      hash += delta[0];
    }

    /** The edited map, persistent from now on; the editor cannot be used for writes afterwards. */
    public StateMap done() {
      owner = null;
      return new StateMap(root, size, hash);
    }
  }

  /**
   * As {@link #insert}, but nodes owned by {@code owner} are updated in place and nodes copied on the way
   * become owned by it. Returns the (possibly same, possibly new) node.
   */
  private static Node insertOwned(Node node, int shift, long h, int space, long key, long value, long[] delta,
      Object owner) {
    int bit = 1 << (int) ((h >>> shift) & MASK);
    int idx = Integer.bitCount(node.bitmap & (bit - 1));
    if ((node.bitmap & bit) == 0) {
      Leaf leaf = new Leaf(h, space, key, value);
      delta[0] = leaf.entryHash();
      delta[1] = 1;
      Object[] slots = new Object[node.slots.length + 1];
      System.arraycopy(node.slots, 0, slots, 0, idx);
      slots[idx] = leaf;
      System.arraycopy(node.slots, idx, slots, idx + 1, node.slots.length - idx);
      return new Node(node.bitmap | bit, slots, owner);
    }
    Object child = node.slots[idx];
    Object replacement;
    if (child instanceof Leaf old) {
      if (old.matches(space, key)) {
        if (old.value == value) {
          return node;
        }
        Leaf leaf = new Leaf(h, space, key, value);
        delta[0] = leaf.entryHash() - old.entryHash();
        replacement = leaf;
      } else {
        Leaf leaf = new Leaf(h, space, key, value);
        delta[0] = leaf.entryHash();
        delta[1] = 1;
        replacement = split(old, old.hash, leaf, shift + BITS);
      }
    } else if (child instanceof Collision c) {
      Leaf leaf = new Leaf(h, space, key, value);
      if (c.leaves[0].hash != h) {
        delta[0] = leaf.entryHash();
        delta[1] = 1;
        replacement = split(c, c.leaves[0].hash, leaf, shift + BITS);
      } else {
        Collision updated = c.with(leaf, delta);
        if (updated == c) {
          return node;
        }
        replacement = updated;
      }
    } else {
      Node sub = insertOwned((Node) child, shift + BITS, h, space, key, value, delta, owner);
      if (sub == child) {
        return node;
      }
      replacement = sub;
    }
    if (node.owner == owner) {
      node.slots[idx] = replacement;
      return node;
    }
    Object[] slots = node.slots.clone();
    slots[idx] = replacement;
    return new Node(node.bitmap, slots, owner);
  }

  /** Visits every entry (in trie order, which is deterministic for a given content). */
  public void forEach(EntryVisitor visitor) {
    walk(root, visitor);
  }

  /** Receives the entries of {@link #forEach}. */
  @FunctionalInterface
  public interface EntryVisitor {
    void entry(int space, long key, long value);
  }

  /** The hash of one entry; the state hash is the sum of these. */
  public static long entryHash(int space, long key, long value) {
    return mix(keyHash(space, key) ^ mix(value + 0x9E3779B97F4A7C15L));
  }

  static long keyHash(int space, long key) {
    return mix(key * 0xBF58476D1CE4E5B9L + space * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL);
  }

  /** A 64-bit finalizer (the splitmix64 output function): every input bit affects every output bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static void walk(Object n, EntryVisitor v) {
    if (n instanceof Leaf leaf) {
      v.entry(leaf.space, leaf.key, leaf.value);
    } else if (n instanceof Collision c) {
      for (Leaf leaf : c.leaves) {
        v.entry(leaf.space, leaf.key, leaf.value);
      }
    } else {
      for (Object child : ((Node) n).slots) {
        walk(child, v);
      }
    }
  }

  private static Node insert(Node node, int shift, long h, Leaf leaf, long[] delta) {
    int bit = 1 << (int) ((h >>> shift) & MASK);
    int idx = Integer.bitCount(node.bitmap & (bit - 1));
    if ((node.bitmap & bit) == 0) {
      delta[0] = leaf.entryHash();
      delta[1] = 1;
      Object[] slots = new Object[node.slots.length + 1];
      System.arraycopy(node.slots, 0, slots, 0, idx);
      slots[idx] = leaf;
      System.arraycopy(node.slots, idx, slots, idx + 1, node.slots.length - idx);
      return new Node(node.bitmap | bit, slots);
    }
    Object child = node.slots[idx];
    Object replacement;
    if (child instanceof Leaf old) {
      if (old.matches(leaf.space, leaf.key)) {
        if (old.value == leaf.value) {
          return node;
        }
        delta[0] = leaf.entryHash() - old.entryHash();
        replacement = leaf;
      } else {
        delta[0] = leaf.entryHash();
        delta[1] = 1;
        replacement = split(old, old.hash, leaf, shift + BITS);
      }
    } else if (child instanceof Collision c && c.leaves[0].hash != h) {
      delta[0] = leaf.entryHash();
      delta[1] = 1;
      replacement = split(c, c.leaves[0].hash, leaf, shift + BITS);
    } else if (child instanceof Collision c) {
      Collision updated = c.with(leaf, delta);
      if (updated == c) {
        return node;
      }
      replacement = updated;
    } else {
      Node sub = insert((Node) child, shift + BITS, h, leaf, delta);
      if (sub == child) {
        return node;
      }
      replacement = sub;
    }
    Object[] slots = node.slots.clone();
    slots[idx] = replacement;
    return new Node(node.bitmap, slots);
  }

  /**
   * A subtree holding {@code a} (a leaf or a collision node, with key hash {@code ha}) and leaf {@code b},
   * which shared a slot at the level above.
   */
  private static Object split(Object a, long ha, Leaf b, int shift) {
    if (ha == b.hash) {
      return new Collision(new Leaf[] {(Leaf) a, b});
    }
    int ia = (int) ((ha >>> shift) & MASK);
    int ib = (int) ((b.hash >>> shift) & MASK);
    if (ia == ib) {
      return new Node(1 << ia, new Object[] {split(a, ha, b, shift + BITS)});
    }
    return ia < ib
        ? new Node((1 << ia) | (1 << ib), new Object[] {a, b})
        : new Node((1 << ia) | (1 << ib), new Object[] {b, a});
  }

  private static final class Node {
    static final Node EMPTY = new Node(0, new Object[0]);
    final int bitmap;
    final Object[] slots;
    /** The {@link Editor} token that may change {@link #slots} in place, or null (immutable). */
    final Object owner;

    Node(int bitmap, Object[] slots) {
      this(bitmap, slots, null);
    }

    Node(int bitmap, Object[] slots, Object owner) {
      this.bitmap = bitmap;
      this.slots = slots;
      this.owner = owner;
    }
  }

  private record Leaf(long hash, int space, long key, long value) {
    boolean matches(int s, long k) {
      return space == s && key == k;
    }

    long entryHash() {
      return StateMap.entryHash(space, key, value);
    }
  }

  /** Leaves whose 64-bit key hashes are equal (rare; kept correct rather than fast). */
  private record Collision(Leaf[] leaves) {
    long get(int space, long key, long absent) {
      for (Leaf l : leaves) {
        if (l.matches(space, key)) {
          return l.value;
        }
      }
      return absent;
    }

    Collision with(Leaf leaf, long[] delta) {
      for (int i = 0; i < leaves.length; i++) {
        if (leaves[i].matches(leaf.space, leaf.key)) {
          if (leaves[i].value == leaf.value) {
            return this;
          }
          delta[0] = leaf.entryHash() - leaves[i].entryHash();
          Leaf[] copy = leaves.clone();
          copy[i] = leaf;
          return new Collision(copy);
        }
      }
      delta[0] = leaf.entryHash();
      delta[1] = 1;
      Leaf[] copy = Arrays.copyOf(leaves, leaves.length + 1);
      copy[leaves.length] = leaf;
      return new Collision(copy);
    }
  }
}
