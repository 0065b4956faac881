package dev.weft.cli.qa;

import static dev.weft.cli.qa.Qa.oneLineError;
import static dev.weft.cli.qa.Qa.weft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.cli.qa.Qa.Run;
import dev.weft.store.oci.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QA regression tests for the split-stream repository commands: hostile images give exit 3 and publish nothing. */
class QaStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private String repo() {
    return dir.resolve("repo").toString();
  }

  private static byte[] tar(String name, byte[] content) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bos)) {
      // parent directory entries first (unpack does not create missing parents, see /work/reviews/qa.md)
      for (String d : new String[] {"app/", "etc/"}) {
        TarArchiveEntry de = new TarArchiveEntry(d);
        de.setMode(040755);
        t.putArchiveEntry(de);
        t.closeArchiveEntry();
      }
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(content.length);
      e.setMode(0644);
      t.putArchiveEntry(e);
      t.write(content);
      t.closeArchiveEntry();
      TarArchiveEntry small = new TarArchiveEntry("etc/small.txt");
      byte[] s = "hello\n".getBytes(StandardCharsets.UTF_8);
      small.setSize(s.length);
      t.putArchiveEntry(small);
      t.write(s);
      t.closeArchiveEntry();
    }
    return bos.toByteArray();
  }

  private Path layout(String name) throws IOException {
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + (i >> 7));
    }
    return TestImages.writeLayout(dir.resolve(name), "v1", List.of(tar("app/data.bin", big)), "gzip");
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static String put(Path layout, byte[] data) throws IOException {
    String d = "sha256:" + Qa.sha256(data);
    Files.write(blob(layout, d), data);
    return d;
  }

  /** Replaces the first layer's blob (fixing up the manifest and index digests) and/or edits the config. */
  private static void rewrite(Path layout, UnaryOperator<byte[]> layerBlob, UnaryOperator<ObjectNode> config) throws IOException {
    ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ObjectNode mdesc = (ObjectNode) index.get("manifests").get(0);
    ObjectNode manifest = (ObjectNode) JSON.readTree(Files.readAllBytes(blob(layout, mdesc.get("digest").asText())));
    ObjectNode l0 = (ObjectNode) manifest.get("layers").get(0);
    byte[] data = layerBlob.apply(Files.readAllBytes(blob(layout, l0.get("digest").asText())));
    l0.put("digest", put(layout, data)).put("size", data.length);
    ObjectNode cdesc = (ObjectNode) manifest.get("config");
    ObjectNode cfg = config.apply((ObjectNode) JSON.readTree(Files.readAllBytes(blob(layout, cdesc.get("digest").asText()))));
    byte[] cb = JSON.writeValueAsBytes(cfg);
    cdesc.put("digest", put(layout, cb)).put("size", cb.length);
    byte[] mb = JSON.writeValueAsBytes(manifest);
    mdesc.put("digest", put(layout, mb)).put("size", mb.length);
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
  }

  private void assertNothingPublished() throws IOException {
    Run ls = weft("--repo", repo(), "--json", "oci", "ls");
    assertEquals(0, ls.code(), ls.err());
    assertEquals(0, JSON.readTree(ls.out()).size(), ls.out());
    Run fsck = weft("--repo", repo(), "fsck");
    assertEquals(0, fsck.code(), fsck.out() + fsck.err());
    Path r = dir.resolve("repo");
    if (Files.isDirectory(r)) {
      try (Stream<Path> s = Files.walk(r)) {
        List<Path> tmp = s.filter(p -> p.getFileName().toString().contains(".tmp")).toList();
        assertTrue(tmp.isEmpty(), "temporary files left: " + tmp);
      }
    }
  }

  @Test
  void truncatedGzipLayerIsExit3AndPublishesNothing() throws IOException {
    Path l = layout("img");
    rewrite(l, b -> Arrays.copyOf(b, b.length / 2), c -> c);
    oneLineError(weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "x"), 3, "gzip");
    assertNothingPublished();
  }

  @Test
  void truncatedTarIsExit3NamingTheEntry() throws IOException {
    Path l = dir.resolve("img");
    byte[] big = new byte[100_000];
    byte[] whole = tar("app/data.bin", big);
    byte[] cut = Arrays.copyOf(whole, 50_000);
    TestImages.writeLayout(l, "v1", List.of(cut), "none");
    oneLineError(weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "x"), 3, "app/data.bin");
    assertNothingPublished();
  }

  @Test
  void diffIdMismatchIsExit3() throws IOException {
    Path l = layout("img");
    rewrite(l, b -> b, c -> {
      ((com.fasterxml.jackson.databind.node.ArrayNode) c.get("rootfs").get("diff_ids")).set(0, "sha256:" + "0".repeat(64));
      return c;
    });
    oneLineError(weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "x"), 3, "diff_id");
    assertNothingPublished();
  }

  @Test
  void malformedIndexMissingBlobAndBadSourcesAreNamed() throws IOException {
    Path l = layout("img");
    Files.writeString(l.resolve("index.json"), "{\"manifests\": [");
    oneLineError(weft("--repo", repo(), "oci", "import", l.toString(), "--name", "x"), 3, "index.json");

    Path m = layout("img2");
    JsonNode index = JSON.readTree(m.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(Files.readAllBytes(blob(m, index.get("manifests").get(0).get("digest").asText())));
    String layer = manifest.get("layers").get(0).get("digest").asText();
    Files.delete(blob(m, layer));
    oneLineError(weft("--repo", repo(), "oci", "import", m.toString(), "--name", "x"), 3, "missing");

    oneLineError(weft("--repo", repo(), "oci", "import", dir.resolve("nope").toString()), 2, "nope");
    Files.createDirectories(dir.resolve("empty"));
    oneLineError(weft("--repo", repo(), "oci", "import", dir.resolve("empty").toString()), 3, "index.json");
    oneLineError(weft("--repo", repo(), "oci", "import", layout("img3") + ":nosuchtag"), 3, "nosuchtag");
    assertNothingPublished();
  }

  @Test
  void unknownNamesAndBadOptionsAfterAGoodImport() throws IOException {
    Path l = layout("img");
    Run imp = weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "good");
    assertEquals(0, imp.code(), imp.err());
    oneLineError(weft("--repo", repo(), "oci", "inspect", "nosuch"), 3, "nosuch");
    oneLineError(weft("--repo", repo(), "oci", "untag", "nosuch"), 3, "nosuch");
    oneLineError(weft("--repo", repo(), "oci", "export", "nosuch", dir.resolve("e").toString()), 3, "nosuch");
    oneLineError(weft("--repo", repo(), "cat", "nosuch"), 3, "nosuch");
    oneLineError(weft("--repo", repo(), "cat", "../meta.json"), 2, "bad stream name '../meta.json'");
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    oneLineError(weft("--repo", repo(), "oci", "export", "good", aFile.toString()), 2, "a-file: not a directory");
    oneLineError(weft("--repo", repo(), "cat", "refs/../../x"), 2, "bad ref name '../../x'");
    oneLineError(weft("--repo", repo(), "oci", "export", "good", dir.resolve("e").toString(), "--compress", "bogus"), 2, "--compress");
    Path rootfs = dir.resolve("rootfs");
    Run up = weft("--repo", repo(), "oci", "unpack", "good", rootfs.toString());
    assertEquals(0, up.code(), up.err());
    oneLineError(weft("--repo", repo(), "oci", "unpack", "good", rootfs.toString()), 2, "not empty");
    Run fsck = weft("--repo", repo(), "--json", "fsck");
    assertEquals(0, fsck.code(), fsck.err());
    assertTrue(JSON.readTree(fsck.out()).get("ok").asBoolean(), fsck.out());
    // importing the same image again writes nothing
    Run again = weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "good");
    assertEquals(0, again.code(), again.err());
  }

  @Test
  void hostileEntryIsRefusedByUnpack() throws IOException {
    Path l = dir.resolve("img");
    TestImages.writeLayout(l, "v1", List.of(tar("../../escape.txt", new byte[500])), "gzip");
    Run imp = weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "evil");
    assertEquals(0, imp.code(), imp.err());
    Path target = dir.resolve("a/b/rootfs");
    oneLineError(weft("--repo", repo(), "oci", "unpack", "evil", target.toString()), 3, "..");
    assertFalse(Files.exists(dir.resolve("a/escape.txt")));
    assertFalse(Files.exists(dir.resolve("escape.txt")));
  }

  @Test
  void corruptObjectIsNamedByFsckAndRepairRemovesIt() throws IOException {
    Path l = layout("img");
    assertEquals(0, weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "good").code());
    Path victim;
    try (Stream<Path> s = Files.walk(dir.resolve("repo/objects"))) {
      victim = s.filter(Files::isRegularFile).filter(p -> {
        try {
          return Files.size(p) > 1000;
        } catch (IOException e) {
          return false;
        }
      }).findFirst().orElseThrow();
    }
    byte[] b = Files.readAllBytes(victim);
    b[10] ^= 1;
    Files.write(victim, b);
    Run fsck = weft("--repo", repo(), "fsck");
    assertEquals(3, fsck.code(), fsck.err());
    assertTrue(fsck.err().contains(victim.getParent().getFileName().toString() + victim.getFileName()), fsck.err());
    Qa.noStackTrace(fsck);
    Run export = weft("--repo", repo(), "oci", "export", "good", dir.resolve("e").toString());
    assertEquals(3, export.code(), export.err());
    assertEquals(0, weft("--repo", repo(), "fsck", "--repair").code());
    assertEquals(0, weft("--repo", repo(), "fsck").code());
    assertEquals(0, weft("--repo", repo(), "oci", "import", l + ":v1", "--name", "good").code());
    assertEquals(0, weft("--repo", repo(), "fsck").code());
  }
}
