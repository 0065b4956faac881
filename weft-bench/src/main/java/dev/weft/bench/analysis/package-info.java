/**
 * {@code weft bench analysis}: histogram fill rates (plain loop, every fill mode at 1 and 2 threads, child
 * processes with their start-up and transfer costs apart) and the ADL queries on generated in-memory
 * events, and the paired engine-vs-plain-loop overhead row; {@code EngineOverheadJmh} is the same
 * comparison under JMH. Depends on weft-analysis and the CLI's bench SPI.
 */
package dev.weft.bench.analysis;
