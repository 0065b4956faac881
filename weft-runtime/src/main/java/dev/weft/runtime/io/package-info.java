/**
 * File primitives every module shares: fsync of a file or of a directory (so a name created or renamed in
 * it survives a power loss), and the check that an output path may be replaced by a rename (not a device
 * or a fifo). One implementation each, so every module fails the same way; an fsync that reports an error
 * is never swallowed, since the data it covered may be lost.
 */
package dev.weft.runtime.io;
