/**
 * Erasure-coded datasets: blocks in interleaved steps with parity following the data, a protected
 * manifest (itself a content-addressed block, with root hashes over the block ids), parallel step encoding
 * and verified, reconstructing reads. Written against the small {@link dev.weft.ec.dataset.BlockStore}
 * interface (in-memory and directory implementations here) so the repository in weft-store can plug in;
 * must not depend on weft-store.
 */
package dev.weft.ec.dataset;
