package dev.weft.analysis.frame;

import dev.weft.analysis.columnar.Batch;

/**
 * Everything one task knows about its chunk: the column arrays resolved by slot, and the selections and
 * defined columns computed so far (each at most once per chunk, only when something asks for it).
 * Confined to the task's thread.
 */
final class ChunkEval {
  final Batch batch;
  final int rows;
  final float[][] floats;
  final double[][] doubles;
  final int[][] ints;
  final int[][] offsets;
  final float[][] itemFloats;
  final int[][] itemInts;
  private final Plan plan;
  private final int[][] selections;
  private final double[][] defined;

  ChunkEval(Plan plan, Batch batch) {
    this.plan = plan;
    this.batch = batch;
    this.rows = batch.rows();
    floats = new float[plan.floatCols.size()][];
    for (int i = 0; i < floats.length; i++) {
      floats[i] = batch.floats(plan.floatCols.get(i));
      check(floats[i].length, plan.floatCols.get(i));
    }
    doubles = new double[plan.doubleCols.size()][];
    for (int i = 0; i < doubles.length; i++) {
      doubles[i] = batch.doubles(plan.doubleCols.get(i));
      check(doubles[i].length, plan.doubleCols.get(i));
    }
    ints = new int[plan.intCols.size()][];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = batch.ints(plan.intCols.get(i));
      check(ints[i].length, plan.intCols.get(i));
    }
    offsets = new int[plan.collections.size()][];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = batch.offsets(plan.collections.get(i).name);
    }
    itemFloats = new float[plan.itemFloatCols.size()][];
    for (int i = 0; i < itemFloats.length; i++) {
      Items p = plan.itemFloatCols.get(i);
      itemFloats[i] = batch.floats(p.name);
      checkItems(itemFloats[i].length, p);
    }
    itemInts = new int[plan.itemIntCols.size()][];
    for (int i = 0; i < itemInts.length; i++) {
      Items p = plan.itemIntCols.get(i);
      itemInts[i] = batch.ints(p.name);
      checkItems(itemInts[i].length, p);
    }
    selections = new int[plan.nodes.size()][];
    defined = new double[plan.defineOutputs()][];
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
