/** The kernel's bench area: delegates to {@code dev.weft.cli.kernel.KernelBench}. Depends on weft-cli only. */
package dev.weft.bench.kernel;
