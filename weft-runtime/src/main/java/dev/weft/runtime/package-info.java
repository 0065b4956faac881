/**
 * weft-runtime: the one place that owns threads and processes. Subpackages: {@code pool} (the shared
 * task pool, tasks with buffer-safe cancellation, structured scopes), {@code limit} (named concurrency
 * limits and byte budgets), {@code progress} (the progress listener API), {@code worker} (warm child JVMs),
 * {@code io} (fsync of files and directories, checks on output paths; shared by every module that writes).
 * This package holds the error types every module throws at users. Depends on the JDK only.
 */
package dev.weft.runtime;
