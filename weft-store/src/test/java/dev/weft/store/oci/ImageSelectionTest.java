package dev.weft.store.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.runtime.BadDataException;
import dev.weft.runtime.UsageException;
import dev.weft.runtime.pool.TaskPool;
import dev.weft.runtime.progress.ProgressListener;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Choosing the image of a multi-image source with {@code SOURCE:TAG} (full {@code repo:tag} or an
 * unambiguous short tag), and legacy {@code docker save} archives whose layer files are links.
 */
class ImageSelectionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private TaskPool pool;
  private Repository repo;

  @BeforeEach
  void setUp() {
    pool = TaskPool.create(2);
    repo = Repository.open(dir.resolve("repo"), true);
  }

  @AfterEach
  void tearDown() {
    pool.close();
  }

  private ImportReport importImage(String source) throws IOException {
    return new ImageImporter(repo, pool, ProgressListener.NONE).importImage(source, null);
  }

  /** One image of an archive: its RepoTags and its layer tars; a null tar is written as {@code links}. */
  private record Image(List<String> tags, List<byte[]> tars) {}

  /**
   * A legacy docker archive: image i's layer j is {@code i-j/layer.tar} and its config {@code <sha>.json};
   * {@code links} adds link entries (name → {@link TarArchiveEntry}) instead of files for those names.
   */
  private Path archive(String name, List<Image> images, Map<String, TarArchiveEntry> links) throws IOException {
    Path file = dir.resolve(name);
    ArrayNode manifest = JSON.createArrayNode();
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < images.size(); i++) {
      Image img = images.get(i);
      ObjectNode config = JSON.createObjectNode();
      config.put("architecture", "amd64").put("os", "linux").put("image", i);
      ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
      ObjectNode m = manifest.addObject();
      ArrayNode layers = m.putArray("Layers");
      for (int j = 0; j < img.tars().size(); j++) {
        diffIds.add(TestImages.sha256(img.tars().get(j)));
        String p = i + "-" + j + "/layer.tar";
        layers.add(p);
        if (!links.containsKey(p)) {
          files.put(p, img.tars().get(j));
        }
      }
      byte[] cfg = JSON.writeValueAsBytes(config);
      String cfgName = TestImages.sha256(cfg).substring(7) + ".json";
      files.put(cfgName, cfg);
      m.put("Config", cfgName);
      ArrayNode tags = m.putArray("RepoTags");
      img.tags().forEach(tags::add);
    }
    files.put("manifest.json", JSON.writeValueAsBytes(manifest));
    try (OutputStream o = Files.newOutputStream(file); TarArchiveOutputStream t = new TarArchiveOutputStream(o)) {
      for (var f : files.entrySet()) {
        DockerArchiveTest.add(t, f.getKey(), f.getValue());
      }
      for (TarArchiveEntry link : links.values()) {
        t.putArchiveEntry(link);
        t.closeArchiveEntry();
      }
    }
    return file;
  }

  private static TarArchiveEntry symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    return e;
  }

  private static TarArchiveEntry hardLink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    return e;
  }

  private byte[] layerOf(String imageName, int layer) throws IOException {
    StoredImage.StoredLayer l = StoredImage.load(repo, imageName).layers().get(layer);
    return SplitStream.load(repo, l.streamId(), l.streamName()).catBytes(repo);
  }

  /** x:1 and y:1 (so the short tag 1 is ambiguous) and z:latest, each with a different layer. */
  private Path threeImages() throws IOException {
    List<byte[]> t = TestImages.layers();
    return archive("saved.tar", List.of(new Image(List.of("x:1"), List.of(t.get(0))),
        new Image(List.of("example.com/y:1"), List.of(t.get(1))),
        new Image(List.of("z:latest"), List.of(t.get(2)))), Map.of());
  }

  /**
   * QA round 11: skopeo writes RepoTags with the registry ({@code docker.io/foo/bar:1}) where docker save
   * writes {@code foo/bar:1}; the name the user knows matches either, and a default name drops
   * {@code docker.io/library/} as a layout's does.
   */
  @Test
  void anArchiveNameMatchesWithoutItsRegistryPrefix() throws IOException {
    List<byte[]> t = TestImages.layers();
    Path a = archive("skopeo.tar", List.of(new Image(List.of("docker.io/foo/bar:1"), List.of(t.get(0))),
        new Image(List.of("docker.io/foo/baz:1"), List.of(t.get(1)))), Map.of());
    assertEquals("foo/bar:1", importImage(a + ":foo/bar:1").name());
    assertArrayEquals(t.get(0), layerOf("foo/bar:1", 0));
    assertEquals("docker.io/foo/baz:1", importImage(a + ":docker.io/foo/baz:1").name());
    Path lib = archive("library.tar", List.of(new Image(List.of("docker.io/library/alpine:3"), List.of(t.get(2)))),
        Map.of());
    assertEquals("alpine:3", importImage(lib.toString()).name());
    assertEquals("alpine:3", importImage(lib + ":alpine:3").name());
    // Review r11: a name as written wins, and only docker's default registry is dropped: app:1 is not
    // alice/app:1, and ghcr.io/bob/app:1 is not bob/app:1.
    Path two = archive("two.tar", List.of(new Image(List.of("app:1"), List.of(t.get(0))),
        new Image(List.of("alice/app:1"), List.of(t.get(1))), new Image(List.of("ghcr.io/bob/app:1"),
        List.of(t.get(2)))), Map.of());
    assertEquals("app:1", importImage(two + ":app:1").name());
    assertArrayEquals(t.get(0), layerOf("app:1", 0));
    assertEquals("docker.io/library/app:1", importImage(two + ":docker.io/library/app:1").name());
    assertArrayEquals(t.get(0), layerOf("docker.io/library/app:1", 0));
    assertEquals("alice/app:1", importImage(two + ":alice/app:1").name());
    assertArrayEquals(t.get(1), layerOf("alice/app:1", 0));
    assertThrows(BadDataException.class, () -> importImage(two + ":bob/app:1"));
  }

  @Test
  void aFullRepoTagChoosesTheImageOfADockerArchive() throws IOException {
    Path a = threeImages();
    ImportReport r = importImage(a + ":example.com/y:1");
    assertEquals("example.com/y:1", r.name());
    assertArrayEquals(TestImages.layers().get(1), layerOf("example.com/y:1", 0));
    assertEquals("x:1", importImage(a + ":x:1").name());
    assertArrayEquals(TestImages.layers().get(0), layerOf("x:1", 0));
  }

  @Test
  void anUnambiguousShortTagChoosesTheImageAndNamesItByItsFullTag() throws IOException {
    ImportReport r = importImage(threeImages() + ":latest");
    assertEquals("z:latest", r.name());
    assertArrayEquals(TestImages.layers().get(2), layerOf("z:latest", 0));
  }

  @Test
  void anAmbiguousShortTagIsAUsageErrorListingTheMatches() throws IOException {
    Path a = threeImages();
    UsageException e = assertThrows(UsageException.class, () -> importImage(a + ":1"));
    assertTrue(e.getMessage().startsWith(a.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("x:1") && e.getMessage().contains("example.com/y:1"), e.getMessage());
    assertFalse(e.getMessage().contains("z:latest"), e.getMessage());
    assertTrue(StoredImage.names(repo).isEmpty(), "nothing imported");
  }

  @Test
  void anUnknownTagIsBadDataNamingTheTagsTheArchiveHas() throws IOException {
    Path a = threeImages();
    BadDataException e = assertThrows(BadDataException.class, () -> importImage(a + ":2"));
    assertTrue(e.getMessage().contains("'2'"), e.getMessage());
    assertTrue(e.getMessage().contains("[x:1, example.com/y:1, z:latest]"), e.getMessage());
  }

  @Test
  void severalImagesWithoutATagAreAUsageErrorInsteadOfTakingTheFirst() throws IOException {
    Path a = threeImages();
    UsageException e = assertThrows(UsageException.class, () -> importImage(a.toString()));
    assertTrue(e.getMessage().contains("several images [x:1, example.com/y:1, z:latest]"), e.getMessage());
  }

  @Test
  void aPathWithColonsIsSplitAtTheLongestExistingPrefix() throws IOException {
    Path a = threeImages();
    Path odd = Files.copy(a, dir.resolve("saved:v2.tar"));
    assertEquals(new SourceSpec(odd, "x:1"), SourceSpec.parse(odd + ":x:1"));
    assertEquals(new SourceSpec(odd, null), SourceSpec.parse(odd.toString()));
    assertEquals("x:1", importImage(odd + ":x:1").name());
    assertThrows(UsageException.class, () -> SourceSpec.parse(dir.resolve("nothing.tar") + ":x:1"));
    assertThrows(UsageException.class, () -> SourceSpec.parse(a + ":"));
  }

  /** QA round 11: a malformed oci-layout file was never read. */
  @Test
  void theLayoutVersionFileIsCheckedWhenPresent() throws IOException {
    Path layout = TestImages.writeLayout(dir.resolve("versioned"), "t", List.of(TestImages.layers().get(0)), "gzip");
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("{nope", "oci-layout: malformed JSON");
    bad.put("{\"imageLayoutVersion\":\"2.0.0\"}", "oci-layout has imageLayoutVersion '2.0.0'; this weft reads version 1.x");
    bad.put("{}", "oci-layout has no imageLayoutVersion");
    bad.put("{\"imageLayoutVersion\":1}", "oci-layout has imageLayoutVersion 1, which must be a string");
    for (var e : bad.entrySet()) {
      Files.writeString(layout.resolve("oci-layout"), e.getKey());
      BadDataException x = assertThrows(BadDataException.class, () -> importImage(layout + ":t"));
      assertTrue(x.getMessage().contains(e.getValue()), x.getMessage());
      assertEquals(List.of(), repo.refs(""), "nothing imported");
    }
    Files.delete(layout.resolve("oci-layout"));
    assertEquals("t", importImage(layout + ":t").name(), "a layout without the file is read as 1.0");
  }

  /** QA round 11: an entry with the tag but an unknown media type was reported as "no image ... tagged". */
  @Test
  void aTaggedEntryThatIsNoImageIsNamedWithItsMediaType() throws IOException {
    Path layout = TestImages.writeLayout(dir.resolve("artifact"), "t", List.of(TestImages.layers().get(0)), "gzip");
    ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ((ObjectNode) index.path("manifests").get(0)).put("mediaType", "application/vnd.example.manifest");
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    BadDataException e = assertThrows(BadDataException.class, () -> importImage(layout + ":t"));
    assertTrue(e.getMessage().endsWith("index.json entry tagged 't' has media type application/vnd.example.manifest,"
        + " not an image manifest or index"), e.getMessage());
  }

  @Test
  void layoutsTakeTheFullContainerdNameAndRefuseAnAmbiguousShortTag() throws IOException {
    // Newer docker save writes an OCI layout: ref.name is the short tag, the containerd name the full one.
    Path layout = dir.resolve("layout");
    List<byte[]> t = TestImages.layers();
    ArrayNode manifests = JSON.createArrayNode();
    String[] names = {"docker.io/library/x:1", "docker.io/library/y:1"};
    for (int i = 0; i < 2; i++) {
      TestImages.writeLayout(layout, "1", List.of(t.get(i)), "gzip");
      ObjectNode d = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile()).path("manifests").get(0);
      ((ObjectNode) d.path("annotations")).put("io.containerd.image.name", names[i]);
      manifests.add(d);
    }
    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2);
    index.set("manifests", manifests);
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));

    assertEquals("y:1", importImage(layout + ":y:1").name());
    assertArrayEquals(t.get(1), layerOf("y:1", 0));
    assertEquals("docker.io/library/x:1", importImage(layout + ":docker.io/library/x:1").name());
    assertArrayEquals(t.get(0), layerOf("docker.io/library/x:1", 0));
    UsageException amb = assertThrows(UsageException.class, () -> importImage(layout + ":1"));
    assertTrue(amb.getMessage().contains("ambiguous"), amb.getMessage());
    BadDataException unknown = assertThrows(BadDataException.class, () -> importImage(layout + ":2"));
    assertTrue(unknown.getMessage().contains("[docker.io/library/x:1, docker.io/library/y:1]"), unknown.getMessage());
  }

  @Test
  void withoutATagADockerLayoutIsNamedLikeDockerSaveAlsoThroughANestedIndex() throws IOException {
    List<byte[]> t = TestImages.layers();
    // Flat: the index entry carries both names; docker save's RepoTags would say app:1.0.
    Path flat = dir.resolve("flat");
    TestImages.writeLayout(flat, "1.0", List.of(t.get(0)), "gzip");
    ObjectNode index = (ObjectNode) JSON.readTree(flat.resolve("index.json").toFile());
    ((ObjectNode) index.path("manifests").get(0).path("annotations"))
        .put("io.containerd.image.name", "docker.io/library/app:1.0");
    Files.write(flat.resolve("index.json"), JSON.writeValueAsBytes(index));
    assertEquals("app:1.0", importImage(flat.toString()).name());

    // Nested (multi-platform save, skopeo copy --all): the names sit on the top entry, not on the
    // platform manifest chosen inside the nested index.
    Path nested = dir.resolve("nested");
    TestImages.writeLayout(nested, "2.0", List.of(t.get(1)), "gzip");
    ObjectNode top = (ObjectNode) JSON.readTree(nested.resolve("index.json").toFile());
    ObjectNode platform = ((ObjectNode) top.path("manifests").get(0)).deepCopy();
    platform.remove("annotations");
    platform.putObject("platform").put("os", "linux").put("architecture", "amd64");
    ObjectNode inner = JSON.createObjectNode().put("schemaVersion", 2)
        .put("mediaType", "application/vnd.oci.image.index.v1+json");
    inner.putArray("manifests").add(platform);
    byte[] innerBytes = JSON.writeValueAsBytes(inner);
    String innerDigest = TestImages.put(nested.resolve("blobs/sha256"), innerBytes);
    ObjectNode entry = JSON.createObjectNode().put("mediaType", "application/vnd.oci.image.index.v1+json")
        .put("digest", innerDigest).put("size", innerBytes.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", "2.0")
        .put("io.containerd.image.name", "example.com/team/app:2.0");
    top.putArray("manifests").add(entry);
    Files.write(nested.resolve("index.json"), JSON.writeValueAsBytes(top));
    assertEquals("example.com/team/app:2.0", importImage(nested.toString()).name());
    assertArrayEquals(t.get(1), layerOf("example.com/team/app:2.0", 0));
  }

  @Test
  void namesThatWouldBeTheRefsDirectoryItselfAreUsageErrors() {
    for (String bad : new String[] {"", ".", ".."}) {
      UsageException e = assertThrows(UsageException.class, () -> OciNames.ref(bad));
      assertTrue(e.getMessage().contains("bad image name"), e.getMessage());
    }
    assertEquals("oci/a%2Fb:1", OciNames.ref("a/b:1"));
  }

  /** QA round 11: an image named .tmp-… was hidden from oci ls and collected by gc with all its data. */
  @Test
  void aNewImageNameStartingWithADotIsRefusedBeforeAnyWork() throws IOException {
    Path a = archive("named.tar", List.of(new Image(List.of("x:1"), List.of(TestImages.layers().get(1)))), Map.of());
    for (String bad : new String[] {".tmp-foo", ".hidden"}) {
      UsageException e = assertThrows(UsageException.class,
          () -> new ImageImporter(repo, pool, ProgressListener.NONE).importImage(a.toString(), bad));
      assertTrue(e.getMessage().contains("may not start with '.'"), e.getMessage());
    }
    assertEquals(List.of(), repo.refs(""), "nothing imported");
    Path dotTag = archive("dottag.tar", List.of(new Image(List.of(".tmp-x:1"), List.of(TestImages.layers().get(1)))),
        Map.of());
    BadDataException e = assertThrows(BadDataException.class, () -> importImage(dotTag.toString()));
    assertTrue(e.getMessage().contains("give one with --name"), e.getMessage());
  }

  @Test
  void aLayerFileThatIsASymlinkToAnotherLayerIsReadThroughIt() throws IOException {
    // Legacy docker save: a layer shared by two saved images is stored once, the second is a symlink.
    List<byte[]> t = TestImages.layers();
    Path a = archive("shared.tar", List.of(new Image(List.of("x:1"), List.of(t.get(0))),
            new Image(List.of("y:1"), List.of(t.get(0), t.get(1)))),
        Map.of("1-0/layer.tar", symlink("1-0/layer.tar", "../0-0/layer.tar")));
    ImportReport r = importImage(a + ":y:1"); // a fresh repository: the layer is split from the symlink's target
    assertEquals(2, r.layers().size());
    assertTrue(r.layers().get(0).imported());
    assertArrayEquals(t.get(0), layerOf("y:1", 0));
    assertArrayEquals(t.get(1), layerOf("y:1", 1));
  }

  @Test
  void aLayerFileThatIsAHardLinkIsReadThroughIt() throws IOException {
    List<byte[]> t = TestImages.layers();
    Path a = archive("hard.tar", List.of(new Image(List.of("x:1"), List.of(t.get(2))),
            new Image(List.of("y:1"), List.of(t.get(2)))),
        Map.of("1-0/layer.tar", hardLink("1-0/layer.tar", "0-0/layer.tar")));
    importImage(a + ":y:1");
    assertArrayEquals(t.get(2), layerOf("y:1", 0));
  }

  @Test
  void linksLeavingTheArchiveOrLeadingNowhereAreBadData() throws IOException {
    List<byte[]> t = List.of(TestImages.layers().get(0));
    Map<String, String> cases = Map.of(
        "../../0-0/layer.tar", "leaves the archive",
        "/etc/passwd", "leaves the archive",
        "../nothing/layer.tar", "not in the archive",
        "../0-0", "not in the archive",
        "layer.tar", "more than"); // a link to itself
    int n = 0;
    for (var c : cases.entrySet()) {
      Path a = archive("bad" + n++ + ".tar", List.of(new Image(List.of("x:1"), t)),
          Map.of("0-0/layer.tar", symlink("0-0/layer.tar", c.getKey())));
      BadDataException e = assertThrows(BadDataException.class, () -> importImage(a.toString()), c.getKey());
      assertTrue(e.getMessage().contains("0-0/layer.tar") && e.getMessage().contains(c.getValue()),
          c.getKey() + ": " + e.getMessage());
    }
    assertTrue(StoredImage.names(repo).isEmpty());
  }

  @Test
  void aLayerLinkToADirectoryIsBadData() throws IOException {
    List<byte[]> t = List.of(TestImages.layers().get(0));
    TarArchiveEntry d = new TarArchiveEntry("somedir/");
    Map<String, TarArchiveEntry> links = new LinkedHashMap<>();
    links.put("somedir/", d);
    links.put("0-0/layer.tar", symlink("0-0/layer.tar", "../somedir"));
    Path a = archive("dirlink.tar", List.of(new Image(List.of("x:1"), t)), links);
    BadDataException e = assertThrows(BadDataException.class, () -> importImage(a.toString()));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @Test
  void anImageWithoutRepoTagsStillImportsAlone() throws IOException {
    Path a = archive("untagged.tar", List.of(new Image(List.of(), List.of(TestImages.layers().get(1)))), Map.of());
    UsageException e = assertThrows(UsageException.class, () -> importImage(a.toString()));
    assertTrue(e.getMessage().contains("--name"), e.getMessage());
    ImportReport r = new ImageImporter(repo, pool, ProgressListener.NONE).importImage(a.toString(), "mine");
    assertEquals("mine", r.name());
    assertNull(SourceSpec.parse(a.toString()).tag());
  }
}
