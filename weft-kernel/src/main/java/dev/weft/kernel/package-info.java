/**
 * weft-kernel's top level: the live {@link dev.weft.kernel.Kernel} (apply, journal, output commit, effects,
 * snapshots), {@link dev.weft.kernel.Restore} (restart and verified replay) and offline epoch management.
 * Subpackages: {@code state}, {@code machine}, {@code journal}, {@code snapshot}, {@code effect}, {@code stm}
 * (speculative parallel apply) and {@code ledger} (the benchmark workload). Depends on weft-runtime only.
 */
package dev.weft.kernel;
