/**
 * The fs-verity SHA-256 file digest (4 KiB blocks, no salt) computed in user space, exactly as the Linux
 * kernel defines it: a Merkle tree over zero-padded 4 KiB blocks, then SHA-256 of the 256-byte
 * {@code fsverity_descriptor}. Used to name repository objects. Depends on the JDK only.
 */
package dev.weft.store.verity;
