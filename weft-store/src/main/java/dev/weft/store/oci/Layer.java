package dev.weft.store.oci;

/**
 * One layer as the manifest and config describe it.
 *
 * @param index position in the manifest (0 = bottom)
 * @param digest the blob's digest (of the possibly compressed bytes)
 * @param size the blob's size in bytes
 * @param mediaType the blob's media type
 * @param diffId the digest of the uncompressed tar, from the config
 * @param path where the blob is in the source
 */
record Layer(int index, String digest, long size, String mediaType, String diffId, String path) {
  String streamName() {
    return OciNames.layerStream(diffId);
  }
}
