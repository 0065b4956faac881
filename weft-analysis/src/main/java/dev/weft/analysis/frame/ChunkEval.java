package dev.weft.analysis.frame;

import dev.weft.analysis.columnar.Batch;

/**
 * Everything one task knows about its current chunk: the column arrays resolved by slot, and the selections
 * and defined columns computed so far (each at most once per chunk, only when something asks for it).
 * Confined to the task's thread, which {@linkplain #load loads} each chunk it pulls into the same instance:
 * the slot tables are allocated once per task, not once per chunk.
 */
final class ChunkEval {
  Batch batch;
  int rows;
  final float[][] floats;
  final double[][] doubles;
  final int[][] ints;
  final int[][] offsets;
  final float[][] itemFloats;
  final int[][] itemInts;
  private final Plan plan;
  private final int[][] selections;
  private final double[][] defined;

  ChunkEval(Plan plan) {
    this.plan = plan;
    floats = new float[plan.floatCols.size()][];
    doubles = new double[plan.doubleCols.size()][];
    ints = new int[plan.intCols.size()][];
    offsets = new int[plan.collections.size()][];
    itemFloats = new float[plan.itemFloatCols.size()][];
    itemInts = new int[plan.itemIntCols.size()][];
    selections = new int[plan.nodes.size()][];
    defined = new double[plan.defineOutputs()][];
  }

  /** Points this evaluation at {@code next}, forgetting everything computed for the previous chunk. */
  void load(Batch next) {
    this.batch = next;
    this.rows = next.rows();
    for (int i = 0; i < floats.length; i++) {
      floats[i] = next.floats(plan.floatCols.get(i));
      check(floats[i].length, plan.floatCols.get(i));
    }
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = next.doubles(plan.doubleCols.get(i));
      check(doubles[i].length, plan.doubleCols.get(i));
    }
    for (int i = 0; i < ints.length; i++) {
      ints[i] = next.ints(plan.intCols.get(i));
      check(ints[i].length, plan.intCols.get(i));
    }
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = next.offsets(plan.collections.get(i).name);
    }
    for (int i = 0; i < itemFloats.length; i++) {
      Items p = plan.itemFloatCols.get(i);
      itemFloats[i] = next.floats(p.name);
      checkItems(itemFloats[i].length, p);
    }
    for (int i = 0; i < itemInts.length; i++) {
      Items p = plan.itemIntCols.get(i);
      itemInts[i] = next.ints(p.name);
      checkItems(itemInts[i].length, p);
    }
    java.util.Arrays.fill(selections, null);
    java.util.Arrays.fill(defined, null);
  }

  /**
   * Drops every reference to the current chunk, so a task waiting for its next chunk does not keep the
   * last one reachable (the chunks-in-flight limit counts one chunk per task).
   */
  void clear() {
    batch = null;
    rows = 0;
    java.util.Arrays.fill(floats, null);
    java.util.Arrays.fill(doubles, null);
    java.util.Arrays.fill(ints, null);
    java.util.Arrays.fill(offsets, null);
    java.util.Arrays.fill(itemFloats, null);
    java.util.Arrays.fill(itemInts, null);
    java.util.Arrays.fill(selections, null);
    java.util.Arrays.fill(defined, null);
  }

  private void check(int length, String name) {
    if (length != rows) {
      throw new IllegalArgumentException("column " + name + " has " + length + " values for " + rows + " events");
    }
  }

  private void checkItems(int length, Items p) {
    int[] o = offsets[p.collection.slot];
    if (length != o[rows]) {
      throw new IllegalArgumentException("column " + p.name + " has " + length + " values for " + o[rows] + " items");
    }
  }

  double value(Col c, int row) {
    return switch (c.source) {
      case FLOAT -> floats[c.slot][row];
      case DOUBLE -> doubles[c.slot][row];
      case INT -> ints[c.slot][row];
      case DEFINED -> defined(c.slot)[row];
    };
  }

  /** The rows of this chunk that pass {@code node}'s filters, ascending. */
  int[] selection(DataFrame node) {
    int[] s = selections[node.id];
    if (s != null) {
      return s;
    }
    if (node.parent == null) {
      s = new int[rows];
      for (int i = 0; i < rows; i++) {
        s[i] = i;
      }
    } else {
      int[] in = selection(node.parent);
      int[] out = new int[in.length];
      int n = 0;
      Event e = new Event(this);
      for (int r : in) {
        e.row = r;
        if (node.predicate.test(e)) {
          out[n++] = r;
        }
      }
      s = n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
    selections[node.id] = s;
    return s;
  }

  /** A defined column's values (NaN outside its node's selection), computed on first use. */
  double[] defined(int slot) {
    double[] v = defined[slot];
    if (v != null) {
      return v;
    }
    Plan.Define d = plan.defineOf(slot);
    double[][] outs = new double[d.width()][];
    for (int k = 0; k < outs.length; k++) {
      outs[k] = new double[rows];
      java.util.Arrays.fill(outs[k], Double.NaN);
    }
    Event e = new Event(this);
    double[] tmp = new double[d.width()];
    for (int r : selection(d.node())) {
      e.row = r;
      if (d.single() != null) {
        outs[0][r] = d.single().applyAsDouble(e);
      } else {
        java.util.Arrays.fill(tmp, Double.NaN);
        d.multi().compute(e, tmp);
        for (int k = 0; k < tmp.length; k++) {
          outs[k][r] = tmp[k];
        }
      }
    }
    for (int k = 0; k < outs.length; k++) {
      defined[d.firstSlot() + k] = outs[k];
    }
    return defined[slot];
  }
}
