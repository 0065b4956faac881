/**
 * Histograms: regular, variable and ADL-convention axes with under/overflow, integer-count and weighted
 * (sum w, sum w²) storage, merge, an atomic shared variant, and the JSON file format (docs/formats/weft-hist.md).
 * Depends on the JDK and Jackson only; never on readers, the dataframe or plotting.
 */
package dev.weft.analysis.hist;
