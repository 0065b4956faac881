/**
 * Effects: requests a handler emits, the registered deterministic computations they name, executors that
 * run them on the shared pool or in worker JVMs, their outcomes as journaled events, and the blob store
 * for large results. Depends on weft-runtime (pool, limits, workers); never on the journal or the state.
 */
package dev.weft.kernel.effect;
