package dev.weft.cli.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.cli.Main;
import dev.weft.store.oci.StoredImage;
import dev.weft.store.oci.TestImagesForCli;
import dev.weft.store.repo.Repository;
import dev.weft.store.splitstream.SplitStream;
import dev.weft.store.verity.ObjectId;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read commands on damaged or missing repositories: exit codes, messages, and no side effects. */
class StoreReadCliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {}

  Run weft(Path repo, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] full = new String[args.length + 2];
    full[0] = "--repo";
    full[1] = repo.toString();
    System.arraycopy(args, 0, full, 2, args.length);
    int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true), false);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void catOfACorruptObjectExits3NamingItAndWritesNoFile() throws IOException {
    Path repoDir = dir.resolve("repo");
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    assertEquals(0, weft(repoDir, "oci", "import", layout + ":v1", "--name", "img").code());
    Repository repo = Repository.open(repoDir, false);
    StoredImage.StoredLayer l = StoredImage.load(repo, "img").layers().get(0);
    ObjectId victim = SplitStream.load(repo, l.streamId(), "l0").objectRefs().get(0);
    byte[] b = Files.readAllBytes(repo.objectPath(victim));
    b[b.length / 2] ^= 1;
    Files.write(repo.objectPath(victim), b);

    Path out = dir.resolve("layer.tar");
    Run cat = weft(repoDir, "cat", l.streamName(), "-o", out.toString());
    assertEquals(3, cat.code(), cat.err());
    assertTrue(cat.err().contains(victim.hex()), cat.err());
    assertEquals(1, cat.err().strip().lines().count(), cat.err());
    try (var s = Files.list(dir)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains("layer.tar")), "no (partial) output");
    }
    Run unpack = weft(repoDir, "oci", "unpack", "img", dir.resolve("root").toString());
    assertEquals(3, unpack.code(), unpack.err());
    assertFalse(Files.exists(dir.resolve("root")));
  }

  @Test
  void readOnlyCommandsOnAMissingRepositoryExit2AndCreateNothing() {
    Path missing = dir.resolve("nonexist/x");
    String[][] commands = {{"oci", "ls"}, {"oci", "inspect", "img"}, {"cat", "refs/x"}, {"fsck"}, {"gc"}};
    for (String[] c : commands) {
      Run r = weft(missing, c);
      assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
      assertTrue(r.err().contains("no such repository"), r.err());
      assertFalse(Files.exists(dir.resolve("nonexist")), String.join(" ", c) + " created the repository");
    }
  }

  @Test
  void jsonKeysAreSnakeCaseAndMissingCreatedIsNotPrintedAsNull() throws IOException {
    Path repoDir = dir.resolve("repo");
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    Run imp = weft(repoDir, "--json", "oci", "import", layout + ":v1", "--name", "img");
    assertEquals(0, imp.code(), imp.err());
    String inspect = weft(repoDir, "--json", "oci", "inspect", "img").out();
    String gc = weft(repoDir, "--json", "gc", "--dry-run").out();
    String fsck = weft(repoDir, "--json", "fsck").out();
    var camel = java.util.regex.Pattern.compile("\"[a-z]+[A-Z][A-Za-z]*\"\\s*:");
    for (String json : new String[] {imp.out(), inspect, gc, fsck}) {
      assertFalse(camel.matcher(json).find(), json);
    }
    assertTrue(inspect.contains("\"diff_id\""), inspect);
    String text = weft(repoDir, "oci", "inspect", "img").out();
    assertFalse(text.contains("null"), text);
  }

  @Test
  void malformedJsonNamesLineAndColumnNotJacksonInternals() throws IOException {
    Path layout = TestImagesForCli.layout(dir.resolve("layout"), "v1");
    Files.writeString(layout.resolve("index.json"), "{\"manifests\": [");
    Run r = weft(dir.resolve("repo"), "oci", "import", layout + ":v1");
    assertEquals(3, r.code(), r.err());
    assertFalse(r.err().contains("Source:") || r.err().contains("REDACTED"), r.err());
    assertTrue(r.err().matches("(?s).*line 1, column \\d+.*"), r.err());
  }
}
