package dev.weft.analysis.hist;

import java.util.Arrays;

/** Bins between strictly increasing {@code edges}: bin i covers [edges[i-1], edges[i]). */
public record VariableAxis(double[] edges, String title, String unit) implements Axis {
  public VariableAxis {
    if (edges.length < 2) {
      throw new IllegalArgumentException("variable axis needs at least two edges");
    }
    edges = edges.clone();
    for (int i = 1; i < edges.length; i++) {
      if (!(edges[i - 1] < edges[i]) || Double.isInfinite(edges[i]) || Double.isInfinite(edges[i - 1])) {
        throw new IllegalArgumentException("variable axis edges must be finite and strictly increasing");
      }
    }
    title = title == null ? "" : title;
    unit = unit == null ? "" : unit;
  }

  @Override
  public double[] edges() {
    return edges.clone();
  }

  @Override
  public int size() {
    return edges.length + 1;
  }

  @Override
  public int index(double v) {
    if (v < edges[0]) {
      return 0;
    }
    if (!(v < edges[edges.length - 1])) {
      return edges.length;
    }
    int i = Arrays.binarySearch(edges, v);
    // Exact hit on edge i starts bin i+1; otherwise insertion point p means edges[p-1] < v < edges[p].
    return i >= 0 ? i + 1 : -i - 1;
  }

  @Override
  public double center(int index) {
    if (index == 0) {
      return edges[0] - (edges[1] - edges[0]) / 2;
    }
    if (index == edges.length) {
      int n = edges.length;
      return edges[n - 1] + (edges[n - 1] - edges[n - 2]) / 2;
    }
    return (edges[index - 1] + edges[index]) / 2;
  }

  @Override
  public double lower(int index) {
    return edges[index - 1];
  }

  @Override
  public double upper(int index) {
    return edges[index];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VariableAxis v && Arrays.equals(edges, v.edges) && title.equals(v.title) && unit.equals(v.unit);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(edges) * 31 + title.hashCode();
  }

  @Override
  public String toString() {
    return "VariableAxis" + Arrays.toString(edges);
  }
}
