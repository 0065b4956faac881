/**
 * Reading and writing event files: Parquet (both the nested "restructured" and the flat NanoAOD-like
 * layout) through parquet-java's column readers, JSON lines through Jackson's streaming parser, and the
 * seeded resampling generator. Produces {@link dev.weft.analysis.columnar.Batch}es chunk by chunk so
 * memory stays bounded. Must not depend on the dataframe, histograms or plots.
 */
package dev.weft.analysis.io;
