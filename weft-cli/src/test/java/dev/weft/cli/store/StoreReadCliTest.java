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
    String id = "0".repeat(64);
    String out = dir.resolve("o").toString();
    String[][] commands = {{"oci", "ls"}, {"oci", "inspect", "img"}, {"cat", "refs/x"}, {"fsck"}, {"gc"},
        {"oci", "export", "img", out}, {"oci", "unpack", "img", out}, {"oci", "untag", "img"}, {"get", id, "-o", out},
        {"rm", id}, {"ec", "get", id, "-o", out}, {"ec", "rm", id}, {"fsck", "--repair"}};
    for (String[] c : commands) {
      Run r = weft(missing, c);
      assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
      assertTrue(r.err().contains("no such repository"), r.err());
      assertFalse(Files.exists(dir.resolve("nonexist")), String.join(" ", c) + " created the repository");
      assertFalse(Files.exists(dir.resolve("o")), String.join(" ", c) + " wrote its output");
    }
  }

  @Test
  void repoHelpSaysWhichCommandsCreateTheRepositoryAndWhichNeedOne() {
    String[][] readers = {{"oci", "ls"}, {"oci", "inspect"}, {"oci", "export"}, {"oci", "unpack"}, {"oci", "untag"},
        {"cat"}, {"fsck"}, {"gc"}, {"get"}, {"rm"}, {"ec", "get"}, {"ec", "rm"}};
    for (String[] c : readers) {
      String help = help(c);
      assertTrue(help.contains("must exist: this command never"), String.join(" ", c) + ": " + help);
      assertFalse(help.contains("created on first use"), String.join(" ", c) + ": " + help);
    }
    for (String[] c : new String[][] {{"oci", "import"}, {"put"}, {"ec", "put"}}) {
      assertTrue(help(c).contains("created on first use"), String.join(" ", c));
    }
    String imp = help("oci", "import");
    for (String limit : new String[] {"store.import.layers", "store.import.bytes", "tar+zstd", "RepoTags",
        "bytes after the end of a gzip or zstd stream", "linux/amd64"}) {
      assertTrue(imp.contains(limit), limit + " in: " + imp);
    }
  }

  /** The help text of a command with its lines joined (picocli wraps option descriptions). */
  private String help(String... command) {
    String[] args = java.util.Arrays.copyOf(command, command.length + 1);
    args[command.length] = "--help";
    Run r = weft(dir.resolve("unused"), args);
    assertEquals(0, r.code(), r.err());
    return r.out().replaceAll("\\s*\\n\\s*", " ");
  }

  @Test
  void aCommandWaitingForTheRepositoryLockSaysSoOnce() throws Exception {
    Path repoDir = dir.resolve("repo");
    Repository repo = Repository.open(repoDir, true);
    java.util.concurrent.CountDownLatch locked = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Thread holder = Thread.ofPlatform().start(() -> {
      try (var l = repo.lockShared()) { // as an import would
        locked.countDown();
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    locked.await();
    // gc runs on its own thread; the lock is released once gc has said it waits (after 500 ms of waiting),
    // not after a fixed time, which a slow start of gc (a cold JVM on a loaded machine) could use up.
    StringWriter gcOut = new StringWriter();
    StringWriter gcErr = new StringWriter(); // synchronized: safe to read while gc writes
    int[] gcCode = {-1};
    Thread gcThread = Thread.ofPlatform().start(() -> gcCode[0] = Main.run(
        new String[] {"--repo", repoDir.toString(), "gc"}, new PrintWriter(gcOut, true), new PrintWriter(gcErr, true),
        false));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (!gcErr.toString().contains("waiting for the repository lock") && gcThread.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    release.countDown();
    gcThread.join();
    holder.join();
    Run gc = new Run(gcCode[0], gcOut.toString(), gcErr.toString());
    assertEquals(0, gc.code(), gc.err());
    assertTrue(gc.err().contains("weft: waiting for the repository lock " + repoDir.resolve(".lock")), gc.err());
    assertEquals(1, gc.err().lines().filter(l -> l.contains("waiting")).count(), gc.err());
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
