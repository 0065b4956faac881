/**
 * OCI images in the repository, stored the way composefs-rs stores them: a layer is the split stream
 * {@code oci-layer-<diff_id>}, the config {@code oci-config-<digest>} and the manifest
 * {@code oci-manifest-<digest>} are split streams holding the JSON as an object and naming the streams they
 * need; a name is the ref {@code streams/refs/oci/<name>}. Import (OCI layout directories and
 * {@code docker save} archives, parallel layers and parallel work inside a layer), export, unpack.
 * Depends on {@code repo}, {@code splitstream}, {@code tar}, weft-runtime, Jackson, zstd-jni and
 * commons-compress; never on the CLI.
 */
package dev.weft.store.oci;
