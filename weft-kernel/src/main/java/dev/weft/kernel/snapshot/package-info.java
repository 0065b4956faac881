/**
 * Snapshots: the immutable state (plus pending effects) at an event boundary, written in the background to
 * complete-or-absent files and read back with a CRC and a recomputed state hash. Depends on {@code state}
 * and {@code effect} types; never on the journal.
 */
package dev.weft.kernel.snapshot;
