/**
 * Where shard buffers come from: {@link dev.weft.ec.buffer.ShardBuffers} allocates a stripe's k + m native
 * cells as one region backed by transparent huge pages when the kernel offers them, so the cold coding loop
 * streams through few TLB entries and the prefetcher is not stopped at every 4 KiB boundary. Depends on the
 * JDK only (FFM calls of {@code mmap}, {@code madvise} and {@code munmap}); no threads, no kernels.
 */
package dev.weft.ec.buffer;
