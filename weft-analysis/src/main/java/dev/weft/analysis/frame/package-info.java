/**
 * The lazy dataframe: {@code filter}, {@code define}, {@code histo1D}/{@code histo2D}, {@code count},
 * {@code sum} book work on a graph; the first result asked for runs every booked action in one parallel
 * pass over the source's chunks on the shared {@link dev.weft.runtime.pool.TaskPool}, with a selectable
 * {@link dev.weft.analysis.frame.FillMode}. Depends on columnar, io (sources) and hist; never on plots or
 * the CLI.
 */
package dev.weft.analysis.frame;
