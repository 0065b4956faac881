/**
 * Test-only oracle for the ADL benchmark queries: a plain per-event loop over the JSON-lines sample,
 * written from {@code QUERIES.md}. It must not depend on any weft-analysis main code (readers, columns,
 * dataframe, histograms), so that comparing the engine against it checks two independent programs.
 */
package dev.weft.analysis.adl.reference;
