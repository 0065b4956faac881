/**
 * The state-machine API: events, the pure handler, the transaction view a handler reads and writes
 * through, and the sequential transition {@code apply(state, event) -> (state', effects)}. Depends on
 * {@code state} and the effect request type only; no journal, no threads.
 */
package dev.weft.kernel.machine;
