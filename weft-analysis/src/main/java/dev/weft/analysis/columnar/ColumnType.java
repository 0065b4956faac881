package dev.weft.analysis.columnar;

/** The in-memory type of a column: physics values are 32-bit floats, counts and charges are ints. */
public enum ColumnType {
  FLOAT,
  INT
}
