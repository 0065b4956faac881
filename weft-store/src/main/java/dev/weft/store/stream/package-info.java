/**
 * Streams for the sequential reader of a layer: {@link dev.weft.store.stream.HashingReader} hashes what
 * a reader reads on the shared pool, in order, so the digest checks of an import (blob digest, diff_id)
 * do not run on the one thread that reads and decompresses.
 */
package dev.weft.store.stream;
