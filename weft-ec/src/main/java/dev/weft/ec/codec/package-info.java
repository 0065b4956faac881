/**
 * The Reed–Solomon codec: {@link dev.weft.ec.codec.ReedSolomon} (encode, verify, reconstruct, decode
 * programs cached by erasure pattern; on {@code byte[]}, {@code ByteBuffer} and {@code MemorySegment}
 * shards), {@link dev.weft.ec.codec.Backend}/{@link dev.weft.ec.codec.BackendChoice} (which kernel and
 * why) and {@link dev.weft.ec.codec.ParallelCoder} (stripes on the shared
 * task pool under the {@code ec.jobs} limit, async with buffer-safe cancellation). Depends on
 * {@code gf}, {@code kernel} and weft-runtime's pool; no I/O, no file formats.
 */
package dev.weft.ec.codec;
