package dev.weft.store.oci;

import java.util.List;

/**
 * What an import did.
 *
 * @param name the image name (ref {@code oci/<name>})
 * @param manifestDigest the manifest's digest
 * @param layers every layer, bottom first, with whether it was imported now or already present
 * @param tarBytes uncompressed tar bytes split in this run
 * @param objectsWritten objects written in this run (present ones are skipped)
 * @param bytesWritten bytes of those objects
 * @param seconds wall time
 */
public record ImportReport(String name, String manifestDigest, List<LayerResult> layers, long tarBytes,
    long objectsWritten, long bytesWritten, double seconds) {

  /** One layer's outcome: imported now, or skipped because its stream was present. */
  public record LayerResult(String diffId, long blobSize, boolean imported, long tarBytes, long externalFiles) {}
}
