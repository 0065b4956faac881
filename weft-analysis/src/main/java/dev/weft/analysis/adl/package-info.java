/**
 * The eight ADL benchmark queries (QUERIES.md in the sample data) written with the dataframe API, their
 * kinematics, and their outputs (CSV of non-empty bins, plots). Depends on frame, hist, io and plot.
 */
package dev.weft.analysis.adl;
