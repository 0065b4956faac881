/**
 * File primitives every module shares: fsync of a file or of a directory (so a name created or
 * renamed in it survives a power loss). One implementation, so every module fails the same way: an fsync
 * that reports an error is never swallowed, since the data it covered may be lost.
 */
package dev.weft.runtime.io;
