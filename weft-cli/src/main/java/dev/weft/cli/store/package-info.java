/**
 * The repository commands: {@code weft oci import|ls|inspect|export|unpack|untag}, {@code weft cat},
 * {@code weft fsck}, {@code weft gc}, and the store's demo step. Only argument handling and output; the work
 * is in weft-store.
 */
package dev.weft.cli.store;
