package dev.weft.store.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdInputStream;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.limit.ByteBudget;
import dev.weft.runtime.limit.NamedLimit;
import dev.weft.runtime.pool.Scope;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.runtime.progress.ProgressTask;
import dev.weft.store.gzip.Gunzip;
import dev.weft.store.repo.JsonErrors;
import dev.weft.store.repo.RepoLock;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.ContentType;
import dev.weft.store.splitstream.SplitStreamWriter;
import dev.weft.store.stream.HashingReader;
import dev.weft.store.tar.SplitResult;
import dev.weft.store.tar.TarSplitter;
import dev.weft.store.verity.ObjectId;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Imports an OCI image (layout directory or {@code docker save} archive) into a repository.
 *
 * <p>Threads: an import keeps at most as many threads busy as the pool has (the user's {@code --threads
 * N}), counting the threads that read layers. Missing layers are imported largest first, at most {@code
 * store.import.layers} at once (default N), each driven by its own virtual thread, which reads and
 * decompresses (sequential by nature). Each driver holds one of the N permits of {@code
 * store.import.threads} while it splits its layer; the hashing and object writes of a layer go to a pool
 * thread only while that thread holds another permit, and otherwise the driver does them itself (caller
 * runs). So one layer at N threads is its reader plus at most N − 1 helpers; at N = 1 everything runs on
 * the reader, in order; several layers at once share the N (k readers leave N − k permits for helpers,
 * and at most N layers split at once). Buffered bytes stay under the {@code store.import.bytes} budget
 * (default 256 MiB). Drivers block only on I/O, the budget (after doing their own queued work, which
 * holds those bytes) and their own tasks, never while holding a pool thread or work only they may do, so
 * any number of threads versus layers finishes.
 *
 * <p>Cancellation: interrupting the calling thread interrupts every driver, whose scopes cancel their
 * tasks and wait for them and delete their temporary files; then {@link CancellationException} is thrown.
 * Published layers stay (they are complete and durable) and are reused by the next import.
 */
public final class ImageImporter {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final String CONTAINERD_NAME = "io.containerd.image.name";
  private static final String DOCKER_LIBRARY = "docker.io/library/";
  /** Chunk size and count of a layer's hashing readers: at most 4 MiB per stream waits to be hashed. */
  private static final int HASH_CHUNK = 512 << 10;
  private static final int HASH_CHUNKS = 8;

  private final Repository repo;
  private final TaskPool pool;
  private final ProgressListener progress;
  private final Gunzip.Inflater inflater;

  /** An importer whose gzip layers use the best inflater here ({@link Gunzip#best()}). */
  public ImageImporter(Repository repo, TaskPool pool, ProgressListener progress) {
    this(repo, pool, progress, Gunzip.best());
  }

  /** An importer whose gzip layers use {@code inflater} (tests and benches compare the two). */
  public ImageImporter(Repository repo, TaskPool pool, ProgressListener progress, Gunzip.Inflater inflater) {
    if (!inflater.available()) {
      throw new IllegalArgumentException("inflater " + inflater.label() + " is not available");
    }
    this.repo = repo;
    this.pool = pool;
    this.progress = progress;
    this.inflater = inflater;
  }

  /** The image to import after reading its manifest and config. */
  private record Resolved(String manifestDigest, byte[] manifest, String configDigest, byte[] config,
      List<Layer> layers, String tag) {}

  /**
   * Imports {@code source} ({@code PATH} or {@code PATH:TAG}) under {@code name} (default: the tag).
   */
  public ImportReport importImage(String source, String name) throws IOException {
    long t0 = System.nanoTime();
    if (name != null) {
      OciNames.newRef(name); // a bad --name is refused before any work
    }
    SourceSpec spec = SourceSpec.parse(source);
    Path path = spec.path();
    String tag = spec.tag();
    try (OciSource src = OciSource.open(path); RepoLock lock = repo.lockShared()) {
      Resolved img = src.exists("index.json") ? resolveLayout(src, tag) : resolveDockerArchive(src, tag);
      String imageName = name != null ? name : img.tag();
      if (imageName == null || imageName.isBlank()) {
        throw new UsageException(source + ": the image has no tag; give one with --name");
      }
      if (name == null) {
        try {
          OciNames.newRef(imageName);
        } catch (UsageException unusable) {
          throw new BadDataException(source + ": the image's own name '" + imageName + "' cannot be used; give one with --name");
        }
      }
      long objects0 = repo.objectsWritten();
      long bytes0 = repo.bytesWritten();
      // A diff_id listed twice is split once; a repeat in the very same blob needs no check of its own, a
      // repeat in another blob is checked like a stored layer.
      List<Layer> missing = new ArrayList<>();
      List<Layer> toVerify = new ArrayList<>();
      Map<String, Layer> firstMissing = new java.util.HashMap<>();
      for (Layer l : img.layers()) {
        if (repo.hasStream(l.streamName())) {
          toVerify.add(l);
          continue;
        }
        Layer first = firstMissing.putIfAbsent(l.diffId(), l);
        if (first == null) {
          missing.add(l);
        } else if (!first.digest().equals(l.digest()) || !first.mediaType().equals(l.mediaType())
            || !first.path().equals(l.path())) { // a docker archive's layers share a "digest": its path tells them apart
          toVerify.add(l);
        }
      }
      java.util.Set<String> verified = toVerify.isEmpty() ? java.util.Set.of() : verifiedPairs();
      for (Layer l : toVerify) {
        try {
          verifyPresentLayer(src, l, verified, inflater);
        } catch (BadDataException e) {
          throw namingSource(src, e);
        }
      }
      Map<String, SplitResult> done = new ConcurrentHashMap<>();
      try {
        importLayers(src, missing, imageName, done);
      } catch (CancellationException e) {
        publishFinishedLayers(img, done);
        throw e;
      }
      publishImage(img, imageName, done);
      List<ImportReport.LayerResult> results = new ArrayList<>();
      long tarBytes = 0;
      java.util.Set<String> counted = new java.util.HashSet<>();
      for (Layer l : img.layers()) {
        SplitResult r = counted.add(l.diffId()) ? done.get(l.diffId()) : null;
        results.add(new ImportReport.LayerResult(l.diffId(), l.size(), r != null, r == null ? 0 : r.tarBytes(),
            r == null ? 0 : r.externalFiles()));
        tarBytes += r == null ? 0 : r.tarBytes();
      }
      return new ImportReport(imageName, img.manifestDigest(), results, tarBytes, repo.objectsWritten() - objects0,
          repo.bytesWritten() - bytes0, (System.nanoTime() - t0) / 1e9);
    }
  }

  // ---- resolving the image ----

  private static JsonNode parseJson(byte[] bytes, String what) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject() && !n.isArray()) {
        throw new BadDataException(what + ": not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new BadDataException(what + ": malformed JSON: " + JsonErrors.describe(e));
    }
  }

  /**
   * The layout's {@code oci-layout} file, when there is one, must be a JSON object whose {@code
   * imageLayoutVersion} is 1.x (the image-layout spec's only version): anything else is a layout this weft
   * cannot trust to read right. A layout without the file is read as 1.0, as tools that forget it mean.
   */
  private static void checkLayoutVersion(OciSource src) throws IOException {
    if (!src.exists("oci-layout")) {
      return;
    }
    JsonNode layout = parseJson(src.read("oci-layout"), src.location + ": oci-layout");
    String version = layout.path("imageLayoutVersion").asText("");
    if (!layout.isObject() || !layout.path("imageLayoutVersion").isTextual() || !version.matches("1(\\..*)?")) {
      JsonNode v = layout.path("imageLayoutVersion");
      throw new BadDataException(src.location + ": oci-layout has "
          + (v.isMissingNode() ? "no imageLayoutVersion"
              : !v.isTextual() ? "imageLayoutVersion " + v + ", which must be a string such as \"1.0.0\""
              : "imageLayoutVersion '" + version + "'; this weft reads version 1.x"));
    }
  }

  /** The blob a descriptor names, checked against the descriptor's digest and size. */
  private static byte[] readVerified(OciSource src, JsonNode desc, String digest, String what) throws IOException {
    Digests.check(digest, what);
    String p = OciSource.blobPath(digest);
    if (!src.exists(p)) {
      throw new BadDataException(src.location + ": " + what + " blob " + digest + " is missing");
    }
    byte[] b = src.read(p);
    checkSize(src, desc, b.length, what + " blob " + digest);
    String actual = Digests.of(b);
    if (!actual.equals(digest)) {
      throw new BadDataException(src.location + ": " + what + " blob " + digest + " has digest " + actual);
    }
    return b;
  }

  /**
   * The OCI spec requires a blob's length to equal its descriptor's {@code size}; a mismatch is a corrupt
   * image. A descriptor without a size is accepted (some hand-made layouts omit it): the digest still
   * pins the content.
   */
  private static void checkSize(OciSource src, JsonNode desc, long actual, String what) {
    JsonNode size = desc.get("size");
    if (size == null) {
      return;
    }
    if (!size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() != actual) {
      throw new BadDataException(src.location + ": " + what + " is " + actual + " bytes but its descriptor says size "
          + size);
    }
  }

  private Resolved resolveLayout(OciSource src, String tag) throws IOException {
    checkLayoutVersion(src);
    JsonNode index = parseJson(src.read("index.json"), src.location + ": index.json");
    Picked picked = pickManifest(src, index, tag, "index.json");
    JsonNode desc = picked.manifest();
    String manifestDigest = Digests.check(desc.path("digest").asText(null), src.location + ": index.json manifest digest");
    byte[] manifest = readVerified(src, desc, manifestDigest, "manifest");
    JsonNode m = parseJson(manifest, src.location + ": manifest " + manifestDigest);
    return resolveManifest(src, manifestDigest, manifest, m, tag != null ? tag : defaultName(picked.entry()));
  }

  /**
   * The name an image gets without --name, from its index.json entry (a nested index's platform manifests
   * carry no names): docker's containerd name as {@code docker save}'s RepoTags would give it (without
   * {@code docker.io/library/}), else the ref.name, else none.
   */
  private static String defaultName(JsonNode entry) {
    JsonNode a = entry.path("annotations");
    String containerd = a.path(CONTAINERD_NAME).asText("");
    if (!containerd.isEmpty()) {
      return containerd.startsWith(DOCKER_LIBRARY) ? containerd.substring(DOCKER_LIBRARY.length()) : containerd;
    }
    return a.path(REF_NAME).asText(null);
  }

  /** The index.json entry that was chosen, and the image manifest's descriptor (itself, or inside a nested index). */
  private record Picked(JsonNode entry, JsonNode manifest) {}

  /** Picks the manifest for {@code tag} (or the only one), descending into nested indexes. */
  private Picked pickManifest(OciSource src, JsonNode index, String tag, String what) throws IOException {
    JsonNode manifests = index.path("manifests");
    if (!manifests.isArray()) {
      throw new BadDataException(src.location + ": " + what + " has no \"manifests\" array");
    }
    List<JsonNode> images = new ArrayList<>();
    String skippedTagged = null; // the media type of an entry with the wanted tag that is no image
    for (JsonNode d : manifests) {
      String mt = d.path("mediaType").asText("");
      boolean image = mt.equals("application/vnd.oci.image.manifest.v1+json")
          || mt.equals("application/vnd.docker.distribution.manifest.v2+json");
      boolean nested = mt.equals("application/vnd.oci.image.index.v1+json")
          || mt.equals("application/vnd.docker.distribution.manifest.list.v2+json");
      if (image || nested) {
        images.add(d); // attestations, signatures, unknown artifacts: the spec says to ignore them
      } else if (tag != null && skippedTagged == null
          && tag.equals(d.path("annotations").path(REF_NAME).asText(null))) {
        skippedTagged = mt.isEmpty() ? "(none)" : mt;
      }
    }
    // When no image has the tag but another entry does, that entry is what the user meant: say what it is.
    String notAnImage = skippedTagged == null ? null : src.location + ": " + what + " entry tagged '" + tag
        + "' has media type " + skippedTagged + ", not an image manifest or index";
    List<JsonNode> candidates = images;
    if (tag != null) {
      // A full name (the ref.name itself, or the containerd name docker's OCI archives carry, with or
      // without its registry prefix) wins over a short tag, which must then name one image only.
      List<JsonNode> full = new ArrayList<>();
      List<JsonNode> shortMatches = new ArrayList<>();
      for (JsonNode d : images) {
        String ref = d.path("annotations").path(REF_NAME).asText("");
        String containerd = d.path("annotations").path(CONTAINERD_NAME).asText("");
        if (ref.equals(tag) || containerd.equals(tag) || containerd.endsWith("/" + tag)) {
          full.add(d);
        } else if (containerd.endsWith(":" + tag)) {
          shortMatches.add(d);
        }
      }
      candidates = !full.isEmpty() ? full : shortMatches;
      if (candidates.isEmpty() && notAnImage != null) {
        throw new BadDataException(notAnImage);
      }
      if (candidates.isEmpty() && !images.isEmpty()) {
        throw new BadDataException(src.location + ": " + what + " has no image tagged '" + tag + "'; it has "
            + layoutTags(images));
      }
      if (candidates.size() > 1) {
        throw new UsageException(src.location + ": tag '" + tag + "' is ambiguous, it matches "
            + layoutTags(candidates) + "; choose one with PATH:TAG using the full name");
      }
    }
    if (candidates.isEmpty()) {
      throw new BadDataException(src.location + ": " + what + " has no image manifest"
          + (tag != null ? " tagged '" + tag + "'" : ""));
    }
    if (candidates.size() > 1) {
      throw new UsageException(src.location + ": holds several images " + layoutTags(candidates)
          + "; choose one with PATH:TAG");
    }
    JsonNode d = candidates.get(0);
    String mt = d.path("mediaType").asText("");
    if (mt.contains("index") || mt.contains("list")) {
      String digest = Digests.check(d.path("digest").asText(null), src.location + ": nested index digest");
      JsonNode nested = parseJson(readVerified(src, d, digest, "index"), src.location + ": index " + digest);
      for (JsonNode n : nested.path("manifests")) {
        JsonNode p = n.path("platform");
        if (p.path("os").asText("linux").equals("linux") && p.path("architecture").asText("amd64").equals("amd64")
            && n.path("mediaType").asText("").contains("manifest")) {
          return new Picked(d, n);
        }
      }
      throw new BadDataException(src.location + ": index " + digest + " has no linux/amd64 image");
    }
    return new Picked(d, d);
  }

  /** The names of a layout's images for messages: containerd name, else ref.name, else "(untagged)". */
  private static List<String> layoutTags(List<JsonNode> images) {
    return images.stream().map(d -> {
      JsonNode a = d.path("annotations");
      String name = a.path(CONTAINERD_NAME).asText(a.path(REF_NAME).asText(""));
      return name.isEmpty() ? "(untagged)" : name;
    }).toList();
  }

  private Resolved resolveManifest(OciSource src, String manifestDigest, byte[] manifest, JsonNode m, String tag)
      throws IOException {
    String where = src.location + ": manifest " + manifestDigest;
    JsonNode configDesc = m.path("config");
    String configDigest = Digests.check(configDesc.path("digest").asText(null), where + " config digest");
    byte[] config = readVerified(src, configDesc, configDigest, "config");
    List<String> diffIds = diffIds(config, src.location + ": config " + configDigest);
    JsonNode layers = m.path("layers");
    if (!layers.isArray()) {
      throw new BadDataException(where + ": no \"layers\" array");
    }
    if (layers.size() != diffIds.size()) {
      throw new BadDataException(where + ": " + layers.size() + " layers but the config lists " + diffIds.size()
          + " diff_ids");
    }
    List<Layer> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      JsonNode l = layers.get(i);
      String digest = Digests.check(l.path("digest").asText(null), where + " layer " + i + " digest");
      String mediaType = l.path("mediaType").asText("");
      compressionOf(mediaType, where + " layer " + digest);
      String p = OciSource.blobPath(digest);
      if (!src.exists(p)) {
        throw new BadDataException(src.location + ": layer blob " + digest + " is missing");
      }
      long size = src.size(p);
      checkSize(src, l, size, "layer blob " + digest);
      out.add(new Layer(i, digest, size, mediaType, diffIds.get(i), p));
    }
    return new Resolved(manifestDigest, manifest, configDigest, config, out, tag);
  }

  private static List<String> diffIds(byte[] config, String where) {
    JsonNode c = parseJson(config, where);
    JsonNode ids = c.path("rootfs").path("diff_ids");
    if (!ids.isArray()) {
      throw new BadDataException(where + ": no rootfs.diff_ids");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode id : ids) {
      out.add(Digests.check(id.asText(null), where + " diff_id"));
    }
    return out;
  }

  /** "none", "gzip" or "zstd" for a layer media type; unknown types are bad data. */
  static String compressionOf(String mediaType, String where) {
    return switch (mediaType) {
      case "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.nondistributable.v1.tar",
           "application/vnd.docker.image.rootfs.diff.tar" -> "none";
      case "application/vnd.oci.image.layer.v1.tar+gzip",
           "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
           "application/vnd.docker.image.rootfs.diff.tar.gzip",
           "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" -> "gzip";
      case "application/vnd.oci.image.layer.v1.tar+zstd",
           "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" -> "zstd";
      case "detect" -> "detect";
      default -> throw new BadDataException(where + ": unsupported layer media type '" + mediaType + "'");
    };
  }

  /** {@code docker save}: manifest.json lists config and layer files; weft writes the OCI manifest for it. */
  private Resolved resolveDockerArchive(OciSource src, String tag) throws IOException {
    if (!src.exists("manifest.json")) {
      throw new BadDataException(src.location + ": neither an OCI layout (index.json) nor a docker archive (manifest.json)");
    }
    JsonNode list = parseJson(src.read("manifest.json"), src.location + ": manifest.json");
    if (!list.isArray() || list.isEmpty()) {
      throw new BadDataException(src.location + ": manifest.json has no image");
    }
    JsonNode chosen = pickArchiveImage(src, list, tag);
    String chosenTag = archiveTag(chosen, tag);
    String configPath = chosen.path("Config").asText("");
    byte[] config = src.read(configPath);
    String configDigest = Digests.of(config);
    String named = configPath.replaceAll("^.*/", "").replace(".json", "");
    if (named.matches("[0-9a-f]{64}") && !configDigest.equals("sha256:" + named)) {
      throw new BadDataException(src.location + ": config " + configPath + " has digest " + configDigest);
    }
    List<String> diffIds = diffIds(config, src.location + ": config " + configPath);
    JsonNode layerPaths = chosen.path("Layers");
    if (layerPaths.size() != diffIds.size()) {
      throw new BadDataException(src.location + ": manifest.json lists " + layerPaths.size()
          + " layers but the config lists " + diffIds.size() + " diff_ids");
    }
    ObjectNode m = JSON.createObjectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    ObjectNode c = m.putObject("config");
    c.put("mediaType", "application/vnd.oci.image.config.v1+json");
    c.put("digest", configDigest);
    c.put("size", config.length);
    ArrayNode ls = m.putArray("layers");
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < layerPaths.size(); i++) {
      String p = layerPaths.get(i).asText("");
      if (!src.exists(p)) {
        throw new BadDataException(src.location + ": layer " + p + " is missing");
      }
      // docker save writes uncompressed layers, so the blob digest is the diff_id (checked while importing)
      ObjectNode l = ls.addObject();
      l.put("mediaType", "application/vnd.oci.image.layer.v1.tar");
      l.put("digest", diffIds.get(i));
      l.put("size", src.size(p));
      layers.add(new Layer(i, diffIds.get(i), src.size(p), "detect", diffIds.get(i), p));
    }
    byte[] manifest = JSON.writeValueAsBytes(m);
    return new Resolved(Digests.of(manifest), manifest, configDigest, config, layers, chosenTag);
  }

  /**
   * The entry of a docker archive's manifest.json for {@code tag}, chosen like {@code PATH:TAG} of an OCI
   * layout: without a tag the archive must hold exactly one image (several are a usage error listing their
   * tags); a tag is matched against each image's RepoTags, first in full ({@code repo:tag}), then as the
   * short tag after the last colon, which must then name exactly one image; a tag no image has is bad data
   * (exit 3) naming the tags there are, like a layout without that tag.
   */
  private static JsonNode pickArchiveImage(OciSource src, JsonNode list, String tag) {
    if (tag == null) {
      if (list.size() > 1) {
        throw new UsageException(src.location + ": holds several images " + archiveTags(list)
            + "; choose one with ARCHIVE:TAG");
      }
      return list.get(0);
    }
    // Three tiers, the first with a match wins: the RepoTag as written, the same name in docker's familiar
    // form, the short tag.
    List<JsonNode> exact = new ArrayList<>();
    List<JsonNode> familiar = new ArrayList<>();
    List<JsonNode> shortMatches = new ArrayList<>();
    for (JsonNode e : list) {
      boolean exactMatch = false;
      boolean familiarMatch = false;
      boolean shortMatch = false;
      for (JsonNode t : e.path("RepoTags")) {
        String repoTag = t.asText("");
        exactMatch |= repoTag.equals(tag);
        familiarMatch |= familiar(repoTag).equals(familiar(tag));
        shortMatch |= repoTag.substring(repoTag.lastIndexOf(':') + 1).equals(tag);
      }
      if (exactMatch) {
        exact.add(e);
      }
      if (familiarMatch) {
        familiar.add(e);
      }
      if (shortMatch) {
        shortMatches.add(e);
      }
    }
    List<JsonNode> matches = !exact.isEmpty() ? exact : !familiar.isEmpty() ? familiar : shortMatches;
    if (matches.isEmpty()) {
      throw new BadDataException(src.location + ": no image tagged '" + tag + "'; the archive has "
          + archiveTags(list));
    }
    if (matches.size() > 1) {
      List<String> tags = new ArrayList<>();
      for (JsonNode e : matches) {
        e.path("RepoTags").forEach(t -> tags.add(t.asText("")));
      }
      throw new UsageException(src.location + ": tag '" + tag + "' is ambiguous, it matches " + tags
          + "; choose one with ARCHIVE:REPO:TAG");
    }
    return matches.get(0);
  }

  /**
   * A docker image name in docker's familiar form: without its default registry ({@code docker.io/}) and,
   * for official images, without {@code library/}. {@code docker save} writes RepoTags so
   * ({@code foo/bar:1}, {@code alpine:3}), skopeo writes them in full ({@code docker.io/foo/bar:1}); the
   * two name one image. Other registries stay: {@code ghcr.io/foo/bar:1} is another image.
   */
  static String familiar(String name) {
    for (String registry : new String[] {"docker.io/", "index.docker.io/"}) {
      if (name.startsWith(registry)) {
        name = name.substring(registry.length());
        return name.startsWith("library/") ? name.substring("library/".length()) : name;
      }
    }
    return name.startsWith("library/") ? name.substring("library/".length()) : name;
  }

  /**
   * The name of the chosen image: the RepoTags entry {@code tag} names as written, else {@code tag} when it
   * names one in familiar form, else the entry its short tag matched, else the first entry (without
   * {@code docker.io/library/}, as a layout's default name), else null.
   */
  private static String archiveTag(JsonNode image, String tag) {
    String first = null;
    String familiarMatch = null;
    String shortMatch = null;
    for (JsonNode t : image.path("RepoTags")) {
      String repoTag = t.asText("");
      if (repoTag.equals(tag)) {
        return repoTag;
      }
      if (tag != null && familiarMatch == null && familiar(repoTag).equals(familiar(tag))) {
        familiarMatch = tag;
      }
      if (tag != null && shortMatch == null && repoTag.substring(repoTag.lastIndexOf(':') + 1).equals(tag)) {
        shortMatch = repoTag;
      }
      if (first == null) {
        first = repoTag;
      }
    }
    if (familiarMatch != null) {
      return familiarMatch;
    }
    if (shortMatch != null) {
      return shortMatch;
    }
    return first != null && first.startsWith(DOCKER_LIBRARY) ? first.substring(DOCKER_LIBRARY.length()) : first;
  }

  /** Every RepoTags entry of the archive, for messages ("untagged" for an image without one). */
  private static List<String> archiveTags(JsonNode list) {
    List<String> tags = new ArrayList<>();
    for (JsonNode e : list) {
      if (e.path("RepoTags").isEmpty()) {
        tags.add("(untagged)");
      }
      e.path("RepoTags").forEach(t -> tags.add(t.asText("")));
    }
    return tags;
  }

  // ---- importing layers ----

  private void importLayers(OciSource src, List<Layer> missing, String imageName, Map<String, SplitResult> done) {
    if (missing.isEmpty()) {
      return;
    }
    List<Layer> order = new ArrayList<>(missing);
    order.sort(Comparator.comparingLong(Layer::size).reversed().thenComparingInt(Layer::index));
    long total = order.stream().mapToLong(Layer::size).sum();
    NamedLimit layerLimit = pool.limits().limit("store.import.layers", pool.parallelism());
    NamedLimit threads = StoreLimits.importThreads(pool);
    ByteBudget budget = pool.limits().budget("store.import.bytes", 256L << 20);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    // Failing drivers interrupt their siblings while this thread may still be starting more.
    List<Thread> drivers = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ProgressTask overall = ProgressTask.start(progress, "import " + imageName, total, "bytes")) {
      for (Layer l : order) {
        drivers.add(Thread.ofVirtual().name("weft-import-" + l.index()).start(() -> {
          // The layer permit first: a driver waiting for a thread permit holds nothing others need.
          try (NamedLimit.Permit p = layerLimit.acquire(); NamedLimit.Permit reader = threads.acquire()) {
            if (failure.get() != null) {
              return;
            }
            done.put(l.diffId(), importLayer(src, l, threads, budget, overall));
          } catch (Throwable t) {
            if (failure.compareAndSet(null, t)) {
              drivers.forEach(d -> {
                if (d != Thread.currentThread()) {
                  d.interrupt();
                }
              });
            }
          }
        }));
      }
      boolean interrupted = false;
      for (Thread d : drivers) {
        while (true) {
          try {
            d.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
            failure.compareAndSet(null, new CancellationException("import cancelled"));
            drivers.forEach(Thread::interrupt);
          }
        }
      }
      Throwable f = failure.get();
      if (interrupted || Thread.currentThread().isInterrupted()) {
        overall.fail(f);
        Thread.currentThread().interrupt();
        throw new CancellationException("import cancelled");
      }
      if (f != null) {
        overall.fail(f);
        if (f instanceof BadDataException bad) {
          throw namingSource(src, bad);
        }
        if (f instanceof RuntimeException re) {
          throw re;
        }
        if (f instanceof Error err) {
          throw err;
        }
        throw new java.io.UncheckedIOException(new IOException(f.getMessage(), f));
      }
    }
  }

  /**
   * After a cancel, makes the layers that finished durable and links their streams (no image, no ref), so
   * running the import again reuses them. The interrupt is set aside meanwhile: NIO channels refuse to work
   * on an interrupted thread.
   */
  private void publishFinishedLayers(Resolved img, Map<String, SplitResult> done) throws IOException {
    if (done.isEmpty()) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      Map<String, ObjectId> ids = new java.util.LinkedHashMap<>();
      java.util.Set<String> counted = new java.util.HashSet<>();
      for (Layer l : img.layers()) {
        SplitResult r = counted.add(l.diffId()) ? done.get(l.diffId()) : null;
        if (r != null) {
          ids.put(l.streamName(), repo.putObject(r.splitStream()));
        }
      }
      repo.barrier();
      for (var e : ids.entrySet()) {
        repo.linkStream(e.getKey(), e.getValue());
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * {@code e} with its message starting with the source (as every other import error does), for the errors
   * of a layer's data, which the splitter and decompressors name by the layer only.
   */
  private static BadDataException namingSource(OciSource src, BadDataException e) {
    String prefix = src.location + ": ";
    return e.getMessage().startsWith(prefix) ? e : new BadDataException(prefix + e.getMessage(), e);
  }

  /** Runs on the layer's driver, which holds a permit of {@code helpers} for itself. */
  private SplitResult importLayer(OciSource src, Layer l, NamedLimit helpers, ByteBudget budget, ProgressTask overall)
      throws IOException {
    String what = "layer " + l.digest();
    // One scope for all of the layer's work (object tasks and digests), limited to the import's threads;
    // open until the digests are taken, also on the error paths (blobMismatchOr reads on).
    try (ProgressTask bar = overall.child("layer " + shortDigest(l.diffId()), l.size(), "bytes");
         InputStream raw = src.open(l.path());
         Scope work = pool.openScope(helpers)) {
      InputStream counted = new FilterInputStream(raw) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            bar.advance(n);
            overall.advance(n);
          }
          return n;
        }
      };
      // The reader thread reads, decompresses and parses; the two SHA-256 digests (blob and diff_id) run
      // on a helper when one is free, else on the reader, each in order (see HashingReader).
      HashingReader blob = hashing(counted, work);
      SplitResult result;
      String blobHash;
      String diff;
      InputStream body = null;
      try {
        body = decompress(blob, l, what, inflater);
        // An uncompressed layer's tar is the blob itself: its diff_id is the blob digest already being
        // computed, so it is not hashed a second time.
        // decompress returns the blob itself, or behind a PushbackInputStream when it peeked at the magic
        // and found none; a decompressor wraps it otherwise.
        boolean plain = body == blob || body instanceof PushbackInputStream;
        HashingReader tar = plain ? null : hashing(body, work);
        result = new TarSplitter(repo, pool, budget, what, true).split(plain ? body : tar, work); // body: the blob, perhaps behind a peek at its magic
        String tarHash = plain ? null : Digests.formatted(tar.digest()); // reads to the end of the decompressed data
        blobHash = Digests.formatted(blob.digest()); // reads trailing bytes too: they count for the digest
        diff = plain ? blobHash : tarHash;
      } catch (CancellationException e) {
        throw e;
      } catch (BadDataException e) {
        throw blobMismatchOr(blob, l, e);
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("import cancelled");
        }
        throw blobMismatchOr(blob, l,
            new BadDataException(what + ": corrupt or truncated " + compressionLabel(l) + " data: " + why(e)));
      } finally {
        closeDecompressor(body);
      }
      checkBlobDigest(l, blobHash);
      if (!diff.equals(l.diffId())) {
        throw new BadDataException(what + ": uncompressed tar has digest " + diff + " but the config's diff_id is "
            + l.diffId());
      }
      return result;
    }
  }

  /**
   * Frees a decompressor's native memory (ISA-L's state and buffers) also when the layer stopped half-way
   * (a tar error, a cancel). Closing it closes the blob's stream too, which the caller closes anyway.
   */
  private static void closeDecompressor(InputStream body) {
    if (body != null) {
      try {
        body.close();
      } catch (IOException ignored) {
        // only the file's close can fail here, and the file is closed again (and reported) by the caller
      }
    }
  }

  /**
   * A damaged blob usually first shows up as a decompression or tar error; when the blob does not match
   * its digest that is the real problem, so hash the rest of the raw blob (no decompression) and report
   * the mismatch instead of {@code error}.
   */
  private static BadDataException blobMismatchOr(HashingReader blob, Layer l, BadDataException error) {
    try {
      checkBlobDigest(l, Digests.formatted(blob.digest()));
    } catch (BadDataException mismatch) {
      return mismatch;
    } catch (IOException unreadable) {
      // the blob cannot be read to its end: the original error is the best description
    }
    return error;
  }

  /** Chunks of the reader's bytes, hashed by a helper or the reader (see HashingReader): 8 × 512 KiB per stream. */
  private static HashingReader hashing(InputStream in, Scope work) {
    return new HashingReader(in, Digests.sha256(), work, HASH_CHUNK, HASH_CHUNKS);
  }

  private static void checkBlobDigest(Layer l, MessageDigest blobDigest) {
    checkBlobDigest(l, Digests.of(blobDigest));
  }

  private static void checkBlobDigest(Layer l, String blob) {
    if (!l.mediaType().equals("detect") && !blob.equals(l.digest())) {
      throw new BadDataException("layer blob " + l.digest() + " has digest " + blob);
    }
  }

  /**
   * The (blob digest, media type, diff_id) of the layers of every image already stored: each was checked
   * when that image was imported (images imported before this check existed are trusted as they are). An
   * image whose streams cannot be read contributes nothing.
   */
  private java.util.Set<String> verifiedPairs() {
    java.util.Set<String> pairs = new java.util.HashSet<>();
    List<String> names;
    try {
      names = StoredImage.names(repo);
    } catch (IOException | java.io.UncheckedIOException e) {
      return pairs; // e.g. another import renaming a ref meanwhile: no pair trusted, every blob checked in full
    }
    for (String name : names) {
      try {
        for (StoredImage.StoredLayer l : StoredImage.load(repo, name).layers()) {
          pairs.add(pairKey(l.blobDigest(), l.mediaType(), l.diffId()));
        }
      } catch (BadDataException | IOException | java.io.UncheckedIOException unreadable) {
        // a broken image (fsck reports it) or one being replaced: its pairs are simply not trusted
      }
    }
    return pairs;
  }

  /** The blob, how it is compressed and the diff_id it decompresses to: the same blob under another media type is another pair. */
  private static String pairKey(String blobDigest, String mediaType, String diffId) {
    return blobDigest + " " + mediaType + " " + diffId;
  }

  /** A decompressor's reason, also when it gave none (an EOFException at a cut usually has no message). */
  private static String why(IOException e) {
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    return e instanceof java.io.EOFException ? "unexpected end of data" : e.getClass().getSimpleName();
  }

  /**
   * A layer whose stream is already stored is not imported again, but the source must still be sound:
   * its blob must match its digest, and the blob must decompress to the diff_id it claims. When a stored
   * image already has this exact blob for this diff_id, hashing the compressed blob proves both (cheap
   * next to decompressing); a blob not seen before is decompressed and hashed (nothing is written), so
   * a corrupt blob is refused whether or not its diff_id is stored.
   */
  private static void verifyPresentLayer(OciSource src, Layer l, java.util.Set<String> verified, Gunzip.Inflater inflater)
      throws IOException {
    // A docker archive names its layers by path and has no blob digest: its layers are never in
    // `verified` (media type "detect"), so they are always hashed against their diff_id.
    MessageDigest md = Digests.sha256();
    if (verified.contains(pairKey(l.digest(), l.mediaType(), l.diffId()))) {
      try (InputStream in = new DigestInputStream(src.open(l.path()), md)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      checkBlobDigest(l, md);
      return;
    }
    String what = "layer " + l.digest();
    MessageDigest tar = Digests.sha256();
    try (InputStream raw = src.open(l.path())) {
      InputStream blob = new DigestInputStream(raw, md);
      // The decompressor must not close the blob: its rest is still hashed after the compressed data ends.
      InputStream unclosable = new FilterInputStream(blob) {
        @Override
        public void close() {}
      };
      try (InputStream body = new DigestInputStream(decompress(unclosable, l, what, inflater), tar)) {
        body.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw new CancellationException("import cancelled");
        }
        blob.transferTo(java.io.OutputStream.nullOutputStream()); // a damaged blob is reported as a mismatch first
        checkBlobDigest(l, md);
        throw new BadDataException(what + ": corrupt or truncated " + compressionLabel(l) + " data: " + why(e));
      }
      blob.transferTo(java.io.OutputStream.nullOutputStream()); // trailing bytes count for the blob digest
    }
    checkBlobDigest(l, md);
    String diff = Digests.of(tar);
    if (!diff.equals(l.diffId())) {
      throw new BadDataException(what + ": uncompressed tar has digest " + diff + " but the config's diff_id is "
          + l.diffId());
    }
  }

  private static String compressionLabel(Layer l) {
    return l.mediaType().equals("detect") ? "layer" : compressionOf(l.mediaType(), "") + " layer";
  }

  private static InputStream decompress(InputStream in, Layer l, String what, Gunzip.Inflater inflater)
      throws IOException {
    String c = compressionOf(l.mediaType(), what);
    if (c.equals("detect")) {
      PushbackInputStream p = new PushbackInputStream(in, 4);
      byte[] head = p.readNBytes(4);
      p.unread(head);
      in = p;
      if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
        c = "gzip";
      } else if (head.length == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
          && (head[3] & 0xff) == 0xfd) {
        c = "zstd";
      } else {
        c = "none";
      }
    }
    return switch (c) {
      case "gzip" -> Gunzip.open(in, inflater);
      case "zstd" -> new ZstdInputStream(in);
      default -> in;
    };
  }

  /**
   * A gzip layer's tar, as the import reads it (the import bench's CPU-only path uses it too): ISA-L's
   * igzip when libisal is installed, else java.util.zip; see {@link Gunzip}.
   */
  public static InputStream gunzip(InputStream in) throws IOException {
    return Gunzip.open(in);
  }

  static String shortDigest(String d) {
    return d.length() > 19 ? d.substring(0, 19) : d;
  }

  // ---- publishing ----

  /**
   * Stores the new layer streams, the config and manifest streams, runs the one durability barrier, and
   * only then links the streams and points the name at the manifest, so nothing published can name an
   * object that is not durable, and a failed or cancelled import publishes nothing.
   */
  private void publishImage(Resolved img, String name, Map<String, SplitResult> imported) throws IOException {
    List<ObjectId> layerIds = new ArrayList<>();
    Map<String, ObjectId> toLink = new java.util.LinkedHashMap<>();
    for (Layer l : img.layers()) {
      SplitResult r = imported.get(l.diffId());
      ObjectId id;
      if (r != null) {
        id = repo.putObject(r.splitStream());
        toLink.put(l.streamName(), id);
      } else {
        id = repo.streamId(l.streamName()).orElseThrow(
            () -> new IllegalStateException("layer stream " + l.streamName() + " vanished"));
      }
      layerIds.add(id);
    }
    SplitStreamWriter config = new SplitStreamWriter(ContentType.OCI_CONFIG);
    config.writeExternal(repo.putObject(img.config()), img.config().length);
    for (int i = 0; i < layerIds.size(); i++) {
      config.addNamedStreamRef(img.layers().get(i).diffId(), layerIds.get(i));
    }
    ObjectId configId = repo.putObject(config.finish());
    toLink.put(OciNames.configStream(img.configDigest()), configId);

    SplitStreamWriter manifest = new SplitStreamWriter(ContentType.OCI_MANIFEST);
    manifest.writeExternal(repo.putObject(img.manifest()), img.manifest().length);
    manifest.addNamedStreamRef("config:" + img.configDigest(), configId);
    for (int i = 0; i < layerIds.size(); i++) {
      manifest.addNamedStreamRef(img.layers().get(i).diffId(), layerIds.get(i));
    }
    String manifestStream = OciNames.manifestStream(img.manifestDigest());
    toLink.put(manifestStream, repo.putObject(manifest.finish()));
    List<Map.Entry<String, ObjectId>> links = toLink.entrySet().stream()
        .filter(e -> !repo.streamId(e.getKey()).equals(Optional.of(e.getValue()))).toList();
    // Any new link gets a barrier first, even when this run wrote nothing: the objects it found present may
    // be an interrupted run's, still only in the page cache. Only a repeat import with every link in place
    // skips it.
    if (repo.hasUnsyncedWrites() || !links.isEmpty()) {
      repo.barrier();
    }
    for (var e : links) {
      repo.linkStream(e.getKey(), e.getValue());
    }
    String ref = OciNames.ref(name);
    if (!repo.refTarget(ref).map(manifestStream::equals).orElse(false)) {
      repo.setRef(ref, manifestStream);
    }
  }
}
