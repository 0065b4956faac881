/**
 * Histogram plots (PNG and SVG) with XChart: axis titles with units, and the under/overflow contents
 * written in the legend because they have no place on the axis. Depends on hist only.
 */
package dev.weft.analysis.plot;
