package dev.weft.store.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.Task;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.store.repo.RepoLock;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a stored image as an OCI image layout. Layer tars are rebuilt from their split streams and must
 * hash to the config's diff_ids (checked while writing); they are compressed as asked, one pool task per
 * layer. The config blob is the original; the manifest is the original when the compression matches the
 * source's, else a new one naming the new layer blobs.
 */
public final class ImageExporter {
  private final Repository repo;
  private final TaskPool pool;

  public ImageExporter(Repository repo, TaskPool pool) {
    this.repo = repo;
    this.pool = pool;
  }

  /** Blob written for one layer. */
  private record Blob(String digest, long size, String mediaType) {}

  /** @param compression none, gzip or zstd */
  public String export(String name, Path dir, String compression) throws IOException {
    if (!List.of("none", "gzip", "zstd").contains(compression)) {
      throw new UsageException("--compress must be none, gzip or zstd, got " + compression);
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageException(dir + ": not a directory; export writes an OCI image layout directory");
    }
    ArrayNode earlier = existingManifests(dir);
    try (RepoLock lock = repo.lockForReading()) {
      StoredImage img = StoredImage.load(repo, name);
      Path blobs = dir.resolve("blobs").resolve("sha256");
      Files.createDirectories(blobs);
      List<Blob> written = new ArrayList<>();
      try (Scope scope = pool.openScope()) {
        List<Task<Blob>> tasks = new ArrayList<>();
        for (StoredImage.StoredLayer l : img.layers()) {
          tasks.add(scope.fork(() -> writeLayer(l, blobs, compression)));
        }
        scope.join();
        tasks.forEach(t -> written.add(t.join()));
      }
      boolean sameAsSource = true;
      for (int i = 0; i < written.size(); i++) {
        sameAsSource &= written.get(i).digest().equals(img.layers().get(i).blobDigest());
      }
      writeBlob(blobs, img.config());
      byte[] manifest = img.manifest();
      if (!sameAsSource) {
        ObjectNode m = (ObjectNode) StoredImage.parse(img.manifest(), img.manifestDigest());
        m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ArrayNode layers = m.putArray("layers");
        for (Blob b : written) {
          layers.addObject().put("mediaType", b.mediaType()).put("digest", b.digest()).put("size", b.size());
        }
        manifest = ImageImporter.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
      }
      String manifestDigest = writeBlob(blobs, manifest);
      ObjectNode index = ImageImporter.JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", "application/vnd.oci.image.index.v1+json");
      ArrayNode manifests = index.putArray("manifests");
      // Images already in the layout stay, except one under the same name, which this export replaces.
      for (JsonNode m : earlier) {
        if (!name.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText(null))) {
          manifests.add(m);
        }
      }
      ObjectNode desc = manifests.addObject();
      desc.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
      desc.put("digest", manifestDigest);
      desc.put("size", manifest.length);
      desc.putObject("annotations").put("org.opencontainers.image.ref.name", name);
      writeReplacing(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      writeReplacing(dir.resolve("index.json"), ImageImporter.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
      return manifestDigest;
    }
  }

  /**
   * The manifests of the OCI layout already at {@code dir}, which an export adds to; none for a missing or
   * empty directory. Any other non-empty directory is refused: its files are not ours to mix a layout into.
   */
  private static ArrayNode existingManifests(Path dir) throws IOException {
    ArrayNode none = ImageImporter.JSON.createArrayNode();
    if (!Files.isDirectory(dir)) {
      return none;
    }
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isEmpty()) {
        return none;
      }
    }
    Path index = dir.resolve("index.json");
    if (!Files.isRegularFile(dir.resolve("oci-layout")) || !Files.isRegularFile(index)) {
      throw new UsageException(dir + ": not empty and not an OCI image layout; export needs an empty or new"
          + " directory, or a layout to add the image to");
    }
    JsonNode manifests = StoredImage.parse(Files.readAllBytes(index), index.toString()).path("manifests");
    if (!manifests.isArray()) {
      throw new BadDataException(index + ": no manifests array");
    }
    return (ArrayNode) manifests;
  }

  /** Writes a layout file through a temporary name, so a reader never sees it half-written. */
  private static void writeReplacing(Path file, byte[] data) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, data);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String writeBlob(Path blobs, byte[] data) throws IOException {
    String digest = Digests.of(data);
    Files.write(blobs.resolve(digest.substring(7)), data);
    return digest;
  }

  private Blob writeLayer(StoredImage.StoredLayer l, Path blobs, String compression) throws IOException {
    SplitStream ss = SplitStream.load(repo, l.streamId(), l.streamName());
    // Created like any new file (mode from the umask, unlike createTempFile's 0600), under a unique name.
    Path tmp = Files.createFile(blobs.resolve(".layer-" + Thread.currentThread().threadId() + "-" + System.nanoTime() + ".tmp"));
    try {
      MessageDigest blobMd = Digests.sha256();
      MessageDigest tarMd = Digests.sha256();
      long size;
      try (OutputStream file = Files.newOutputStream(tmp);
           DigestOutputStream blobOut = new DigestOutputStream(new BufferedOutputStream(file, 1 << 20), blobMd)) {
        OutputStream compressed = switch (compression) {
          case "gzip" -> new GZIPOutputStream(blobOut, 1 << 16);
          case "zstd" -> new ZstdOutputStream(blobOut, 3);
          default -> blobOut;
        };
        try (DigestOutputStream tarOut = new DigestOutputStream(compressed, tarMd)) {
          ss.cat(repo, tarOut);
        }
      }
      size = Files.size(tmp);
      String tarDigest = Digests.of(tarMd);
      if (!tarDigest.equals(l.diffId())) {
        throw new BadDataException(l.streamName() + ": rebuilt tar has digest " + tarDigest + ", not its diff_id");
      }
      String digest = Digests.of(blobMd);
      Files.move(tmp, blobs.resolve(digest.substring(7)), StandardCopyOption.REPLACE_EXISTING);
      String mediaType = switch (compression) {
        case "gzip" -> "application/vnd.oci.image.layer.v1.tar+gzip";
        case "zstd" -> "application/vnd.oci.image.layer.v1.tar+zstd";
        default -> "application/vnd.oci.image.layer.v1.tar";
      };
      return new Blob(digest, size, mediaType);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
