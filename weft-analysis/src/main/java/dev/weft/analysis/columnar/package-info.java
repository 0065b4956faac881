/**
 * Columnar event batches: primitive arrays per column, jagged collections (jets, muons…) as one offsets
 * array per collection plus a contents array per property. Pure data; depends on the JDK only, never on a
 * file format or on the dataframe that consumes it.
 */
package dev.weft.analysis.columnar;
