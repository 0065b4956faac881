/**
 * The multiprocessing analogue: child JVMs from the runtime's worker pool each fill their share (a range
 * of synthetic values, or a range of Parquet row groups for the ADL queries) and send back serialized
 * histograms, which the parent merges. Timings separate process start, the children's compute and the
 * round trip (serialization and pipes). Depends on frame, adl, hist, io and dev.weft.runtime.worker.
 */
package dev.weft.analysis.proc;
