/**
 * Splits a tar stream into a split stream the way composefs does: every regular file larger than 64 bytes
 * becomes an external object; headers, PAX/GNU extension blocks, small files, links, padding, end-of-archive
 * blocks and trailing bytes stay inline, so the tar rebuilds bit for bit. Reading stays sequential on the
 * caller's thread; hashing and object writes fan out to the shared pool under a byte budget, and the split
 * stream is assembled (and compressed) in stream order by whichever thread completes the head of the queue
 * ({@code StreamAssembler}). Uses commons-compress only to decode tar headers. Depends on {@code verity},
 * {@code repo}, {@code splitstream} and weft-runtime; knows nothing about OCI.
 */
package dev.weft.store.tar;
