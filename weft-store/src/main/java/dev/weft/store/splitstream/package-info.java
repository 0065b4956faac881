/**
 * The composefs-rs split-stream file format, byte for byte (see {@code docs/formats/splitstream.md}):
 * writing and reading the header, info block, digest arrays, named refs and the zstd-compressed chunk
 * stream, and rebuilding the original bytes. Depends on {@code verity}, {@code repo} (to read objects back)
 * and zstd-jni; knows nothing about tar or OCI.
 */
package dev.weft.store.splitstream;
