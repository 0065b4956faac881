/**
 * weft-store: a composefs-compatible repository (objects named by fs-verity SHA-256, split streams,
 * refs), OCI image import/export/unpack, fsck and gc. Subpackages: {@code verity} (digests),
 * {@code repo} (the on-disk repository), {@code splitstream} (the file format), {@code tar} (splitting
 * tars into streams), {@code oci} (images), {@code maint} (fsck, gc). Depends on weft-runtime, never on
 * the CLI.
 */
package dev.weft.store;
