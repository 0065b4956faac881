/**
 * GF(2^8) matrix-times-shards kernels: scalar (fallback and test oracle), Vector API split-table
 * (nibble), 7-bit two-table, and XOR for all-ones rows (the m = 1 fast path). A kernel compiles a matrix into an immutable program and runs it over
 * memory segments (native shards at their addresses through one all-memory segment, checked once per
 * call: {@code NativeShards}). Depends on {@code dev.weft.ec.gf} and the JDK (incl. jdk.incubator.vector) only; no
 * threads, no I/O.
 */
package dev.weft.ec.kernel;
