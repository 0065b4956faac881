package dev.weft.store.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.runtime.BadDataException;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.ContentType;
import dev.weft.store.splitstream.SplitStream;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An image as stored: the manifest and config JSON (bit-identical to the source's) and its layers' streams.
 *
 * @param layers bottom first
 */
public record StoredImage(String name, String manifestDigest, byte[] manifest, String configDigest, byte[] config,
    List<StoredLayer> layers) {

  /** One layer: its diff_id, the digest and media type the manifest gives, and its stream. */
  public record StoredLayer(String diffId, String blobDigest, String mediaType, long blobSize, String streamName,
      ObjectId streamId) {}

  /** Every image name in the repository, sorted. */
  public static List<String> names(Repository repo) throws IOException {
    return repo.refs("oci").stream().map(OciNames::name).toList();
  }

  /** Loads image {@code name}; a missing image or a broken stream is bad data naming it. */
  public static StoredImage load(Repository repo, String name) throws IOException {
    String manifestStream = repo.refTarget(OciNames.ref(name))
        .orElseThrow(() -> new BadDataException("no image named '" + name + "' in " + repo.root()));
    ObjectId mid = repo.streamId(manifestStream)
        .orElseThrow(() -> new BadDataException(name + ": stream " + manifestStream + " is missing"));
    SplitStream ms = SplitStream.load(repo, mid, manifestStream);
    if (ms.contentType() != ContentType.OCI_MANIFEST) {
      throw new BadDataException(manifestStream + ": not a manifest stream");
    }
    byte[] manifest = ms.catBytes(repo);
    String manifestDigest = manifestStream.substring("oci-manifest-".length());
    JsonNode m = parse(manifest, manifestStream);
    String configDigest = m.path("config").path("digest").asText();
    String configStream = OciNames.configStream(configDigest);
    ObjectId cid = repo.streamId(configStream)
        .orElseThrow(() -> new BadDataException(name + ": stream " + configStream + " is missing"));
    byte[] config = SplitStream.load(repo, cid, configStream).catBytes(repo);
    JsonNode c = parse(config, configStream);
    JsonNode diffIds = c.path("rootfs").path("diff_ids");
    JsonNode layers = m.path("layers");
    List<StoredLayer> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      String diffId = diffIds.path(i).asText();
      String stream = OciNames.layerStream(diffId);
      ObjectId lid = repo.streamId(stream)
          .orElseThrow(() -> new BadDataException(name + ": layer stream " + stream + " is missing"));
      JsonNode l = layers.get(i);
      out.add(new StoredLayer(diffId, l.path("digest").asText(), l.path("mediaType").asText(), l.path("size").asLong(),
          stream, lid));
    }
    return new StoredImage(name, manifestDigest, manifest, configDigest, config, List.copyOf(out));
  }

  static JsonNode parse(byte[] json, String what) {
    try {
      return ImageImporter.JSON.readTree(json);
    } catch (IOException e) {
      throw new BadDataException(what + ": malformed JSON: " + dev.weft.store.repo.JsonErrors.describe(e));
    }
  }

  public JsonNode configJson() {
    return parse(config, configDigest);
  }
}
