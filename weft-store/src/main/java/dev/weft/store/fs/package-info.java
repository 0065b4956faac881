/**
 * Linux file-system calls the JDK does not offer — {@code mknod} (device nodes, fifos) and
 * {@code lsetxattr}/{@code lgetxattr} (extended attributes in any namespace) — through the FFM API, for
 * unpacking root filesystems; and {@code O_TMPFILE} + {@code linkat} ({@link dev.weft.store.fs.TmpfileWriter}),
 * the repository's way of writing an object that has no name until it is complete, with large objects
 * written past the page cache ({@link dev.weft.store.fs.DirectIo}, {@code O_DIRECT}); and the repository's one
 * durability barrier, {@code syncfs} ({@link dev.weft.store.fs.FsBarrier}). The libc handles are
 * bound in one place ({@code Posix}); object writes borrow their native buffers from a free list
 * ({@code Scratch}) instead of allocating per object. Depends on the JDK only; callers check {@link dev.weft.store.fs.NativeFs#available()} or
 * {@link dev.weft.store.fs.TmpfileWriter#supported(java.nio.file.Path)}.
 */
package dev.weft.store.fs;
