/**
 * Speculative parallel apply (Block-STM): multi-version memory with estimate markers, the collaborative
 * scheduler, in-order commit and the fallback to sequential. Runs its workers on the shared TaskPool; depends
 * on {@code state} and {@code machine}; never on the journal.
 */
package dev.weft.kernel.stm;
