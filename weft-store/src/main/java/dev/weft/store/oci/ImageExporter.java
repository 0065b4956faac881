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
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.repo.RepoLock;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a stored image as an OCI image layout. Layer tars are rebuilt from their split streams and must
 * hash to the config's diff_ids (checked while writing); they are compressed as asked, one pool task per
 * layer. The config blob is the original; the manifest is the original when the compression matches the
 * source's, else a new one naming the new layer blobs.
 *
 * <p>{@code index.json}, renamed into place last, publishes the image. Until then a failure or cancel
 * removes everything this export created (the directory itself if it was new, blobs/, blob files that
 * were not there before, temporary files), so an existing layout is left as it was and a new directory
 * does not stay behind to make the re-run refuse it as "not empty". One export at a time per layout:
 * nothing locks DIR, so two exports into one layout at once can lose one's index.json entry, or have one's
 * cleanup remove a blob the other found present.
 */
public final class ImageExporter {
  private final Repository repo;
  private final TaskPool pool;
  private final ProgressListener progress;

  public ImageExporter(Repository repo, TaskPool pool) {
    this(repo, pool, ProgressListener.NONE);
  }

  /** @param progress told about the tar bytes written: overall, and per layer */
  public ImageExporter(Repository repo, TaskPool pool, ProgressListener progress) {
    this.repo = repo;
    this.pool = pool;
    this.progress = progress;
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
      List<SplitStream> streams = new ArrayList<>();
      for (StoredImage.StoredLayer l : img.layers()) {
        streams.add(SplitStream.load(repo, l.streamId(), l.streamName()));
      }
      // What this export created: directories outermost first; files as they are renamed into place (from
      // pool threads, hence a concurrent set).
      List<Path> createdDirs = new ArrayList<>();
      Set<Path> createdFiles = ConcurrentHashMap.newKeySet();
      Path blobs = dir.resolve("blobs").resolve("sha256");
      List<Path> wanted = new ArrayList<>(List.of(dir.resolve("blobs"), blobs));
      for (Path d = dir.toAbsolutePath(); d != null && !Files.isDirectory(d); d = d.getParent()) {
        wanted.addFirst(d); // DIR and any missing parent
      }
      try {
        for (Path d : wanted) {
          if (!Files.isDirectory(d)) {
            Files.createDirectory(d);
            createdDirs.add(d);
          }
        }
        return exportInto(img, streams, name, dir, blobs, compression, earlier, createdFiles);
      } catch (IOException | RuntimeException | Error e) {
        // The pool's tasks have ended here (a scope waits for its children), so nothing writes any more.
        // Each removal on its own: one that fails must not leave the rest behind.
        for (Path f : createdFiles) {
          try {
            Files.deleteIfExists(f);
          } catch (IOException cleanup) {
            e.addSuppressed(cleanup);
          }
        }
        for (Path d : createdDirs.reversed()) {
          try {
            deleteIfEmpty(d);
          } catch (IOException cleanup) {
            e.addSuppressed(cleanup);
          }
        }
        throw e;
      }
    }
  }

  private String exportInto(StoredImage img, List<SplitStream> streams, String name, Path dir, Path blobs,
      String compression, ArrayNode earlier, Set<Path> created) throws IOException {
    long total = streams.stream().mapToLong(SplitStream::streamSize).sum();
    List<Blob> written = new ArrayList<>();
    try (ProgressTask overall = ProgressTask.start(progress, "export " + name, total, "bytes");
         Scope scope = pool.openScope()) {
      List<Task<Blob>> tasks = new ArrayList<>();
      for (int i = 0; i < streams.size(); i++) {
        StoredImage.StoredLayer l = img.layers().get(i);
        SplitStream ss = streams.get(i);
        tasks.add(scope.fork(() -> writeLayer(l, ss, blobs, compression, overall, created)));
      }
      scope.join();
      tasks.forEach(t -> written.add(t.join()));
    }
    boolean sameAsSource = true;
    for (int i = 0; i < written.size(); i++) {
      sameAsSource &= written.get(i).digest().equals(img.layers().get(i).blobDigest());
    }
    writeBlob(blobs, img.config(), created);
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
    String manifestDigest = writeBlob(blobs, manifest, created);
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
    Path layout = dir.resolve("oci-layout");
    if (!Files.exists(layout, LinkOption.NOFOLLOW_LINKS)) {
      created.add(layout);
    }
    writeReplacing(layout, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    writeReplacing(dir.resolve("index.json"), ImageImporter.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
    return manifestDigest;
  }

  /**
   * Whether {@code dir} (a missing one counts as empty) holds nothing, or nothing but the real directory
   * {@code child} (null: nothing at all).
   */
  private static boolean holdsAtMost(Path dir, String child) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (child == null || !p.getFileName().toString().equals(child) || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
      }
    }
    return true;
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      if (s.iterator().hasNext()) {
        return; // someone else's files: not ours to remove
      }
    }
    Files.deleteIfExists(dir);
  }

  /**
   * The manifests of the OCI layout already at {@code dir}, which an export adds to; none for a missing or
   * empty directory. Any other non-empty directory is refused: its files are not ours to mix a layout into.
   * A directory holding only an empty blobs/ tree counts as empty: a cancelled export of older versions
   * left that behind, and refusing it would make the user clean up after us.
   */
  private static ArrayNode existingManifests(Path dir) throws IOException {
    ArrayNode none = ImageImporter.JSON.createArrayNode();
    if (!Files.isDirectory(dir) || holdsAtMost(dir, "blobs") && holdsAtMost(dir.resolve("blobs"), "sha256")
        && holdsAtMost(dir.resolve("blobs").resolve("sha256"), null)) {
      return none;
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
    try {
      Files.write(tmp, data);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String writeBlob(Path blobs, byte[] data, Set<Path> created) throws IOException {
    String digest = Digests.of(data);
    Path tmp = Files.createFile(tempName(blobs, "blob"));
    try {
      Files.write(tmp, data);
      publish(tmp, blobs.resolve(digest.substring(7)), created);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return digest;
  }

  /** A unique temporary name in blobs/ (not a digest, so never taken for a blob). */
  private static Path tempName(Path blobs, String what) {
    return blobs.resolve("." + what + "-" + Thread.currentThread().threadId() + "-" + System.nanoTime() + ".tmp");
  }

  /**
   * Renames a finished blob into place, so no blob name ever holds partial data. A blob already there has
   * the same content (its name is its digest) and belonged to the layout before: it is not counted as
   * ours, so a failed export leaves it.
   */
  private static void publish(Path tmp, Path blob, Set<Path> created) throws IOException {
    if (!Files.exists(blob, LinkOption.NOFOLLOW_LINKS)) {
      created.add(blob);
    }
    Files.move(tmp, blob, StandardCopyOption.REPLACE_EXISTING);
  }

  private Blob writeLayer(StoredImage.StoredLayer l, SplitStream ss, Path blobs, String compression,
      ProgressTask overall, Set<Path> created) throws IOException {
    // Created like any new file (mode from the umask, unlike createTempFile's 0600), under a unique name.
    Path tmp = Files.createFile(tempName(blobs, "layer"));
    try (ProgressTask bar = overall.child("layer " + ImageImporter.shortDigest(l.diffId()), ss.streamSize(), "bytes")) {
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
        OutputStream counted = new FilterOutputStream(compressed) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len); // not FilterOutputStream's byte-at-a-time default
            bar.advance(len);
            overall.advance(len);
          }

          @Override
          public void write(int b) throws IOException {
            out.write(b);
            bar.advance(1);
            overall.advance(1);
          }
        };
        try (DigestOutputStream tarOut = new DigestOutputStream(counted, tarMd)) {
          ss.cat(repo, tarOut);
        }
      }
      size = Files.size(tmp);
      String tarDigest = Digests.of(tarMd);
      if (!tarDigest.equals(l.diffId())) {
        throw new BadDataException(l.streamName() + ": rebuilt tar has digest " + tarDigest + ", not its diff_id");
      }
      String digest = Digests.of(blobMd);
      publish(tmp, blobs.resolve(digest.substring(7)), created);
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
