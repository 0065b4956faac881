package dev.weft.analysis.columnar;

import java.util.Objects;

/**
 * A column a computation needs, by logical name: {@code MET.pt} (one value per event) or {@code Jet.pt}
 * (one value per jet, {@code jagged}). Readers map the logical name onto each file layout.
 */
public record ColumnSpec(String name, ColumnType type, boolean jagged) {
  public ColumnSpec {
    Objects.requireNonNull(name);
    Objects.requireNonNull(type);
    int dot = name.indexOf('.');
    if (dot <= 0 || dot == name.length() - 1 || name.indexOf('.', dot + 1) >= 0) {
      throw new IllegalArgumentException("column name must be Group.field, got " + name);
    }
  }

  public static ColumnSpec scalar(String name, ColumnType type) {
    return new ColumnSpec(name, type, false);
  }

  public static ColumnSpec jagged(String name, ColumnType type) {
    return new ColumnSpec(name, type, true);
  }

  /** The part before the dot: the collection ({@code Jet}) or the event-level group ({@code MET}). */
  public String group() {
    return name.substring(0, name.indexOf('.'));
  }

  /** The part after the dot ({@code pt}). */
  public String field() {
    return name.substring(name.indexOf('.') + 1);
  }
}
