/**
 * {@code weft bench ec} and the JMH kernel benchmarks: weft's Java and ISA-L backends against
 * hadoop-common's RS coder and ISA-L called from C. Benchmark code only; nothing depends on it.
 */
package dev.weft.bench.ec;
