/**
 * The durable journal: segmented append-only files in epoch directories, records framed by their length at
 * both ends with a sequence number, type, state hash and CRC32C; group commit by one writer thread; a
 * checking reader that tells a torn tail from corruption in the middle. Knows nothing of events' meaning,
 * the state or effects; depends on weft-runtime's error types only.
 */
package dev.weft.kernel.journal;
