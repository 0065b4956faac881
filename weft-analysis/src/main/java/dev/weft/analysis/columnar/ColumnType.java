package dev.weft.analysis.columnar;

/** The in-memory type of a column: physics values in event files are 32-bit floats, counts and
 * charges are ints; doubles hold derived or synthetic values. */
public enum ColumnType {
  FLOAT,
  DOUBLE,
  INT
}
