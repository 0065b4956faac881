package dev.weft.store.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: finds and edits blobs of a layout written by {@link TestImages}. */
final class StoredLayerFinder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoredLayerFinder() {}

  static Path manifestPath(Path layout) throws IOException {
    String d = JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0).path("digest").asText();
    return layout.resolve("blobs/sha256/" + d.substring(7));
  }

  static String firstLayerBlob(Path layout) throws IOException {
    return JSON.readTree(manifestPath(layout).toFile()).path("layers").get(0).path("digest").asText().substring(7);
  }

  static String configBlob(Path layout) throws IOException {
    return JSON.readTree(manifestPath(layout).toFile()).path("config").path("digest").asText().substring(7);
  }

  /** Edits the manifest and rewrites its blob and the index entry to stay consistent. */
  static void editManifest(Path layout, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    Path blobs = layout.resolve("blobs/sha256");
    Path mp = manifestPath(layout);
    ObjectNode m = (ObjectNode) JSON.readTree(mp.toFile());
    edit.accept(m);
    Files.delete(mp);
    byte[] mb = JSON.writeValueAsBytes(m);
    String md = TestImages.put(blobs, mb);
    ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ((ObjectNode) index.path("manifests").get(0)).put("digest", md).put("size", mb.length);
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
  }

  /** Replaces the config blob and rewrites manifest and index to stay consistent. */
  static void replaceConfig(Path layout, String oldConfig, byte[] config) throws IOException {
    Path blobs = layout.resolve("blobs/sha256");
    Files.delete(blobs.resolve(oldConfig));
    String cd = TestImages.put(blobs, config);
    Path mp = manifestPath(layout);
    ObjectNode m = (ObjectNode) JSON.readTree(mp.toFile());
    ((ObjectNode) m.path("config")).put("digest", cd).put("size", config.length);
    Files.delete(mp);
    byte[] mb = JSON.writeValueAsBytes(m);
    String md = TestImages.put(blobs, mb);
    ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ((ObjectNode) index.path("manifests").get(0)).put("digest", md).put("size", mb.length);
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
  }
}
