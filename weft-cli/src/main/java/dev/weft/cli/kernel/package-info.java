/**
 * CLI for the deterministic kernel: {@code weft kernel run|bench} and {@code weft log show|verify|roll|chop},
 * the kernel benchmarks (shared with {@code weft bench kernel}) and the kernel's demo step. Depends on
 * weft-kernel and the CLI's context; holds no kernel logic of its own.
 */
package dev.weft.cli.kernel;
